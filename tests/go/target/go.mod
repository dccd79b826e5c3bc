module bpfkit.test/target

go 1.19
