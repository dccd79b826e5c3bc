#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# tcpsynbl: a listener with backlog 5 that never accepts, and N connects that
# complete into its accept queue (tests/triggers/tcpsess backlog): the queue
# grows 1, 2, ... N, with the limit 5, exactly.
. "$(dirname "$0")/../lib.sh"
. tests/netlib.sh
T=tcpsynbl
S=$TRIG/tcpsess

expect_exit "$T: an interval of 0 is a usage error" 64 "$BIN/$T" 0
expect_exit "$T: a count of 0 is a usage error" 64 "$BIN/$T" 1 0
expect_exit "$T: --lports x is a usage error" 64 "$BIN/$T" --lports x

# exact FILE ADDR PORT N: the record of N connections into a backlog of 5.
exact() {
	local want
	want=$(jq -n -c --argjson n "$4" '[range(1; $n + 1)] | {count: length, total: add, max_seen: max,
		hist: (group_by(if . < 2 then 0 elif . < 4 then 1 else 2 end) | map(length))}')
	jq -c --arg a "$2" --argjson p "$3" 'select(.laddr == $a and .lport == $p and .max_backlog == 5 and .netns > 0)
		| {count, total, max_seen, hist: [.hist[] | .count]}' "$1" | grep -cxF "$want"
}

# One run on the tracepoint (tests/integration/load.sh runs every path).
for path in tracepoint; do
	P=$((20000 + RANDOM % 20000))
	tool_bg "j-$path" $T -j --force-path=$path --lports $P
	tools_ready "j-$path" || continue
	"$S" -b 5 -n 4 backlog 127.0.0.1 $P >"$TMP/t4-$path.trig"
	"$S" -b 5 -n 6 backlog ::1 $P >"$TMP/t6-$path.trig"
	tools_stop TERM "j-$path"
	got="$(exact "$TMP/j-$path.out" 127.0.0.1 $P 4)/$(exact "$TMP/j-$path.out" ::1 $P 6)/$(grep -c . "$TMP/j-$path.out")"
	if [ "$got" = 1/1/2 ] && [ "${BGRC[j-$path]}" = 0 ] && json_valid "$TMP/j-$path.out"; then
		pass "$T: $path: the queue grew 1..4 (IPv4) and 1..6 (IPv6) against its limit of 5"
	else
		fail "$T: $path: the queue grew 1..4 and 1..6" "$got: $(cat "$TMP/j-$path.out")"
	fi
done

if on_host; then
	P=$((20000 + RANDOM % 20000))
	tool_bg cols $T --lports $P
	tool_bg v4 $T -j -4 --lports $P
	tool_bg mapped $T -j -6 --lports $P
	tool_bg lports-no $T -j --lports $((P + 1))
	tool_bg netns $T -j --netns /proc/self/ns/net --lports $P
	tool_bg netns-no $T -j --netns 1 --lports $P
	names="cols v4 mapped lports-no netns netns-no"
	tools_ready $names
	"$S" -b 5 -n 3 backlog 127.0.0.1 $P >/dev/null
	"$S" -b 5 -n 5 backlog ::ffff:127.0.0.1 $((P)) >/dev/null
	tools_stop TERM $names
	n=$(awk -v e="127.0.0.1:$P" '$1 == e && $4 == "3" && $5 == "connections" && $8 == "5," && $10 == "3,"' "$TMP/cols.out" | wc -l)
	expect_eq "$T: columns: 3 connections, limit 5, longest 3" "$n" 1
	expect_eq "$T: -4: the IPv4 listener only" "$(exact "$TMP/v4.out" 127.0.0.1 $P 3)/$(grep -c . "$TMP/v4.out")" 1/1
	expect_eq "$T: -6: the v4-mapped listener only" "$(exact "$TMP/mapped.out" ::ffff:127.0.0.1 $P 5)/$(grep -c . "$TMP/mapped.out")" 1/1
	expect_eq "$T: matching filter (netns) keeps both" "$(grep -c . "$TMP/netns.out")" 2
	for f in lports-no netns-no; do
		expect_eq "$T: non-matching filter (${f%-no}) shows nothing" "$(grep -c . "$TMP/$f.out")" 0
	done
	expect_eq "$T: SIGTERM exits 0" "${BGRC[cols]}" 0
	"$BIN/$T" -j --lports $P 0.2 2 >/dev/null 2>&1
	expect_eq "$T: 0.2 2 ends by itself with 0" "$?" 0
fi

leak_check $T
