module bpfkit.test/cgotarget

go 1.19
