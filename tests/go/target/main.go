// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause

// target is the Go workload for bpfkit's Go tools: each mode triggers a known
// number of known events so tests can assert exact results.
//
//	target [-wait] spawn N            start N goroutines from one line (spawnOne)
//	target [-wait] recurse N          recurse(N): N+1 calls, N+1 returns
//	target [-wait] greet NAME YEAR C  call greet(NAME, YEAR) C times
//	target [-wait] gc N               call runtime.GC() N times
//	target [-wait] stackgrow SECONDS  deep recursion that grows the stack
//	target [-wait] block N            N goroutines inside blocked() at once
//	target [-wait] helper NAME        viaHelper(NAME), which inlines helper
//	target [-wait] panic N            mayPanic(0..N-1): odd ones panic after
//	                                  20 ms (recovered), even ones return
//	                                  i*10 after 1 ms
//
// -wait reads one byte from stdin before starting, so a tracer can attach;
// otherwise the program sleeps 200 ms first.
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
	"time"
)

//go:noinline
func greet(name string, year int) string {
	return fmt.Sprintf("hello %s, %d", name, year)
}

//go:noinline
func recurse(n int) int {
	if n <= 0 {
		return 0
	}
	return recurse(n-1) + 1
}

//go:noinline
func worker(id int, wg *sync.WaitGroup) {
	defer wg.Done()
	time.Sleep(time.Millisecond)
	_ = id
}

//go:noinline
func spawn(n int) {
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go worker(i, &wg) // the one spawn line
	}
	wg.Wait()
}

//go:noinline
func deep(n int, pad [64]byte) int {
	if n <= 0 {
		return int(pad[0])
	}
	pad[0]++
	return deep(n-1, pad) + 1
}

// helper is small enough to be inlined into viaHelper: the call of greet
// inside it has two frames, helper then viaHelper (pclntab's inlining tree).
func helper(name string) string {
	return greet(name, 1)
}

//go:noinline
func viaHelper(name string) string {
	return helper(name)
}

// blocked waits until all n callers are inside it: n calls in flight at once.
//
//go:noinline
func blocked(inside *sync.WaitGroup, release chan struct{}) int {
	inside.Done()
	<-release
	return 1
}

func block(n int) int {
	var inside, done sync.WaitGroup
	release := make(chan struct{})
	total := make(chan int, n)
	inside.Add(n)
	done.Add(n)
	for i := 0; i < n; i++ {
		go func() {
			defer done.Done()
			total <- blocked(&inside, release)
		}()
	}
	inside.Wait()
	close(release)
	done.Wait()
	sum := 0
	for i := 0; i < n; i++ {
		sum += <-total
	}
	return sum
}

// mayPanic never returns for odd i: its panic skips the RET.
//
//go:noinline
func mayPanic(i int) int {
	if i%2 == 1 {
		time.Sleep(20 * time.Millisecond)
		panic(i)
	}
	time.Sleep(time.Millisecond)
	return i * 10
}

//go:noinline
func safeCall(i int) (r int) {
	defer func() {
		if recover() != nil {
			r = -1
		}
	}()
	return mayPanic(i)
}

func stackgrow(seconds float64) int {
	end := time.Now().Add(time.Duration(seconds * float64(time.Second)))
	total := 0
	done := make(chan int)
	for time.Now().Before(end) {
		// A fresh goroutine starts with a small stack, so each round grows it.
		go func() { done <- deep(200, [64]byte{}) }()
		total += <-done
	}
	return total
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: target [-wait] spawn N | recurse N | greet NAME YEAR COUNT | gc N | memstats N | stackgrow SECONDS | block N | panic N | helper NAME")
	os.Exit(64)
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		usage()
	}
	return n
}

