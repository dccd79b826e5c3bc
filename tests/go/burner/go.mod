module bpfkit.test/burner

go 1.19
