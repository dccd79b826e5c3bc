#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# vfsstat against tests/triggers/vfsops: exact totals of each operation over
# the intervals, in JSON and columns. The checks every tool gets (usage
# errors, filters, signals, each attach path) come from its row in
# tests/tools.table.
. "$(dirname "$0")/../lib.sh"
T=vfsstat

expect_exit "$T: interval 0 is a usage error" 64 "$BIN/$T" 0
expect_exit "$T: interval 1x is a usage error" 64 "$BIN/$T" 1x
expect_exit "$T: count 0 is a usage error" 64 "$BIN/$T" 1 0
expect_exit "$T: a third argument is a usage error" 64 "$BIN/$T" 1 2 3

D=$TMP/d
mkdir -p "$D"
# The operations vfsops does: reads, writes, fsyncs, opens, creates, mkdirs.
OPS="-r 101 -w 57 -s 7 -o 23 -c 13 -m 5"
WANT='{"read":101,"write":57,"fsync":7,"open":23,"create":13,"unlink":13,"mkdir":5,"rmdir":5}'

# traced NAME TRIGGER VFSOPS-ARGS -- TOOL-ARGS...: starts TRIGGER (a copy of
# vfsops) waiting, traces it with TOOL-ARGS (where PID stands for its PID),
# lets it run, waits for it and stops the tool with SIGTERM (or, with
# STOP=wait, waits for the tool to end by itself).
traced() {
	local name=$1 trig=$2 a=() b=() pid; shift 2
	while [ "$1" != -- ]; do a+=("$1"); shift; done; shift
	rm -f "$TMP/fifo" && mkfifo "$TMP/fifo"
	"$trig" "${a[@]}" "$D" <"$TMP/fifo" >"$TMP/$name.pid" &
	TRIG_PID=$!
	exec 7>"$TMP/fifo"
	for x in "$@"; do b+=("${x//PID/$TRIG_PID}"); done
	if ! start_tool "$name" $T "${b[@]}"; then
		fail "$T: $name: did not attach" "$(tail -3 "$TMP/$name.err")"
		exec 7>&-; wait $TRIG_PID; return 1
	fi
	echo go >&7; exec 7>&-
	wait $TRIG_PID || fail "$T: $name: vfsops failed" "exit status $?"
	if [ "${STOP:-}" = wait ]; then
		TOOL_RC=0
		wait $TOOL_PID || TOOL_RC=$?
		TOOL_PID=
	else
		stop_tool TERM
	fi
	[ "$TOOL_RC" = 0 ] || fail "$T: $name: SIGTERM exit status" "$TOOL_RC"
}

# totals FILE: the sums over all intervals of a JSON output, as WANT is written.
totals() {
	jq -s -c '{read: (map(.read) | add), write: (map(.write) | add), fsync: (map(.fsync) | add),
		open: (map(.open) | add), create: (map(.create) | add), unlink: (map(.unlink) | add),
		mkdir: (map(.mkdir) | add), rmdir: (map(.rmdir) | add)}' "$1"
}

# Short intervals, so that the operations are spread over several: they add
# up to the exact totals.
traced json "$TRIG/vfsops" $OPS -- -j -p PID 0.05
out=$TMP/json.out
json_valid "$out" && pass "$T: -j output is valid JSON" || fail "$T: -j output is valid JSON" "$(head -2 "$out")"
expect_eq "$T: $ATTACH_PATH: exact totals over $(wc -l <"$out") intervals of 50 ms" "$(totals "$out")" "$WANT"
n=$(jq -c --arg p "$ATTACH_PATH" 'select(.source != $p or .interval_ms > 1000 or (.time | test("^20") | not))' "$out" | wc -l)
expect_eq "$T: each record names the path and a short interval" "$n" 0

# SIGTERM prints the interval under way: one record with everything.
traced sigterm "$TRIG/vfsops" $OPS -- -j -p PID 60
expect_eq "$T: SIGTERM prints the partial interval with the exact totals" \
	"$(wc -l <"$TMP/sigterm.out") $(totals "$TMP/sigterm.out")" "1 $WANT"

# Columns: one 2-second interval, so the rates are the counts halved (vfsops
# outlives it: vfsstat -p ends when the process does).
STOP=wait traced cols "$TRIG/vfsops" -r 20 -w 14 -s 4 -o 8 -c 6 -m 2 -l 3000 -- -p PID 2 1
out=$TMP/cols.out
row=$(awk '$1 ~ /^[0-9][0-9]:[0-9][0-9]:[0-9][0-9]$/ { $1 = ""; print substr($0, 2) }' "$out" | head -1)
expect_eq "$T: columns show the rates of one 2 s interval" "$row" "10 7 2 4 3 3 1 1"
expect_eq "$T: the column header" "$(grep -v '^#' "$out" | head -1 | tr -s ' ')" \
	"TIME READ/s WRITE/s FSYNC/s OPEN/s CREATE/s UNLINK/s MKDIR/s RMDIR/s"
want=0; [ "$ATTACH_PATH" = syscalls ] && want=1
n=$(grep -c '^# counting system calls, not VFS calls' "$out")
expect_eq "$T: the header says when system calls are counted ($ATTACH_PATH)" "$n" $want

# A count ends by itself, with 0.
"$BIN/$T" -j 0.1 3 >"$TMP/count.out" 2>&1; rc=$?
expect_eq "$T: interval 0.1 count 3 gives 3 records and exit 0" "$(wc -l <"$TMP/count.out") $rc" "3 0"

no_leaks "$T: no BPF program or link is left behind"
