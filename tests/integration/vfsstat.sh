#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# vfsstat against tests/triggers/vfsops: exact totals of each operation over
# the intervals, in JSON and columns.
. "$(dirname "$0")/../lib.sh"
T=vfsstat

expect_exit "$T: -p 12abc is a usage error" 64 "$BIN/$T" -p 12abc
expect_exit "$T: interval 0 is a usage error" 64 "$BIN/$T" 0
expect_exit "$T: interval 1x is a usage error" 64 "$BIN/$T" 1x
expect_exit "$T: count 0 is a usage error" 64 "$BIN/$T" 1 0
expect_exit "$T: a third argument is a usage error" 64 "$BIN/$T" 1 2 3
expect_exit "$T: -x is not an option of $T" 64 "$BIN/$T" -x
expect_exit "$T: an unknown --force-path is a usage error" 64 "$BIN/$T" --force-path=nope
expect_exit "$T: --help exits 0" 0 "$BIN/$T" --help
man_options_match "$T: man page options match --help" $T

# Programs of this tool, by name (others may load theirs meanwhile).
OWN='^handle_((read|write|fsync|open|create|unlink|mkdir|rmdir)_(fentry|kprobe)|sys_enter)$'

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

before=$(named_ids "$OWN")
for path in fentry kprobe syscalls; do
	if ! "$BIN/$T" --force-path=$path -d 0.1 >/dev/null 2>"$TMP/probe.err"; then
		if grep -q 'not available on this kernel' "$TMP/probe.err"; then
			skip "$T: $path path" "$(cat "$TMP/probe.err")"
			matrix $T $path n/a
			continue
		fi
	fi
	ok=1
	# Short intervals, so that the operations are spread over several.
	traced "json-$path" "$TRIG/vfsops" $OPS -- --force-path=$path -j -p PID 0.05
	out=$TMP/json-$path.out
	json_valid "$out" || { ok=0; fail "$T: $path: -j output is valid JSON" "$(head -2 "$out")"; }
	got=$(totals "$out")
	[ "$got" = "$WANT" ] || { ok=0; fail "$T: $path: exact totals over the intervals" "got $got, want $WANT"; }
	n=$(jq -c --arg p $path 'select(.source != $p or .interval_ms > 1000 or (.time | test("^20") | not))' "$out" | wc -l)
	[ "$n" = 0 ] || { ok=0; fail "$T: $path: each record names the path and a short interval" "$n bad"; }
	[ $ok = 1 ] && pass "$T: $path: exact totals of each operation ($(wc -l <"$out") intervals)"
	matrix $T $path $([ $ok = 1 ] && echo pass || echo fail)
done

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

# -n: by command name, while another process does other operations.
cp "$TRIG/vfsops" "$TMP/vfsnamed"
mkdir -p "$TMP/d2"
rm -f "$TMP/fifo2" && mkfifo "$TMP/fifo2"
"$TRIG/vfsops" -r 50 -w 50 -o 50 -c 5 "$TMP/d2" <"$TMP/fifo2" >/dev/null &
other=$!
exec 8>"$TMP/fifo2"
rm -f "$TMP/fifo" && mkfifo "$TMP/fifo"
"$TMP/vfsnamed" $OPS "$D" <"$TMP/fifo" >/dev/null &
named=$!
exec 7>"$TMP/fifo"
start_tool comm $T -j -n vfsnamed 0.1
echo go >&8; echo go >&7; exec 7>&- 8>&-
wait $other $named
stop_tool TERM
expect_eq "$T: -n counts that command's operations only" "$(totals "$TMP/comm.out")" "$WANT"

# A count ends by itself, with 0.
"$BIN/$T" -j 0.1 3 >"$TMP/count.out" 2>&1; rc=$?
expect_eq "$T: interval 0.1 count 3 gives 3 records and exit 0" "$(wc -l <"$TMP/count.out") $rc" "3 0"

# SIGINT also ends cleanly; -d ends by itself.
start_tool int $T -p 1
stop_tool INT
expect_eq "$T: SIGINT exits 0" "$TOOL_RC" 0
start=$(date +%s%N)
"$BIN/$T" -d 1 -p 1 >/dev/null 2>&1; rc=$?
el=$(( ($(date +%s%N) - start) / 1000000 ))
if [ $rc = 0 ] && [ $el -ge 1000 ] && [ $el -lt 5000 ]; then pass "$T: -d 1 ends after a second with 0"
else fail "$T: -d 1 ends after a second with 0" "rc=$rc after ${el}ms"; fi

no_leaks_named "$T: no BPF program or link is left behind" "$OWN" "$before"
