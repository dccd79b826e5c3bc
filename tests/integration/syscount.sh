#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# syscount against tests/triggers/syscaller (N getppid calls, M close(-1)
# calls failing with EBADF): the exact rows in columns and JSON, -x, -e
# matching and not, --latency, -P, -L, --top, intervals adding up, --list.
# The checks every tool gets (usage errors, filters, signals, each attach
# path) come from its row in tests/tools.table.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../cpulib.sh"
T=syscount

expect_exit "$T: -P with -L is a usage error" 64 "$BIN/$T" -P -L
expect_exit "$T: -e of an unknown name is a usage error" 64 "$BIN/$T" -e ENOSUCH
expect_exit "$T: -e 0 is a usage error" 64 "$BIN/$T" -e 0
expect_exit "$T: -e 4096 is a usage error" 64 "$BIN/$T" -e 4096
expect_exit "$T: -e with -x is a usage error" 64 "$BIN/$T" -e EBADF -x
expect_exit "$T: --top -1 is a usage error" 64 "$BIN/$T" --top -1
expect_exit "$T: interval 0 is a usage error" 64 "$BIN/$T" 0
expect_exit "$T: a third argument is a usage error" 64 "$BIN/$T" 1 2 3

# --list: this build's table, by number.
"$BIN/$T" --list >"$TMP/list.out"
case $(uname -m) in
x86_64) want_list='0 read|39 getpid|110 getppid' ;;
aarch64) want_list='63 read|172 getpid|173 getppid' ;;
esac
expect_eq "$T: --list names read, getpid and getppid by this architecture's numbers" \
	"$(awk '$2 == "read" || $2 == "getpid" || $2 == "getppid" { print $1, $2 }' "$TMP/list.out" | paste -sd'|')" \
	"$want_list"

# calls FILE: "name=count ..." over all intervals of a JSON output, by name.
calls() {
	jq -s -r '[.[].calls[]] | group_by(.syscall) | map("\(.[0].syscall)=\(map(.count) | add)") | join(" ")' "$1"
}

traced json syscaller -n 1000 -e 7 -- -j --top 0
json_valid "$TMP/json.out" && pass "$T: -j output is valid JSON" || fail "$T: -j output is valid JSON" "$(head -2 "$TMP/json.out")"
expect_eq "$T: -j: exactly 1000 getppid, 7 close and the read of the go line" "$(calls "$TMP/json.out")" \
	"close=7 getppid=1000 read=1"
expect_eq "$T: -j: one summary with the call numbers" \
	"$(jq -c '[.calls[] | [.syscall, .nr]]' "$TMP/json.out")" \
	"$(jq -cn --argjson g "$(awk '$2 == "getppid" { print $1 }' "$TMP/list.out")" \
		--argjson c "$(awk '$2 == "close" { print $1 }' "$TMP/list.out")" \
		--argjson r "$(awk '$2 == "read" { print $1 }' "$TMP/list.out")" \
		'[["getppid", $g], ["close", $c], ["read", $r]]')"

traced cols syscaller -n 1000 -e 7 --
expect_eq "$T: columns: the header and the rows, busiest first" \
	"$(grep -v '^Tracing' "$TMP/cols.out" | sed '/^$/d' | awk '{ print $1, $2 }' | paste -sd'|')" \
	"SYSCALL COUNT|getppid 1000|close 7|read 1"

traced x syscaller -n 300 -e 5 -- -j -x
expect_eq "$T: -x: only the 5 failed close calls" "$(calls "$TMP/x.out")" "close=5"
traced e syscaller -n 300 -e 5 -- -j -e EBADF
expect_eq "$T: -e EBADF: the 5 close calls" "$(calls "$TMP/e.out")" "close=5"
traced e9 syscaller -n 300 -e 5 -- -j -e 9
expect_eq "$T: -e 9 (EBADF by number): the 5 close calls" "$(calls "$TMP/e9.out")" "close=5"
traced enoent syscaller -n 300 -e 5 -- -j -e ENOENT
expect_eq "$T: -e ENOENT: nothing (no call failed with it)" "$(calls "$TMP/enoent.out")" ""

traced lat syscaller -n 1000 -e 7 -- -j --latency --ns
# The go line's read began before the tool attached: not timed, not counted.
expect_eq "$T: --latency: the same counts, less the read begun before it attached" \
	"$(calls "$TMP/lat.out")" "close=7 getppid=1000"
expect_eq "$T: --latency: each row has a total above 0 and below 10 s" \
	"$(jq -r '[.calls[] | select(.total_ns > 0 and .total_ns < 10000000000)] | length' "$TMP/lat.out")" 2
traced latcols syscaller -n 1000 -e 7 -- --latency --ns
expect_eq "$T: --latency --ns: the header has TOTAL(ns)" \
	"$(grep -m1 SYSCALL "$TMP/latcols.out" | awk '{ print $1, $2, $3 }')" "SYSCALL COUNT TOTAL(ns)"

traced top syscaller -n 1000 -e 7 -- -j --top 1
expect_eq "$T: --top 1: the busiest row, and how many more there were" \
	"$(jq -c '[.calls[].syscall, .rows_not_shown]' "$TMP/top.out")" '["getppid",2]'

traced perproc syscaller -n 1000 -e 7 -- -j -P
expect_eq "$T: -P: one row for the process, all its calls" \
	"$(jq -c --argjson p "$PID" '[.processes[] | select(.pid == $p) | [.count, .comm]]' "$TMP/perproc.out")" \
	'[[1008,"syscaller"]]'
traced perthread syscaller -T -n 1000 -e 7 -- -j -L
expect_eq "$T: -L: the working thread's row has its 1008 calls (and those of its exit)" \
	"$(jq -c --argjson p "$PID" --argjson t "$TID" \
		'[.threads[] | select(.pid == $p and .tid == $t) | .count >= 1008]' "$TMP/perthread.out")" '[true]'

# Intervals of 50 ms: the calls spread over several add up exactly.
traced ivl syscaller -n 20000 -e 7 -- -j --top 0 0.05
expect_eq "$T: 0.05 s intervals add up to the exact counts" \
	"$(calls "$TMP/ivl.out" | tr ' ' '\n' | grep -E '^(getppid|close)=' | paste -sd' ')" "close=7 getppid=20000"
