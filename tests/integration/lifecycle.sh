#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# How the kernel-event tools end, whatever ends them: a reader that goes away
# (tool | head -1: exit 0, promptly, cleanly), output that cannot be written
# (> /dev/full: exit 1 and one sentence), the -p process exiting (its summary,
# exit 0). Host only: none of it depends on the kernel.
. "$(dirname "$0")/../lib.sh"
if [ "$IN_VM" = 1 ]; then
	skip "lifecycle" "kernel-independent: checked on the host"
	exit 0
fi
TOOLS_HERE="opensnoop execsnoop exitsnoop capable oomkill vfsstat tcpconnect tcptop"
PID_MAX=$(cat /proc/sys/kernel/pid_max)

for T in $TOOLS_HERE; do
	# The reader goes: tool | head -1 ends within 3 s of head, with 0.
	start=$(date +%s%N)
	timeout -s KILL 20 bash -c "\"$BIN/$T\" 2>\"$TMP/$T-pipe.err\" | head -1 >/dev/null; exit \${PIPESTATUS[0]}"
	rc=$?
	el=$(( ($(date +%s%N) - start) / 1000000 ))
	if [ $rc = 0 ] && [ $el -lt 3000 ] && [ ! -s "$TMP/$T-pipe.err" ]; then
		pass "$T: a closed stdout ends it with 0, at once and quietly"
	else
		fail "$T: a closed stdout ends it with 0, at once and quietly" "rc=$rc after ${el}ms: $(head -c 200 "$TMP/$T-pipe.err")"
	fi

	# A full disk: exit 1, one sentence.
	rc=0
	timeout -s KILL 20 "$BIN/$T" >/dev/full 2>"$TMP/$T-full.err" || rc=$?
	if [ $rc = 1 ] && [ "$(wc -l <"$TMP/$T-full.err")" = 1 ] &&
		grep -q "^$T: cannot write the output: No space left on device" "$TMP/$T-full.err"; then
		pass "$T: output to a full disk is one sentence, exit 1"
	else
		fail "$T: output to a full disk is one sentence, exit 1" "rc=$rc: $(head -c 300 "$TMP/$T-full.err")"
	fi

	"$BIN/$T" --help | grep -q -- '--pid=PID' || continue
	expect_exit "$T: -p above pid_max is a usage error" 64 "$BIN/$T" -p $((PID_MAX + 1))
	expect_exit "$T: -p of a process that does not exist is one sentence, exit 1" 1 "$BIN/$T" -p "$(missing_pid)"
	if "$BIN/$T" --help | grep -q -- '--tid=TID'; then
		expect_exit "$T: -t above pid_max is a usage error" 64 "$BIN/$T" -t $((PID_MAX + 1))
	fi

	# The -p process exits: the tool ends by itself with 0.
	sleep 1.5 &
	spid=$!
	start=$(date +%s%N)
	timeout -s KILL 20 "$BIN/$T" -p $spid >"$TMP/$T-p.out" 2>"$TMP/$T-p.err"
	rc=$?
	el=$(( ($(date +%s%N) - start) / 1000000 ))
	if [ $rc = 0 ] && [ $el -lt 5000 ] && grep -q "process $spid exited" "$TMP/$T-p.err"; then
		pass "$T: ends with 0 when the -p process exits"
	else
		fail "$T: ends with 0 when the -p process exits" "rc=$rc after ${el}ms: $(head -c 300 "$TMP/$T-p.err")"
	fi
	[ "$T" = exitsnoop ] && expect_eq "$T: shows the exit of the -p process before it ends" \
		"$(awk -v p=$spid '$2 == p && $1 == "sleep"' "$TMP/$T-p.out" | wc -l)" 1
	wait $spid 2>/dev/null
done
