#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# uflow against tests/triggers/flow.py run by Debian's /usr/bin/python3.11
# (built with USDT probes; a pyenv python on PATH may not be), and against
# tests/triggers/minipy, which plays flow.py with the same USDT probes where
# no such Python exists (the VMs): the exact sequence of entries and returns,
# with depth, per thread. The checks every tool gets (usage errors, filters,
# signals) come from its row in tests/tools.table.
. "$(dirname "$0")/../lib.sh"
T=uflow
PY=/usr/bin/python3.11
FLOW=tests/triggers/flow.py

expect_exit "$T: an empty --module is a usage error" 64 "$BIN/$T" --module=
expect_exit "$T: an empty --binary is a usage error" 64 "$BIN/$T" --binary=
expect_exit "$T: a binary without USDT probes fails with 1" 1 "$BIN/$T" --binary /bin/sh

# The flow of main(COUNT) in flow.py at depth D: one line per event, "DEPTH
# DIR module.function".
expected() {
	local count=$1 d=$2 i
	echo "$d -> flow.main"
	for i in $(seq 1 "$count"); do
		echo "$((d + 1)) -> flow.outer"
		for _ in 1 2; do
			echo "$((d + 2)) -> flow.middle"
			echo "$((d + 3)) -> flow.inner"
			echo "$((d + 3)) <- flow.inner"
			echo "$((d + 2)) <- flow.middle"
		done
		echo "$((d + 1)) <- flow.outer"
	done
	echo "$d <- flow.main"
}
# Columns as "DEPTH DIR METHOD" for thread $2 of process $1 in file $3: the
# depth is the indentation after the TIME(us) column (which ends at column 31),
# in steps of 2. With $4 = rel, depths count from the first line's, and the
# module code's frame (whose entry only some runs see) is left out.
cols_flow() {
	awk -v pid="$1" -v tid="$2" -v rel="${4:-}" '$2 == pid && $3 == tid {
		if (rel != "" && $6 == "flow.<module>") next
		rest = substr($0, 32); match(rest, /^ */); d = RLENGTH / 2
		if (rel != "" && base == "") base = d
		print d - (rel != "" ? base : 0), $5, $6 }' "$3"
}
# waiting_flow COUNT: starts the program waiting on a fifo (FD 7 releases it); sets WPID.
waiting_flow() {
	rm -f "$TMP/fifo" "$TMP/w.pid"; mkfifo "$TMP/fifo"
	$RUN "$1" <"$TMP/fifo" >"$TMP/w.pid" &
	WPID=$!
	exec 7>"$TMP/fifo"
	for _ in $(seq 1 50); do [ -s "$TMP/w.pid" ] && break; sleep 0.1; done
}

