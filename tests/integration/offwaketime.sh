#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# offwaketime against tests/triggers/waker (a wakee blocked 20 times in a
# pipe read, woken each time from wake_known after 50 ms): the time of the
# folded lines whose waker part names wake_known is within 10% of what the
# wakee measured; the line has the blocked stack, "--", then the waker's
# frames from try_to_wake_up out to wake_known and main, marked _[w]; JSON;
# --min-us above the blocks; usage errors. The checks every tool gets come
# from its row in tests/tools.table.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cpulib.sh"
T=offwaketime

expect_exit "$T: --min-us -1 is a usage error" 64 "$BIN/$T" --min-us -1
expect_exit "$T: a third positional argument is a usage error" 64 "$BIN/$T" 1 2 3

us() { awk '/;--;.*;wake_known_\[w\];/ { s += $NF } END { print s + 0 }' "$1"; }
within() {
	if [ "$2" -ge $((BLOCKED * 9 / 10)) ] && [ "$2" -le $((BLOCKED * 11 / 10)) ] && [ "$2" -ge 900000 ]; then
		pass "$1 ($2 us; the wakee measured $BLOCKED us)"
	else
		fail "$1" "$2 us, the wakee measured $BLOCKED us: $(grep wake_known "$TMP/$3.out" | head -2 | cut -c1-300)"
	fi
}

traced folded waker 20 50 --
BLOCKED=$(tail -1 "$TMP/folded.trig")
within "$T: 20 blocks of 50 ms joined with the waker's wake_known" "$(us "$TMP/folded.out")" folded
if grep -qE '^waker;.*pipe_read_\[k\];.*;--;try_to_wake_up_\[w\];.*pipe_write_\[w\];.*;wake_known_\[w\];main_\[w\];.*waker_\[w\] [0-9]+$' "$TMP/folded.out"; then
	pass "$T: the line: the blocked pipe read, --, the waker from try_to_wake_up out to wake_known and main, its comm"
else
	fail "$T: the folded line's parts" "$(grep wake_known "$TMP/folded.out" | head -1 | cut -c1-400)"
fi

traced json waker 20 50 -- -j
BLOCKED=$(tail -1 "$TMP/json.trig")
json_valid "$TMP/json.out" && pass "$T: -j output is valid JSON" || fail "$T: -j output is valid JSON" "$(head -2 "$TMP/json.out")"
within "$T: -j: the same time, blocked and waker both the trigger" \
	"$(jq -s --argjson p "$PID" '[.[] | select(.blocked.pid == $p and .waker.pid == $p and
		(.waker.ustack | index("wake_known") != null)) | .us] | add // 0' "$TMP/json.out")" json

traced min waker 20 50 -- --min-us 200000
expect_eq "$T: --min-us 200000: none of the 50 ms blocks" "$(us "$TMP/min.out")" 0
