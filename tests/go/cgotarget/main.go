// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause

// cgotarget is a cgo build (external linker) for the Go binary readers:
// greet calls into C, so the binary has C code next to Go code.
package main

/*
static int c_add(int a, int b) { return a + b; }
*/
import "C"

import (
	"fmt"
	"os"
	"strconv"
)

//go:noinline
func greet(name string, year int) string {
	return fmt.Sprintf("hello %s, %d", name, int(C.c_add(C.int(year), 0)))
}

func main() {
	n := 1
	if len(os.Args) > 1 {
		if v, err := strconv.Atoi(os.Args[1]); err == nil {
			n = v
		}
	}
	for i := 0; i < n; i++ {
		fmt.Println(greet("cgo", 2024))
	}
}
