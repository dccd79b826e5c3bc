#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# threadsnoop against tests/triggers/threader: threads from pthread_create()
# with their start routine by name, and from clone() without one, in
# columns; its own option's usage. The row in tests/tools.table checks the
# JSON records, the filters and both attach paths.
. "$(dirname "$0")/../lib.sh"
. tests/fslib.sh
T=threadsnoop
host_only

expect_exit "$T: --libc '' is a usage error" 64 "$BIN/$T" --libc ''
expect_exit "$T: --libc of a missing file fails with one sentence" 1 "$BIN/$T" --libc /nonexistent/libc.so.6 -d 1

# Columns: 3 pthread threads, 2 clone threads, exact fields.
if traced cols $T -p @PID@ -- "$TRIG/threader" -w -n 3 -c 2 -l 1000; then
	head -1 "$TMP/cols.out" | grep -q '^PID  *COMM  *TID  *NEWTID  *START$' &&
		pass "$T: header" || fail "$T: header" "$(head -1 "$TMP/cols.out")"
	got=$(awk -v p="$TRIG_PID" '$1 == p && $3 == p && $4 > p { $4 = "N"; print }' "$TMP/cols.out" | tr '\n' ,)
	want='P threader P N bk_thread_start,P threader P N bk_thread_start,P threader P N bk_thread_start,'
	want+='P threader P N [clone: not known],P threader P N [clone: not known],'
	expect_eq "$T: columns: three pthread_create() threads by start routine, two clone() threads" \
		"$got" "${want//P/$TRIG_PID}"
	n=$(awk -v p="$TRIG_PID" '$1 == p { print $4 }' "$TMP/cols.out" | sort -u | wc -l)
	expect_eq "$T: columns: five distinct new thread IDs" "$n" 5
fi

# -j: how each thread was made, its start routine and address.
if traced json $T -j -p @PID@ -- "$TRIG/threader" -w -n 2 -c 1 -l 1000; then
	got=$(jq -r --argjson p "$TRIG_PID" 'select(.pid == $p) | "\(.via) \(.start) \(.start_addr | type) \(.uid)"' \
		"$TMP/json.out" | tr '\n' ,)
	expect_eq "$T: -j: via, start, start_addr" "$got" \
		"pthread_create bk_thread_start number 0,pthread_create bk_thread_start number 0,clone null null 0,"
	a=$(jq -r --argjson p "$TRIG_PID" 'select(.pid == $p and .start_addr != null) | .start_addr' "$TMP/json.out" | sort -u)
	sym=$(nm "$TRIG/threader" | awk '$3 == "bk_thread_start" { print $1 }')
	# A PIE: the address is the symbol's plus the load base, whose low 12 bits are 0.
	[ -n "$a" ] && [ "$(echo "$a" | wc -l)" = 1 ] && [ $(( (a - 0x$sym) & 0xfff )) = 0 ] &&
		pass "$T: -j: one start_addr, bk_thread_start's in the loaded program" ||
		fail "$T: -j: one start_addr, bk_thread_start's in the loaded program" "addresses [$a], symbol $sym"
fi

no_leaks "$T: no BPF program or link is left behind"
