#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# futexctn against tests/triggers/contender (the working thread waits N times
# on a pthread mutex the holder keeps for S ms): the text report's block for
# the mutex, exactly, and [interval [count]]. The row in tests/tools.table
# checks the JSON, the filters and the attach path.
. "$(dirname "$0")/../lib.sh"
. tests/fslib.sh
T=futexctn
host_only

expect_exit "$T: interval 0 is a usage error" 64 "$BIN/$T" 0
expect_exit "$T: a third argument is a usage error" 64 "$BIN/$T" 1 1 1

if traced text $T -p @PID@ -- "$TRIG/contender" -w -n 4 -s 20 -l 1000; then
	lock=$(sed -n 's/^lock //p' "$TMP/text.trig")
	head -1 "$TMP/text.out" | grep -q '^Tracing futex waits by address and user stack' &&
		pass "$T: text: the banner" || fail "$T: text: the banner" "$(head -1 "$TMP/text.out")"
	hdr=$(grep -E "^contender\[$TRIG_PID\] futex $lock: 4 waits, avg [0-9]+ us, max [0-9]+ us, total [0-9]+ us$" "$TMP/text.out")
	[ -n "$hdr" ] && pass "$T: text: the mutex's line: 4 waits" ||
		fail "$T: text: the mutex's line: 4 waits" "$(grep "$lock" "$TMP/text.out")"
	avg=$(sed -E 's/.* avg ([0-9]+) us.*/\1/' <<<"$hdr")
	[ -n "$avg" ] && [ "$avg" -ge 20000 ] && [ "$avg" -lt 2000000 ] &&
		pass "$T: text: the average wait is at least the 20 ms the holder kept the lock" ||
		fail "$T: text: the average wait is at least the 20 ms the holder kept the lock" "avg '$avg'"
	blk=$(awk -v h="$hdr" '$0 == h { on = 1; next } on && /^$/ { exit } on' "$TMP/text.out")
	grep -q '^    bk_lock_waiter$' <<<"$blk" && pass "$T: text: the stack passes bk_lock_waiter" ||
		fail "$T: text: the stack passes bk_lock_waiter" "$blk"
	n=$(awk '/-> .*: [0-9]+ / { s += $5 } END { print s + 0 }' <<<"$blk")
	expect_eq "$T: text: the histogram holds the 4 waits" "$n" 4
fi

# Intervals: 0.3 s twice, then the tool ends by itself.
start_tool iv $T -p $$ 0.3 2
wait_tool 20
expect_eq "$T: interval and count: ends by itself with 0" "$TOOL_RC/$TOOL_ALIVE" "0/0"

no_leaks "$T: no BPF program or link is left behind"