func main() {
	args := os.Args[1:]
	if len(args) > 0 && args[0] == "-wait" {
		b := make([]byte, 1)
		os.Stdin.Read(b)
		args = args[1:]
	} else {
		time.Sleep(200 * time.Millisecond)
	}
	if len(args) < 1 {
		usage()
	}
	switch args[0] {
	case "spawn":
		if len(args) != 2 {
			usage()
		}
		spawn(atoi(args[1]))
	case "recurse":
		if len(args) != 2 {
			usage()
		}
		fmt.Println(recurse(atoi(args[1])))
	case "greet":
		if len(args) != 4 {
			usage()
		}
		year, count := atoi(args[2]), atoi(args[3])
		for i := 0; i < count; i++ {
			fmt.Println(greet(args[1], year))
		}
	case "gc":
		if len(args) != 2 {
			usage()
		}
		n := atoi(args[1])
		for i := 0; i < n; i++ {
			runtime.GC()
		}
	case "memstats":
		// target [-wait] memstats N: N stop-the-world pauses outside GC.
		if len(args) != 2 {
			usage()
		}
		var ms runtime.MemStats
		n := atoi(args[1])
		for i := 0; i < n; i++ {
			runtime.ReadMemStats(&ms)
		}
	case "stackgrow":
		if len(args) != 2 {
			usage()
		}
		s, err := strconv.ParseFloat(args[1], 64)
		if err != nil || s < 0 {
			usage()
		}
		fmt.Println(stackgrow(s) > 0)
	case "helper":
		if len(args) != 2 {
			usage()
		}
		fmt.Println(viaHelper(args[1]))
	case "block":
		if len(args) != 2 {
			usage()
		}
		fmt.Println(block(atoi(args[1])))
	case "panic":
		if len(args) != 2 {
			usage()
		}
		sum := 0
		for i := 0; i < atoi(args[1]); i++ {
			sum += safeCall(i)
		}
		fmt.Println(sum)
	default:
		more(args)
	}
}

// Modes added later live below, so that no line above moves (tests name
// lines of this file).
//
//	target [-wait] park N M K MS  parker(), started by the go statement in
//	                              park(), blocks N times on a channel
//	                              receive, M times on a sync.Mutex and K
//	                              times in time.Sleep, each for MS ms
//	target [-wait] exitinside N   N goroutines inside inside() when the
//	                              process exits: calls that never return
func more(args []string) {
	switch args[0] {
	case "park":
		if len(args) != 5 {
			usage()
		}
		ms := time.Duration(atoi(args[4])) * time.Millisecond
		fmt.Println(park(atoi(args[1]), atoi(args[2]), atoi(args[3]), ms))
	case "exitinside":
		if len(args) != 2 {
			usage()
		}
		var wg sync.WaitGroup
		n := atoi(args[1])
		wg.Add(n)
		for i := 0; i < n; i++ {
			go inside(&wg)
		}
		wg.Wait()
		fmt.Println(n)
		os.Exit(0)
	case "stack":
		stack(args)
	default:
		values(args)
	}
}

// park starts parker and wakes it: the waker's own waits are in park's
// goroutine (the main one), not at parker's go statement.
func park(n, m, k int, d time.Duration) int {
	ch := make(chan int)
	ack := make(chan struct{}, 1)
	done := make(chan int)
	var mu sync.Mutex
	ready := make(chan struct{}, 1)
	go parker(n, m, k, d, ch, ready, ack, &mu, done) // the go statement goblock names
	for i := 0; i < n; i++ {
		time.Sleep(d)
		ch <- i
	}
	for i := 0; i < m; i++ {
		mu.Lock()
		ready <- struct{}{}
		time.Sleep(d)
		mu.Unlock()
		<-ack
	}
	return <-done
}

// parker waits exactly n+m+k times: each receive finds the channel empty
// (the sender sleeps d first), each Lock finds the mutex held for d (it
// waits for the holder to say so by yielding, runtime.Gosched, which parks
// nothing, and then takes the message that is there; and the holder waits for its ack before it locks again), then it
// sleeps.
func parker(n, m, k int, d time.Duration, ch chan int, ready, ack chan struct{}, mu *sync.Mutex, done chan int) {
	sum := 0
	for i := 0; i < n; i++ {
		sum += <-ch
	}
	for i := 0; i < m; i++ {
		for len(ready) == 0 {
			runtime.Gosched()
		}
		<-ready
		mu.Lock()
		mu.Unlock()
		ack <- struct{}{}
	}
	for i := 0; i < k; i++ {
		time.Sleep(d)
	}
	done <- n + m + k + sum - sum
}

