#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# numamove: the header about NUMA balancing and nodes, --reason (by the
# running kernel's names), the counters' JSON; where there are two NUMA nodes
# (the VMs: tests/vm/run.sh), tests/triggers/numamover's pages moved from node
# 1 to node 0, exactly, per process and per reason. The host has one node, so
# the row in tests/tools.table has no trigger and this file runs whole in the
# VMs, its part above host_only.
. "$(dirname "$0")/../lib.sh"
T=numamove

# Two nodes: numamover moves N pages from node 1 to node 0 with one
# move_pages(2) call (reason syscall). Four tools see the same run: its -p in
# JSON and in columns (all N pages, one call, none failed, as the trigger and
# /proc/vmstat say), -p of another process and the default reason (nothing).
nodes=$(ls -d /sys/devices/system/node/node[0-9]* 2>/dev/null | wc -l)
N=100
if [ "$nodes" -lt 2 ]; then
	skip "$T: pages moved between nodes" "this machine has $nodes NUMA node (the VMs have two)"
	# The migrate tracepoints load, compaction's reason is found in the
	# kernel's BTF, and one interval is printed as JSON.
	"$BIN/$T" -j --reason compaction 0.5 1 >"$TMP/j.out" 2>"$TMP/j.err"
	expect_eq "$T: --reason compaction: exit 0" "$?" 0
	got=$(jq -s -c 'length == 1 and all(.reason == "compaction" and (.calls | type == "number")
		and (.pages | type == "number") and (.failed | type == "number") and (.time_ns | type == "number"))' "$TMP/j.out" 2>&1)
	expect_eq "$T: one JSON interval with its counters" "$got" true
else
	rm -f "$TMP/go" && mkfifo "$TMP/go"
	"$TRIG/numamover" -w -n $N <"$TMP/go" >"$TMP/trig.out" 2>&1 &
	tp=$!
	exec 8>"$TMP/go"
	for _ in {1..200}; do [ -s "$TMP/trig.out" ] && break; nap 0.05; done
	PID=$(head -1 "$TMP/trig.out")
	tools=()
	for run in "json -j --reason syscall -p $PID" "cols --reason syscall -p $PID" \
		"other -j --reason syscall -p $$" "reason -j -p $PID"; do
		set -- $run
		# An interval no run reaches: the one line each prints is its
		# summary at SIGTERM (10 s was reached in a slow VM before the
		# four had started, and an empty interval came first).
		if start_tool "$1" $T "${@:2}" 600; then
			tools+=("$1:$TOOL_PID")
		else
			fail "$T: $1: did not attach" "$(tail -3 "$TMP/$1.err")"
		fi
	done
	echo go >&8
	exec 8>&-
	trc=0
	wait $tp || trc=$?
	expect_eq "$T: numamover moved its $N pages (moved, vmstat's pgmigrate_success growth)" \
		"$trc $(tail -1 "$TMP/trig.out")" "0 moved $N vmstat $N"
	for x in "${tools[@]}"; do
		TOOL_PID=${x#*:}
		stop_tool TERM
		expect_eq "$T: ${x%%:*}: SIGTERM exit status" "$TOOL_RC" 0
	done
	got=$(jq -s -c '[length, (map(.calls) | add), (map(.pages) | add), (map(.failed) | add),
		all(.reason == "syscall" and .time_ns > 0)]' "$TMP/json.out" 2>&1)
	expect_eq "$T: -p of the mover, --reason syscall: one call, $N pages, none failed (JSON)" \
		"$got" "[1,1,$N,0,true]" "$(cat "$TMP/json.out")"
	got=$(awk '/^ +CALLS +PAGES +FAILED +TIME\(ms\)$/ { h++; next }
		/^#/ { next } NF == 4 && $4 ~ /^[0-9]+\.[0-9][0-9][0-9]$/ { r++; c += $1; p += $2; f += $3; next }
		{ bad++ } END { print h + 0, r + 0, c + 0, p + 0, f + 0, bad + 0 }' "$TMP/cols.out")
	expect_eq "$T: -p of the mover, --reason syscall: one call, $N pages, none failed (columns)" \
		"$got" "1 1 1 $N 0 0" "$(cat "$TMP/cols.out")"
	got=$(jq -s -c '[length, (map(.calls + .pages + .failed) | add)]' "$TMP/other.out" 2>&1)
	expect_eq "$T: -p of another process: nothing" "$got" "[1,0]" "$(cat "$TMP/other.out")"
	got=$(jq -s -c '[length, (map(.calls + .pages + .failed) | add), all(.reason == "numa_misplaced")]' \
		"$TMP/reason.out" 2>&1)
	expect_eq "$T: the default reason (numa_misplaced): nothing of the move_pages(2) call" \
		"$got" "[1,0,true]" "$(cat "$TMP/reason.out")"
fi

host_only

expect_exit "$T: an unknown --reason is a usage error" 64 "$BIN/$T" --reason no_such_reason
if grep -q "numa_misplaced" <("$BIN/$T" --reason no_such_reason 2>&1); then
	pass "$T: an unknown --reason lists the kernel's reasons"
else
	fail "$T: an unknown --reason lists the kernel's reasons" "$("$BIN/$T" --reason no_such_reason 2>&1)"
fi
expect_exit "$T: a third positional argument is a usage error" 64 "$BIN/$T" 1 2 3

"$BIN/$T" 0.2 1 >"$TMP/c.out" 2>&1
bal=$(cat /proc/sys/kernel/numa_balancing 2>/dev/null)
nodes=$(ls -d /sys/devices/system/node/node[0-9]* 2>/dev/null | wc -l)
if [ "$bal" = 0 ]; then
	expect_eq "$T: the header says NUMA balancing is off" \
		"$(grep -c '^# NUMA balancing is off (/proc/sys/kernel/numa_balancing is 0)' "$TMP/c.out")" 1
fi
if [ "$nodes" -lt 2 ]; then
	expect_eq "$T: the header says there is one node" "$(grep -c "^# $nodes NUMA node: no page can be misplaced" "$TMP/c.out")" 1
fi
if grep -qE '^ +CALLS +PAGES +FAILED +TIME\(ms\)$' "$TMP/c.out" &&
   grep -qE '^ +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+\.[0-9]{3}$' "$TMP/c.out"; then
	pass "$T: column header and one row"
else
	fail "$T: column header and one row" "$(cat "$TMP/c.out")"
fi
