#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# runqlat against tests/triggers/pinned (two CPU-bound threads pinned to one
# CPU): per thread (-L), the waits and their total match the kernel's own
# schedstat accounting of the same threads (run_delay, pcount); columns,
# -P, -m, --pidnss, usage errors. The checks every tool gets (usage errors, filters,
# signals, each attach path) come from its row in tests/tools.table.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cpulib.sh"
T=runqlat

expect_exit "$T: -P with -L is a usage error" 64 "$BIN/$T" -P -L
expect_exit "$T: interval 0 is a usage error" 64 "$BIN/$T" 0
expect_exit "$T: count 0 is a usage error" 64 "$BIN/$T" 1 0
expect_exit "$T: a third argument is a usage error" 64 "$BIN/$T" 1 2 3

# Each pinned thread: runqlat's waits are the kernel's runs of it (pcount)
# plus at most 3 (the wake-ups after the kernel's count was read: its end),
# and its total is run_delay within 10% and 20 ms.
traced threads pinned -T -m 400 -- -j -L
json_valid "$TMP/threads.out" && pass "$T: -j output is valid JSON" ||
	fail "$T: -j output is valid JSON" "$(head -2 "$TMP/threads.out")"
n=0
while read -r _ tid delay runs _; do
	got=$(jq -s -r --argjson t "$tid" '[.[] | select(.tid == $t)] | "\(map(.count) | add // 0) \(map(.total_ns) | add // 0) \(.[0].pid) \(.[0].comm)"' "$TMP/threads.out")
	read -r count total pid comm <<<"$got"
	why=
	[ "$pid" = "$PID" ] && [ "$comm" = pinned ] || why="pid $pid comm $comm, want $PID pinned;"
	[ "$count" -ge "$runs" ] && [ "$count" -le $((runs + 3)) ] || why="$why $count waits, the kernel counted $runs runs;"
	diff=$((total - delay)); diff=${diff#-}
	[ "$diff" -le $((delay / 10 + 20000000)) ] || why="$why $total ns waited, the kernel's run_delay $delay ns;"
	[ "$runs" -ge 5 ] || why="$why only $runs runs: not pinned together?"
	if [ -z "$why" ]; then
		pass "$T: -L: thread $tid: $count waits, $((total / 1000)) us (the kernel: $runs runs, $((delay / 1000)) us)"
	else
		fail "$T: -L: thread $tid: the waits and their total match schedstat" "$why"
	fi
	n=$((n + 1))
done < <(grep '^sched ' "$TMP/threads.trig")
expect_eq "$T: -L: both pinned threads were compared" "$n" 2
expect_eq "$T: -L: each histogram's slots add up to its count" \
	"$(jq -s '[.[] | select((.hist | map(.count) | add) != .count)] | length' "$TMP/threads.out")" 0
expect_eq "$T: -L: slots in usecs, each [2^k, 2^(k+1))" \
	"$(jq -s '[.[] | select(.unit != "usecs" or (.hist | map(select(.high != 2 * .low - 1 + (if .low == 0 then 2 else 0 end))) | length) != 0)] | length' "$TMP/threads.out")" 0

# -P: one histogram for the process, with at least the two threads' waits.
traced proc pinned -m 200 -- -j -P -m
expect_eq "$T: -P -m: one histogram, for the process, in msecs" \
	"$(jq -s -c --argjson p "$PID" '[.[] | select(.pid == $p) | [.comm, .unit, .count >= 10]]' "$TMP/proc.out")" \
	'[["pinned","msecs",true]]'

# Columns: the header line, a count line and the histogram.
traced cols pinned -m 200 --
expect_eq "$T: columns: the banner, the count line and the histogram header" \
	"$(grep -cE '^Tracing run queue latency|^[0-9]+ waits, average [0-9.]+ usecs$|^ +usecs +: count +distribution$' "$TMP/cols.out")" 3

# --pidnss: the pinned pair in a PID namespace of its own (unshare -p -f),
# and another outside it: the new namespace's histogram has the waits of the
# first pair (the kernel's runs of its two threads, plus at most 20 for the
# main thread and the start), none of the second's; the host's namespace has
# the second pair's.
expect_exit "$T: -P with --pidnss is a usage error" 64 "$BIN/$T" -P --pidnss
if unshare -p -f --mount-proc true 2>/dev/null; then
	if start_tool pidns $T -j --pidnss; then
		unshare -p -f --mount-proc sh -c 'readlink /proc/self/ns/pid; exec "$0" -m 300' "$TRIG/pinned" >"$TMP/ns.trig"
		"$TRIG/pinned" -m 300 >"$TMP/host.trig"
		stop_tool TERM
		[ "$TOOL_RC" = 0 ] || fail "$T: --pidnss: SIGTERM exit status" "$TOOL_RC"
		ns=$(sed -n 's/^pid:\[\([0-9]*\)\]$/\1/p' "$TMP/ns.trig")
		hostns=$(readlink /proc/self/ns/pid | sed 's/^pid:\[\([0-9]*\)\]$/\1/')
		runs() { awk '/^sched / { s += $4 } END { print s + 0 }' "$1"; }
		nsruns=$(runs "$TMP/ns.trig") hostruns=$(runs "$TMP/host.trig")
		got=$(jq -s --argjson n "${ns:-0}" '[.[] | select(.pidns == $n) | .count] | add // 0' "$TMP/pidns.out")
		if [ -n "$ns" ] && [ "$ns" != "$hostns" ] && [ "$nsruns" -ge 10 ] &&
		   [ "$got" -ge "$nsruns" ] && [ "$got" -le $((nsruns + 20)) ]; then
			pass "$T: --pidnss: the new namespace $ns: $got waits (the kernel: $nsruns runs of its pinned pair)"
		else
			fail "$T: --pidnss: the new namespace's waits are its pinned pair's" \
				"namespace '$ns' (host $hostns): $got waits, the kernel counted $nsruns runs there and $hostruns outside"
		fi
		got=$(jq -s --argjson n "$hostns" '[.[] | select(.pidns == $n) | .count] | add // 0' "$TMP/pidns.out")
		if [ "$hostruns" -ge 10 ] && [ "$got" -ge "$hostruns" ]; then
			pass "$T: --pidnss: the host's namespace: $got waits, the outside pair's $hostruns among them"
		else
			fail "$T: --pidnss: the host's namespace has the outside pair's waits" "$got waits, the kernel counted $hostruns runs"
		fi
	else
		fail "$T: --pidnss: did not attach" "$(tail -3 "$TMP/pidns.err")"
	fi
else
	skip "$T: --pidnss" "unshare -p -f --mount-proc does not work here"
fi