// inside never returns: the process exits while it waits.
//
//go:noinline
func inside(wg *sync.WaitGroup) int {
	wg.Done()
	select {}
}

// Modes for gotrace's decoding of arguments that are not scalars:
//
//	target [-wait] values N  N rounds, each with three calls of inspect()
//	                         (errors, interfaces, maps), one of move()
//	                         (a struct in registers), one of spread()
//	                         (a struct on the stack) and one of bump()
//	                         (pointers); prints a checksum
type point struct {
	X, Y int
	Name string
}

type codeError struct{ code int }

func (e *codeError) Error() string { return "code " + strconv.Itoa(e.code) }

// wide has more words than ABIInternal's 9 integer registers: on the stack.
type wide struct{ A, B, C, D, E, F, G, H, I, J int }

// inspect returns the map's length and the error it was given.
//
//go:noinline
func inspect(err error, v any, m map[string]int) (int, error) {
	return len(m), err
}

// move's argument and result are structs of 3 registers.
//
//go:noinline
func move(p point, dx int) point {
	p.X += dx
	p.Y -= dx
	return p
}

//go:noinline
func spread(w wide, k int) int {
	return w.A + w.J + k
}

// bump's pointers: to an int (41 at the entry, 42 at the return), a bool
// and a struct.
//
//go:noinline
func bump(n *int, ok *bool, p *point) int {
	*n++
	return *n + p.X
}

func values(args []string) {
	if args[0] != "values" || len(args) != 2 {
		usage()
	}
	n := atoi(args[1])
	m := map[string]int{"a": 1, "b": 2, "c": 3}
	boom := fmt.Errorf("boom")
	sum := 0
	for i := 0; i < n; i++ {
		a, _ := inspect(&codeError{7}, "str", m)
		b, _ := inspect(nil, 42, nil)
		c, _ := inspect(boom, point{1, 2, "p"}, map[string]int{})
		p := move(point{1, 2, "gopher"}, 10)
		x, t := 41, true
		sum += a + b + c + p.X + spread(wide{A: 1, J: 10}, 5) + bump(&x, &t, &p)
	}
	fmt.Println(sum)
}

// target [-wait] stack N: N rounds of one call each of spill(), arr(),
// nest(), pair() and show(), whose values ABIInternal passes on the stack (all or
// part); prints a checksum.

// inner and outer: a struct in a struct, with fields smaller than a word.
type inner struct {
	A int32
	B bool
	S string
}

type outer struct {
	ID  int
	In  inner
	Tag string
}

// spill has 10 integers: j and s (after the 9 registers) are on the stack.
//
//go:noinline
func spill(a, b, c, d, e, f, g, h, i, j int, s string) int {
	return a + j + len(s)
}

// arr: arrays longer than 1 are always on the stack; name between them is
// in registers.
//
//go:noinline
func arr(xs [3]int, name string, ys [10]uint8, fs [2]float64) int {
	return xs[0] + len(name) + int(ys[9]) + int(fs[0])
}

// nest: o (7 words) in registers, p (7 more) on the stack.
//
//go:noinline
func nest(o, p outer) int {
	return o.ID + int(p.In.A) + len(p.Tag)
}

// label is a string with a method: held in an interface with methods.
type label string

func (l label) String() string { return string(l) }

// show's interfaces hold strings (a named one, and an empty one).
//
//go:noinline
func show(s fmt.Stringer, a any) int {
	return len(s.String()) + len(a.(string))
}

// pair returns a struct of 10 words on the stack and an int in a register.
//
//go:noinline
func pair(n int) (wide, int) {
	return wide{A: n, B: -n, J: 2 * n}, n + 1
}

func stack(args []string) {
	if len(args) != 2 {
		usage()
	}
	n := atoi(args[1])
	sum := 0
	for i := 0; i < n; i++ {
		sum += spill(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, "on the stack")
		sum += arr([3]int{7, 8, 9}, "arr", [10]uint8{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, [2]float64{1.5, -2.25})
		sum += nest(outer{1, inner{-2, true, "in"}, "o"}, outer{3, inner{-4, false, "deep"}, "p"})
		w, k := pair(5)
		sum += w.A + w.J + k + show(label("lbl"), "")
	}
	fmt.Println(sum)
}
