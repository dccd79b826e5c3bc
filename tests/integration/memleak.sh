#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# memleak against tests/triggers/leaker (23 blocks of 4,321 bytes kept by
# leak_block, every other allocation of the malloc family freed): -p through
# the libc of the process's maps, on the program and on a stripped copy with
# a debug file, reports exactly 23 x 4,321 at leak_block and nothing else;
# -c, -o, -a, --top, folded, --svg; kernel mode. The checks every tool gets
# (usage, filters, signals, -O on the static leaker) come from its row in
# tests/tools.table.
. "$(dirname "$0")/../lib.sh"
T=memleak

# Kernel mode, the part that depends on the kernel: the kmem and percpu
# tracepoints load and give kernel stacks.
start_tool kern $T -j
nap 1
stop_tool TERM
expect_eq "$T: kernel mode: SIGTERM exits 0" "$TOOL_RC" 0
got=$(jq -s 'length > 0 and all(.kind == "kernel" and .bytes > 0 and .allocs > 0 and (.kstack | length) > 0)' "$TMP/kern.out" 2>&1)
expect_eq "$T: kernel mode: stacks of kernel frames with bytes and blocks" "$got" true

host_only

expect_exit "$T: -p with -c is a usage error" 64 "$BIN/$T" -p 1 -c true
expect_exit "$T: -o -1 is a usage error" 64 "$BIN/$T" -o -1
expect_exit "$T: --top 0 is a usage error" 64 "$BIN/$T" --top 0
expect_exit "$T: --allocs 1 is a usage error" 64 "$BIN/$T" --allocs 1
expect_exit "$T: -c '' is a usage error" 64 "$BIN/$T" -c ''
expect_exit "$T: -f with -j is a usage error" 64 "$BIN/$T" -f -j
expect_exit "$T: a missing -O fails with 1" 1 "$BIN/$T" -O /nonexistent/libfoo.so
expect_exit "$T: -O of a file without malloc fails with 1" 1 "$BIN/$T" -O "$TRIG/callee"
expect_exit "$T: -c of a missing program fails with 1" 1 "$BIN/$T" -c /nonexistent/prog

# A stripped copy of the leaker whose symbols are in a debug file beside it.
cp "$TRIG/leaker" "$TMP/leaker-full"
objcopy --only-keep-debug "$TMP/leaker-full" "$TMP/leaker.debug"
objcopy --strip-all --add-gnu-debuglink="$TMP/leaker.debug" "$TMP/leaker-full" "$TMP/leaker"
if nm "$TMP/leaker" 2>/dev/null | grep -q leak_block; then fail "$T: the stripped leaker has no leak_block symbol" "nm found it"; fi

# run NAME PROGRAM [TOOL-ARG...]: memleak -p on PROGRAM -w while it leaks; it
# ends by itself when the leaker exits. @PID in the arguments is its pid.
run() {
	local name=$1 prog=$2 a; shift 2
	mkfifo "$TMP/go.$name"
	"$prog" -w <"$TMP/go.$name" >"$TMP/$name.lk" &
	local lpid=$!
	exec 8>"$TMP/go.$name"
	for _ in $(seq 100); do [ -s "$TMP/$name.lk" ] && break; nap 0.05; done
	PID=$(head -1 "$TMP/$name.lk")
	a=("$@"); a=("${a[@]//@PID/$PID}")
	start_tool "$name" $T -p "$PID" "${a[@]}" || fail "$T: $name: did not attach" "$(tail -3 "$TMP/$name.err")"
	echo go >&8; exec 8>&-
	wait $lpid
	wait_tool 20
	expect_eq "$T: $name: ends by itself with 0 when the process exits" "$TOOL_RC/$TOOL_ALIVE" 0/0
}
# leaks FILE: what the JSON report says of $PID, one line per stack.
leaks() { jq -r --argjson pid "$PID" 'select(.pid == $pid) | "\(.allocs)x\(.bytes / .allocs)@\(.ustack[0])"' "$1" 2>&1; }

run plain "$TRIG/leaker" -j
expect_eq "$T: -p: exactly 23 x 4321 bytes at leak_block, nothing else" "$(leaks "$TMP/plain.out")" 23x4321@leak_block
grep -qE "tracing (9|10|11) allocator functions of .*/libc\.so" "$TMP/plain.err" &&
	pass "$T: -p: libc found in the process's maps, its malloc family probed" ||
	fail "$T: -p: libc found in the process's maps, its malloc family probed" "$(grep tracing "$TMP/plain.err")"
