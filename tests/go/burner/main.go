// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause

// burner burns CPU in main.burnCPU for a given number of seconds, for
// profile's test on Go binaries (built stripped and PIE by build.sh).
//
//	burner [-w] SECONDS
//
// prints its pid, then burns and exits 0. -w waits for a line (or EOF) on
// stdin before burning, so that a tracer can attach first.
package main

import (
	"fmt"
	"os"
	"strconv"
	"time"
)

var sink int

// mix is small enough for the compiler to inline into burnCPU's loop: its
// samples name it as an inlined frame (pclntab's inline tree).
func mix(n, i int) int {
	return n + (i ^ n)
}

//go:noinline
func burnCPU(until time.Time) int {
	n := 0
	for time.Now().Before(until) {
		for i := 0; i < 2000000; i++ {
			n = mix(n, i)
		}
	}
	return n
}

func main() {
	args := os.Args[1:]
	wait := len(args) == 2 && args[0] == "-w"
	if wait {
		args = args[1:]
	}
	if len(args) != 1 {
		fmt.Fprintln(os.Stderr, "usage: burner [-w] SECONDS")
		os.Exit(64)
	}
	secs, err := strconv.ParseFloat(args[0], 64)
	if err != nil || secs <= 0 {
		fmt.Fprintln(os.Stderr, "usage: burner [-w] SECONDS")
		os.Exit(64)
	}
	fmt.Println(os.Getpid())
	if wait {
		b := make([]byte, 1)
		os.Stdin.Read(b)
	}
	sink = burnCPU(time.Now().Add(time.Duration(secs * float64(time.Second))))
}
