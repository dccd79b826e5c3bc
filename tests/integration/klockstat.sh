#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# klockstat against tests/triggers/locker (threads queueing on their
# process's mmap_lock): the text report's banner and a block for that
# rw-semaphore, and [interval [count]]. The row in tests/tools.table checks
# the JSON, the filters and the path on each kernel.
. "$(dirname "$0")/../lib.sh"
. tests/fslib.sh
T=klockstat
host_only

expect_exit "$T: interval 0 is a usage error" 64 "$BIN/$T" 0
expect_exit "$T: a third argument is a usage error" 64 "$BIN/$T" 1 1 1

if traced text $T -p @PID@ -- "$TRIG/locker" -w; then
	head -1 "$TMP/text.out" | grep -q '^Tracing kernel lock waits (wait times; hold times are not measured)' &&
		pass "$T: text: the banner says what is measured" ||
		fail "$T: text: the banner says what is measured" "$(head -1 "$TMP/text.out")"
	hdr=$(grep -E "^locker\[$TRIG_PID\] rwsem:write 0x[0-9a-f]+: [0-9]+ waits, avg [0-9]+ us, max [0-9]+ us, total [0-9]+ us$" \
		"$TMP/text.out" | head -1)
	[ -n "$hdr" ] && pass "$T: text: a block for the mmap_lock's write waits" ||
		fail "$T: text: a block for the mmap_lock's write waits" "$(grep -c . "$TMP/text.out") lines"
	blk=$(awk -v h="$hdr" '$0 == h { on = 1; next } on && /^$/ { exit } on' "$TMP/text.out")
	n=$(awk '/-> .*: [0-9]+ / { s += $5 } END { print s + 0 }' <<<"$blk")
	w=$(sed -E 's/.*: ([0-9]+) waits.*/\1/' <<<"$hdr")
	[ -n "$hdr" ] && [ "$n" = "$w" ] && grep -q '^    rwsem_down_write_slowpath$' <<<"$blk" &&
		pass "$T: text: its kernel stack, and a histogram of as many waits as counted" ||
		fail "$T: text: its kernel stack, and a histogram of as many waits as counted" "$hdr / $n / $blk"
fi

start_tool iv $T -p $$ 0.3 2
wait_tool 20
expect_eq "$T: interval and count: ends by itself with 0" "$TOOL_RC/$TOOL_ALIVE" "0/0"

no_leaks "$T: no BPF program or link is left behind"