got=$(jq -r 'select(.pid == '"$PID"') | .ustack[:2] | join(";")' "$TMP/plain.out")
expect_eq "$T: -p: the stack goes on to leak_block's caller" "$got" "leak_block;work"

run stripped "$TMP/leaker" -j
expect_eq "$T: stripped with a debug file: 23 x 4321 bytes at leak_block" "$(leaks "$TMP/stripped.out")" 23x4321@leak_block

# -T: the work in a second thread, whose arena glibc maps inside malloc.
mkfifo "$TMP/go.thr"
"$TRIG/leaker" -w -T <"$TMP/go.thr" >"$TMP/thr.lk" &
lpid=$!
exec 8>"$TMP/go.thr"
for _ in $(seq 100); do grep -q '^tid ' "$TMP/thr.lk" && break; nap 0.05; done
PID=$(head -1 "$TMP/thr.lk")
start_tool thr $T -j -p "$PID"
echo go >&8; exec 8>&-
wait $lpid
wait_tool 20
expect_eq "$T: -p, the work in a thread: 23 x 4321 at leak_block, no arena mapping" "$(leaks "$TMP/thr.out")" 23x4321@leak_block

# Columns with -a: the block of the stack and one line per block.
run cols "$TRIG/leaker" -a
if grep -q '^    leak_block$' "$TMP/cols.out" && grep -qE "^    -  +leaker \($PID\)$" "$TMP/cols.out" &&
   grep -qE '^        99383 bytes in 23 allocations, the oldest [0-9]+ ms old$' "$TMP/cols.out"; then
	pass "$T: columns: leak_block, leaker ($PID), 99383 bytes in 23 allocations"
else
	fail "$T: columns: leak_block, leaker ($PID), 99383 bytes in 23 allocations" "$(head -12 "$TMP/cols.out")"
fi
expect_eq "$T: -a: 23 lines of 4321-byte blocks" \
	"$(grep -cE '^        0x[0-9a-f]+ 4321 bytes, [0-9]+ ms old$' "$TMP/cols.out")" 23

# -j -a: each block's address, size and age.
run all "$TRIG/leaker" -j -a
got=$(jq -r 'select(.pid == '"$PID"') | [(.blocks | length), (.blocks | map(.bytes) | unique), (.blocks | map(.addr) | unique | length)] | tostring' "$TMP/all.out")
expect_eq "$T: -j -a: 23 distinct blocks of 4321 bytes" "$got" '[23,[4321],23]'

# -o: blocks younger than a minute are left out.
run older "$TRIG/leaker" -j -o 60000
expect_eq "$T: -o 60000: nothing younger shown" "$(leaks "$TMP/older.out")" ""

# Folded and the flame graph.
run fold "$TRIG/leaker" -f --svg "$TMP/leak.svg"
got=$(grep -E "^leaker;.*;work;leak_block 99383$" "$TMP/fold.out" | wc -l)
expect_eq "$T: -f: one line leaker;...;work;leak_block 99383" "$got" 1
if grep -q 'leak_block' "$TMP/leak.svg" 2>/dev/null && grep -q '99,383 bytes\|99383 bytes' "$TMP/leak.svg"; then
	pass "$T: --svg: the flame graph has leak_block and its 99383 bytes"
else
	fail "$T: --svg: the flame graph has leak_block and its 99383 bytes" "$(grep -o 'leak_block[^<]*' "$TMP/leak.svg" | head -2)"
fi

# -c: the command runs once the probes are in place, and its exit ends it.
"$BIN/$T" -j -c "$TRIG/leaker -n 7 -s 1000" >"$TMP/cmd.out" 2>"$TMP/cmd.err"
rc=$?
PID=$(grep -v '^{' "$TMP/cmd.out" | head -1)
expect_eq "$T: -c: exit 0 when the command ends" "$rc" 0
got=$(jq -r --argjson pid "${PID:-0}" 'select(.pid == $pid and .ustack[0] == "leak_block") | "\(.allocs)x\(.bytes / .allocs)"' <(grep '^{' "$TMP/cmd.out") 2>&1)
expect_eq "$T: -c: 7 x 1000 bytes at leak_block" "$got" 7x1000

no_leaks "$T: no BPF program or link is left behind"
