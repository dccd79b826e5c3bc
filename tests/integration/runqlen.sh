#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# runqlen against tests/triggers/pinned (two CPU-bound threads pinned to one
# CPU for a second): in the 100 ms intervals of that second, every sample of
# that CPU has a task waiting (the pinned thread not running, at least), and
# -O says so; histograms add up; columns; usage errors. The checks every
# tool gets come from its row in tests/tools.table.
. "$(dirname "$0")/../lib.sh"
T=runqlen

expect_exit "$T: --freq 0 is a usage error" 64 "$BIN/$T" --freq 0
expect_exit "$T: --freq 10001 is a usage error" 64 "$BIN/$T" --freq 10001
expect_exit "$T: interval 0 is a usage error" 64 "$BIN/$T" 0
expect_exit "$T: -p is not an option of it" 64 "$BIN/$T" -p 1

# pinned_run NAME -- TOOL-ARGS: the tool while pinned burns for a second.
pinned_run() {
	local name=$1; shift 2
	rm -f "$TMP/fifo" && mkfifo "$TMP/fifo"
	"$TRIG/pinned" -w -m 1000 <"$TMP/fifo" >"$TMP/$name.trig" &
	local tpid=$!
	exec 7>"$TMP/fifo"
	for _ in {1..100}; do grep -qs '^cpu ' "$TMP/$name.trig" && break; nap 0.05; done
	CPU=$(sed -n 's/^cpu //p' "$TMP/$name.trig")
	if ! start_tool "$name" $T "$@"; then
		fail "$T: $name: did not attach" "$(tail -3 "$TMP/$name.err")"
		exec 7>&-; wait $tpid; return 1
	fi
	GO=$(date +%s.%N)
	echo go >&7; exec 7>&-
	wait $tpid || fail "$T: $name: pinned failed" "exit status $?"
	END=$(date +%s.%N)
	stop_tool TERM
	[ "$TOOL_RC" = 0 ] || fail "$T: $name: SIGTERM exit status" "$TOOL_RC"
}

pinned_run json -- -C -j --freq 199 0.1
json_valid "$TMP/json.out" && pass "$T: -j output is valid JSON" ||
	fail "$T: -j output is valid JSON" "$(head -2 "$TMP/json.out")"
# The intervals inside the pinned second, by their end times (0.1 s after
# the go line to 0.1 s before the trigger's end).
got=$(jq -s -c --argjson c "$CPU" --argjson go "$GO" --argjson stop "$END" '[.[] | select(.cpu == $c) |
	select(((.time[0:19] + "Z" | fromdate) + (.time[19:26] | tonumber)) as $t |
		$t - 0.1 > $go + 0.1 and $t < $stop - 0.1)] |
	[length >= 3, all(.occupied == .samples and .samples >= 1),
	 all(([.hist[].count] | add) == .samples), all(.hist | all(.len >= 1))]' "$TMP/json.out")
expect_eq "$T: -C: CPU $CPU under the pinned pair: every sample has a task waiting, the histograms add up" \
	"$got" '[true,true,true,true]'

pinned_run occ -- -C -O -j --freq 199 0.1
expect_eq "$T: -C -O: CPU $CPU under the pinned pair: 100% occupied, no histogram" \
	"$(jq -s -c --argjson c "$CPU" --argjson go "$GO" --argjson stop "$END" '[.[] | select(.cpu == $c) |
	select(((.time[0:19] + "Z" | fromdate) + (.time[19:26] | tonumber)) as $t |
		$t - 0.1 > $go + 0.1 and $t < $stop - 0.1)] |
	[length >= 3, all(.occupied == .samples and (has("hist") | not))]' "$TMP/occ.out")" '[true,true]'
start_tool occcols $T -C -O 0.1 || fail "$T: occcols: did not attach" "$(tail -3 "$TMP/occcols.err")"
nap 0.5
stop_tool TERM
expect_eq "$T: -C -O columns: a line per CPU, with a share and its samples" \
	"$(grep -cE '^runqocc, CPU [0-9]+ +[0-9]+\.[0-9]{2}% \([0-9]+ samples\)$' "$TMP/occcols.out" | awk '{ print ($1 >= 2) }')" 1

pinned_run cols --
expect_eq "$T: columns: the banner and the histogram's header" \
	"$(grep -cE '^Sampling run queue length at 99 Hz on [0-9]+ CPUs|^ +runqlen +: count +distribution$' "$TMP/cols.out")" 2