# suite LABEL: the runtime tests against $RUN (a command taking COUNT and
# reading a line first) whose probes are in $BINARY; the flow's file ends in
# $FILE_END and inner() starts at line $DEF_INNER.
suite() {
	local L=$1 ok n got want wtid wpid
	# System-wide on the interpreter file: started before the program.
	if start_tool cols-$L $T --binary "$BINARY" --module flow; then
		RPID=$(echo go | $RUN 2 | head -1)
		sleep 0.2
		stop_tool TERM
		expect_eq "$T: $L: SIGTERM exits 0" "$TOOL_RC" 0
		expect_eq "$T: $L: attached via USDT" "$ATTACH_PATH" usdt
		ok=1
		# Started before the program, uflow also sees the interpreter's
		# start-up, whose coroutines that never run leave their entries
		# open on 3.11: depths are compared from the first line's (CAVEATS).
		got=$(cols_flow "$RPID" "$RPID" "$TMP/cols-$L.out" rel)
		want=$(expected 2 0)
		[ "$got" = "$want" ] || { ok=0; fail "$T: $L: columns: main thread's exact flow" "$(diff <(echo "$want") <(echo "$got") | head -8 | tr '\n' '|')"; }
		# The worker thread: the same flow, one level under threading's run().
		wtid=$(awk -v pid="$RPID" '$2 == pid && $3 != pid {print $3; exit}' "$TMP/cols-$L.out")
		got=$(cols_flow "$RPID" "${wtid:-none}" "$TMP/cols-$L.out" rel)
		want=$(expected 2 0)
		[ "$got" = "$want" ] || { ok=0; fail "$T: $L: columns: worker thread's exact flow" "$(diff <(echo "$want") <(echo "$got") | head -8 | tr '\n' '|')"; }
		n=$(awk 'NR > 1' "$TMP/cols-$L.out" | grep -vc ' flow\.')
		[ "$n" = 0 ] || { ok=0; fail "$T: $L: --module flow shows that module only" "$n other lines"; }
		head -1 "$TMP/cols-$L.out" | grep -qE '^CPU +PID +TID +TIME\(us\) +METHOD$' ||
			{ ok=0; fail "$T: $L: column header" "$(head -1 "$TMP/cols-$L.out")"; }
		[ $ok = 1 ] && pass "$T: $L: columns: exact entries, returns and depths of both threads"
	else
		fail "$T: $L: did not attach" "$(tail -3 "$TMP/cols-$L.err")"
	fi

	# -p, attached to a waiting program; JSON with file, line and depth.
	waiting_flow 1; wpid=$WPID
	if start_tool json-$L $T -j -p "$wpid" --module flow; then
		echo go | $RUN 1 >/dev/null	# another one, not traced
		echo go >&7; exec 7>&-
		wait $wpid
		sleep 0.2
		stop_tool TERM
		if json_valid "$TMP/json-$L.out"; then pass "$T: $L: -j output is valid JSON"; else fail "$T: $L: -j output is valid JSON" "$(head -2 "$TMP/json-$L.out")"; fi
		got=$(jq -r --argjson pid "$wpid" 'select(.pid == $pid and .tid == $pid) |
			"\(.depth) \(if .event == "entry" then "->" else "<-" end) \(.module).\(.function)"' "$TMP/json-$L.out")
		want=$(expected 1 0; echo "0 <- flow.<module>")
		expect_eq "$T: $L: -j -p: the main thread's exact flow" "$got" "$want"
		n=$(jq -r --argjson pid "$wpid" 'select(.pid != $pid)' "$TMP/json-$L.out" | wc -l)
		expect_eq "$T: $L: -p shows that process only" "$n" 0
		got=$(jq -r --arg suffix "$FILE_END" 'select(.function == "inner" and .event == "entry") |
			"\(.line) \(.file | endswith($suffix)) \(.cpu | type) \(.time_us | type)"' "$TMP/json-$L.out" | sort -u)
		expect_eq "$T: $L: -j: line, file, cpu and time of each entry" "$got" "$DEF_INNER true number number"
	else
		fail "$T: $L: -p: did not attach" "$(tail -3 "$TMP/json-$L.err")"
		echo go >&7; exec 7>&-
	fi

	# --function: only inner(), still at its true depth.
	waiting_flow 1
	if start_tool func-$L $T -p $WPID --function 'in*'; then
		echo go >&7; exec 7>&-
		wait $WPID
		sleep 0.2
		stop_tool TERM
		got=$(cols_flow "$WPID" "$WPID" "$TMP/func-$L.out" | sort | uniq -c | awk '{print $1, $2, $3, $4}' | tr '\n' '|')
		expect_eq "$T: $L: --function shows inner() at depth 3 only" "$got" "2 3 -> flow.inner|2 3 <- flow.inner|"
	else
		fail "$T: $L: --function: did not attach" "$(tail -3 "$TMP/func-$L.err")"
		echo go >&7; exec 7>&-
	fi
}

# --module and --function are applied in the kernel: a flood of other calls
# while uflow cannot read (stopped) does not crowd the wanted ones out.
# FLOOD TOOL-ARGS...: minipy's flow of main(1) amid 2 x 20,000 calls of
# noisepkg.noise, far more than the ring buffer holds.
flood() {
	local name=$1; shift
	rm -f "$TMP/fifo" "$TMP/w.pid"; mkfifo "$TMP/fifo"
	$TRIG/minipy 1 20000 <"$TMP/fifo" >"$TMP/w.pid" &
	WPID=$!
	exec 7>"$TMP/fifo"
	for _ in $(seq 1 50); do [ -s "$TMP/w.pid" ] && break; sleep 0.1; done
	if ! start_tool "$name" $T -p $WPID "$@"; then
		fail "$T: $name: did not attach" "$(tail -3 "$TMP/$name.err")"
		exec 7>&-; wait $WPID; return 1
	fi
	kill -STOP "$TOOL_PID"
	echo go >&7; exec 7>&-
	wait $WPID
	kill -CONT "$TOOL_PID"
	sleep 0.3
	stop_tool TERM
}
if flood fflood --function inner; then
	got=$(cols_flow "$WPID" "$WPID" "$TMP/fflood.out" | sort | uniq -c | awk '{print $1, $2, $3, $4}' | tr '\n' '|')
	expect_eq "$T: --function inner amid 40,000 other calls: every inner() call, nothing lost" \
		"$got $(grep -c 'lost' "$TMP/fflood.err")" "2 3 -> flow.inner|2 3 <- flow.inner| 0"
fi
if flood mflood --module flow; then
	got=$(cols_flow "$WPID" "$WPID" "$TMP/mflood.out")
	want=$(expected 1 0; echo "0 <- flow.<module>")
	expect_eq "$T: --module flow amid 40,000 other calls: the exact flow, nothing lost" \
		"$got $(grep -c 'lost' "$TMP/mflood.err")" "$want 0"
fi
# The module of a package's __init__.py is the package, and a prefix matches.
rm -f "$TMP/fifo" "$TMP/w.pid"; mkfifo "$TMP/fifo"
$TRIG/minipy 1 50 <"$TMP/fifo" >"$TMP/w.pid" &
WPID=$!
exec 7>"$TMP/fifo"
for _ in $(seq 1 50); do [ -s "$TMP/w.pid" ] && break; sleep 0.1; done
if start_tool pkg $T -j -p $WPID --module 'noise*'; then
	echo go >&7; exec 7>&-; wait $WPID; sleep 0.2; stop_tool TERM
	got=$(jq -r '"\(.module).\(.function)"' "$TMP/pkg.out" | sort | uniq -c | awk '{print $1, $2}')
	expect_eq "$T: --module 'noise*' gives noisepkg's 200 events only" "$got" "200 noisepkg.noise"
else
	fail "$T: --module 'noise*': did not attach" "$(tail -3 "$TMP/pkg.err")"
	exec 7>&-
fi
expect_exit "$T: a --function glob other than a trailing * is a usage error" 64 "$BIN/$T" --function 'a?b'
expect_exit "$T: --module '*' is a usage error" 64 "$BIN/$T" --module '*'

# The stand-in everywhere: no Python needed.
RUN=$TRIG/minipy BINARY=$TRIG/minipy FILE_END=/srv/minipy/flow.py DEF_INNER=16
suite minipy
if [ -x $PY ]; then
	RUN="$PY $FLOW" BINARY=$PY FILE_END=tests/triggers/flow.py
	DEF_INNER=$(grep -n '^def inner' $FLOW | cut -d: -f1)
	suite python3.11
else
	skip "$T: tracing Python 3.11" "$PY is not installed here (tested with minipy only)"
fi

no_leaks "$T: no BPF program or link is left behind"
