#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# runqslower against tests/triggers/pinned (two CPU-bound threads pinned to
# one CPU): with threshold 0, each thread's events and their total match the
# kernel's own schedstat accounting (pcount, run_delay), and the pinned
# threads are each other's previous task; a threshold keeps only the waits
# above it; columns; usage errors. The checks every tool gets come from its
# row in tests/tools.table.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cpulib.sh"
T=runqslower

expect_exit "$T: min_us -1 is a usage error" 64 "$BIN/$T" -- -1
expect_exit "$T: min_us 1x is a usage error" 64 "$BIN/$T" 1x
expect_exit "$T: two thresholds are a usage error" 64 "$BIN/$T" 1 2

traced all pinned -T -m 400 -- -j 0
json_valid "$TMP/all.out" && pass "$T: -j output is valid JSON" ||
	fail "$T: -j output is valid JSON" "$(head -2 "$TMP/all.out")"
tids=$(grep '^sched ' "$TMP/all.trig" | awk '{ print $2 }' | paste -sd' ')
n=0
while read -r _ tid delay runs _; do
	other=${tids/$tid/}; other=${other// /}
	got=$(jq -s -r --argjson t "$tid" --argjson o "$other" '[.[] | select(.tid == $t)] |
		"\(length) \(map(.delta_ns) | add // 0) \(map(select(.prev_tid == $o and .prev_comm == "pinned")) | length) \(.[0].pid) \(.[0].comm)"' "$TMP/all.out")
	read -r count total byother pid comm <<<"$got"
	why=
	[ "$pid" = "$PID" ] && [ "$comm" = pinned ] || why="pid $pid comm $comm, want $PID pinned;"
	[ "$count" -ge "$runs" ] && [ "$count" -le $((runs + 3)) ] || why="$why $count waits, the kernel counted $runs runs;"
	diff=$((total - delay)); diff=${diff#-}
	[ "$diff" -le $((delay / 10 + 20000000)) ] || why="$why $total ns waited, the kernel's run_delay $delay ns;"
	[ "$byother" -ge 1 ] || why="$why the other pinned thread ($other) was never the previous task;"
	[ "$runs" -ge 5 ] || why="$why only $runs runs: not pinned together?"
	if [ -z "$why" ]; then
		pass "$T: 0: thread $tid: $count waits, $((total / 1000)) us, $byother after its partner (the kernel: $runs runs, $((delay / 1000)) us)"
	else
		fail "$T: 0: thread $tid: each wait, as schedstat counts them, after its partner" "$why"
	fi
	n=$((n + 1))
done < <(grep '^sched ' "$TMP/all.trig")
expect_eq "$T: 0: both pinned threads were compared" "$n" 2
expect_eq "$T: 0: every event has a time, a uid and the previous task's comm" \
	"$(jq -s '[.[] | select((.time | test("^[0-9-]+T")) and .uid == 0 and (.prev_comm | length) > 0 and .delta_ns >= 0)] | length == (. | length)' "$TMP/all.out")" true

traced thr pinned -m 300 -- -j 2000
expect_eq "$T: 2000: only waits of 2 ms and more" \
	"$(jq -s --argjson p "$PID" '[.[] | select(.pid == $p)] | [length > 0, all(.delta_ns >= 2000000)]' "$TMP/thr.out" | jq -c .)" \
	'[true,true]'

traced cols pinned -m 300 -- -T 100
expect_eq "$T: columns: the header" "$(grep -m1 PID "$TMP/cols.out" | tr -s ' ')" \
	"TIME PID COMM TID LAT(us) PREV PREV_COMM"
expect_eq "$T: columns: the rows name the pinned process, with a wait in us" \
	"$(awk -v p="$PID" '$2 == p && $3 == "pinned" && $5 ~ /^[0-9]+\.[0-9]$/ { n++ } END { print (n > 0) }' "$TMP/cols.out")" 1
