#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# offwaketime against tests/triggers/waker (a wakee blocked in a pipe read,
# woken each time from wake_known after MS ms): folded, the time of the lines
# whose waker part names wake_known is within 10% of what the wakee
# measured, and the line has the blocked stack, "--", then the waker's
# frames from try_to_wake_up out to wake_known and main, marked _[w]; JSON
# with -L the same time and the wakee's thread; the folded run's --svg; text
# with its "woken by:" block; -K, --user-only, --min-us, --max-us;
# usage errors. The checks every tool gets come from its row in
# tests/tools.table.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cpulib.sh"
T=offwaketime

expect_exit "$T: --min-us -1 is a usage error" 64 "$BIN/$T" --min-us -1
expect_exit "$T: --max-us below --min-us is a usage error" 64 "$BIN/$T" --min-us 10 --max-us 5
expect_exit "$T: --state X is a usage error" 64 "$BIN/$T" --state X
expect_exit "$T: --state R (no waker) is a usage error" 64 "$BIN/$T" --state R
expect_exit "$T: -K with --user-only is a usage error" 64 "$BIN/$T" -K --user-only
expect_exit "$T: -f with -j is a usage error" 64 "$BIN/$T" -f -j
expect_exit "$T: --stack-storage 10 is a usage error" 64 "$BIN/$T" --stack-storage 10
expect_exit "$T: a third positional argument is a usage error" 64 "$BIN/$T" 1 2 3

us() { awk '/;--;.*;wake_known_\[w\];/ { s += $NF } END { print s + 0 }' "$1"; }
within() {
	if [ "$2" -ge $((BLOCKED * 9 / 10)) ] && [ "$2" -le $((BLOCKED * 11 / 10)) ] && [ "$2" -ge 900000 ]; then
		pass "$1 ($2 us; the wakee measured $BLOCKED us)"
	else
		fail "$1" "$2 us, the wakee measured $BLOCKED us: $(grep wake_known "$TMP/$3.out" | head -2 | cut -c1-300)"
	fi
}

traced folded waker 20 50 -- -f --svg "$TMP/ow.svg"
BLOCKED=$(tail -1 "$TMP/folded.trig")
within "$T: -f: 20 blocks of 50 ms joined with the waker's wake_known" "$(us "$TMP/folded.out")" folded
if grep -qE '^waker;.*pipe_read_\[k\];.*;--;try_to_wake_up_\[w\];.*pipe_write_\[w\];.*;wake_known_\[w\];main_\[w\];.*waker_\[w\] [0-9]+$' "$TMP/folded.out"; then
	pass "$T: -f: the blocked pipe read, --, the waker from try_to_wake_up out to wake_known and main, its comm"
else
	fail "$T: -f: the folded line's parts" "$(grep wake_known "$TMP/folded.out" | head -1 | cut -c1-400)"
fi

traced json waker 20 50 -- -j -L
BLOCKED=$(tail -1 "$TMP/json.trig")
json_valid "$TMP/json.out" && pass "$T: -j output is valid JSON" || fail "$T: -j output is valid JSON" "$(head -2 "$TMP/json.out")"
within "$T: -j: the same time, blocked and waker both the trigger" \
	"$(jq -s --argjson p "$PID" '[.[] | select(.blocked.pid == $p and .waker.pid == $p and
		(.waker.ustack | index("wake_known") != null)) | .us] | add // 0' "$TMP/json.out")" json
WAKER=$(sed -n 's/^waker //p' "$TMP/json.trig")
expect_eq "$T: -j -L: the blocked thread is the wakee, the waker its main thread" \
	"$(jq -s -c '[.[] | select(.waker.ustack | index("wake_known") != null) | [.blocked.tid, .waker.tid]] | unique' "$TMP/json.out")" \
	"[[$TID,$WAKER]]"

# Short runs from here: 5 blocks of 20 ms.
traced text waker -l 500 5 20 --
if awk '/^    anon_pipe_read$|^    pipe_read$/ { r = 1 } r && /^    -  +waker \([0-9]+\)$/ { b = 1 }
	b && /^    woken by:$/ { w = 1 } w && /^    try_to_wake_up$/ { t = 1 } t && /^    wake_known$/ { k = 1 }
	k && /^    -  +waker \([0-9]+\)$/ { ok = 1 } END { exit !ok }' "$TMP/text.out"; then
	pass "$T: text: the blocked pipe read, waker (PID), then woken by: try_to_wake_up ... wake_known, waker (PID)"
else
	fail "$T: text output" "$(grep -B3 -A12 'woken by' "$TMP/text.out" | tail -30)"
fi
if python3 -c "import xml.etree.ElementTree as E, sys; E.parse(sys.argv[1])" "$TMP/ow.svg" 2>"$TMP/svg.err" &&
   grep -q '<title>wake_known_\[w\] ([0-9,]* us, ' "$TMP/ow.svg" && grep -q '<title>-- ([0-9,]* us, ' "$TMP/ow.svg"; then
	pass "$T: --svg writes a valid flame graph in us with the -- and wake_known_[w]"
else
	fail "$T: --svg" "$(head -2 "$TMP/svg.err") $(grep -o '<title>[^<]*wake_known[^<]*' "$TMP/ow.svg" | head -2)"
fi

# -K: kernel frames only, the waker's from try_to_wake_up (with --state S:
# a pipe read sleeps interruptibly); --user-only: no kernel frame.
traced konly waker 5 20 -- -f -K --state S
n=$(awk '{ s = $0; sub(/ [0-9]+$/, "", s); k = split(s, fr, ";"); w = 0
	for (i = 2; i <= k; i++) { if (fr[i] == "--") { w = 1; continue }
		if (w ? fr[i] !~ /_\[w\]$/ : fr[i] !~ /_\[k\]$/) bad++ } } END { print bad + 0 }' "$TMP/konly.out")
expect_eq "$T: -K: only kernel frames, _[k] then the waker's _[w] and comm" "$n" 0
expect_eq "$T: -K --state S: the waker's wake-up, no wake_known" \
	"$(grep -c ';--;try_to_wake_up_\[w\];' "$TMP/konly.out" | sed 's/^[1-9][0-9]*$/y/')$(grep -c wake_known "$TMP/konly.out")" y0
traced uonly waker -l 500 5 20 -- -f --user-only
expect_eq "$T: --user-only: no kernel frame" "$(grep -cE '_\[k\]|try_to_wake_up' "$TMP/uonly.out")" 0
expect_eq "$T: --user-only: the waker's wake_known and main" \
	"$(grep -c ';--;wake_known_\[w\];main_\[w\];' "$TMP/uonly.out" | sed 's/^[1-9][0-9]*$/y/')" y

traced stateD waker 5 20 -- -f --state D
expect_eq "$T: --state D: none of the interruptible pipe reads" "$(us "$TMP/stateD.out")" 0
traced min waker 5 20 -- -f --min-us 200000
expect_eq "$T: --min-us 200000: none of the 20 ms blocks" "$(us "$TMP/min.out")" 0
traced max waker 5 20 -- -f --max-us 10000
expect_eq "$T: --max-us 10000: none of the 20 ms blocks" "$(us "$TMP/max.out")" 0
