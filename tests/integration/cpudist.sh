#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# cpudist against tests/triggers/pinned (two CPU-bound threads pinned to one
# CPU): per thread (-L), the runs and their total match the kernel's own
# schedstat accounting (pcount, sum_exec_runtime); -O against
# tests/triggers/sleeper (20 sleeps of 50 ms): the time off CPU within 10% of
# what it measured; -P, -m, columns, usage errors. The checks every tool gets
# come from its row in tests/tools.table.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cpulib.sh"
T=cpudist

expect_exit "$T: -P with -L is a usage error" 64 "$BIN/$T" -P -L
expect_exit "$T: interval 0 is a usage error" 64 "$BIN/$T" 0
expect_exit "$T: a third argument is a usage error" 64 "$BIN/$T" 1 2 3

# Each pinned thread: cpudist's runs are the kernel's (pcount) plus at most
# 3 (the run under way when the kernel's count was read, and those of its
# end), and their total is its time on CPU within 10% and 20 ms.
traced threads pinned -T -m 400 -- -j -L
json_valid "$TMP/threads.out" && pass "$T: -j output is valid JSON" ||
	fail "$T: -j output is valid JSON" "$(head -2 "$TMP/threads.out")"
n=0
while read -r _ tid _ runs oncpu; do
	got=$(jq -s -r --argjson t "$tid" '[.[] | select(.tid == $t)] | "\(map(.count) | add // 0) \(map(.total_ns) | add // 0) \(.[0].pid) \(.[0].comm)"' "$TMP/threads.out")
	read -r count total pid comm <<<"$got"
	why=
	[ "$pid" = "$PID" ] && [ "$comm" = pinned ] || why="pid $pid comm $comm, want $PID pinned;"
	[ "$count" -ge "$runs" ] && [ "$count" -le $((runs + 3)) ] || why="$why $count runs, the kernel counted $runs;"
	diff=$((total - oncpu)); diff=${diff#-}
	[ "$diff" -le $((oncpu / 10 + 20000000)) ] || why="$why $total ns on CPU, the kernel's sum_exec_runtime $oncpu ns;"
	[ "$runs" -ge 5 ] || why="$why only $runs runs: not pinned together?"
	if [ -z "$why" ]; then
		pass "$T: -L: thread $tid: $count runs, $((total / 1000)) us (the kernel: $runs runs, $((oncpu / 1000)) us)"
	else
		fail "$T: -L: thread $tid: the runs and their total match schedstat" "$why"
	fi
	n=$((n + 1))
done < <(grep '^sched ' "$TMP/threads.trig")
expect_eq "$T: -L: both pinned threads were compared" "$n" 2
expect_eq "$T: -L: each histogram's slots add up to its count" \
	"$(jq -s '[.[] | select((.hist | map(.count) | add) != .count)] | length' "$TMP/threads.out")" 0

# -O: the sleeping thread's time off CPU is its 20 sleeps of 50 ms (and the
# short waits between), within 10% of what it measured.
traced off sleeper 20 50 -- -j -O -L -m
SLEPT=$(tail -1 "$TMP/off.trig")
got=$(jq -s -r --argjson t "$TID" '[.[] | select(.tid == $t)] | "\(map(.count) | add // 0) \((map(.total_ns) | add // 0) / 1000 | floor) \(.[0].unit)"' "$TMP/off.out")
read -r count us unit <<<"$got"
if [ "$count" -ge 20 ] && [ "$us" -ge $((SLEPT * 9 / 10)) ] && [ "$us" -le $((SLEPT * 11 / 10)) ] && [ "$unit" = msecs ]; then
	pass "$T: -O -m: the sleeping thread was off CPU $us us in $count times (it measured $SLEPT us asleep)"
else
	fail "$T: -O -m: the sleeping thread's 20 sleeps of 50 ms" "$count times, $us us, unit $unit; it measured $SLEPT us"
fi

# -P and columns.
traced proc pinned -m 200 -- -j -P
expect_eq "$T: -P: one histogram, for the process" \
	"$(jq -s -c --argjson p "$PID" '[.[] | select(.pid == $p) | [.comm, .unit, .count >= 10]]' "$TMP/proc.out")" \
	'[["pinned","usecs",true]]'
traced cols pinned -m 200 --
expect_eq "$T: columns: the banner, the count line and the histogram header" \
	"$(grep -cE '^Tracing on-CPU time|^[0-9]+ runs on CPU, average [0-9.]+ usecs$|^ +usecs +: count +distribution$' "$TMP/cols.out")" 3
