#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# tcprtt: RTT histograms of one loopback transfer between a tcpsess server
# and client (its ports known), overall and per port and address, in columns
# and JSON, with the network filters.
. "$(dirname "$0")/../lib.sh"
. tests/netlib.sh
T=tcprtt
S=$TRIG/tcpsess

expect_exit "$T: --by pid is a usage error" 64 "$BIN/$T" --by pid
expect_exit "$T: an interval of 0 is a usage error" 64 "$BIN/$T" 0
expect_exit "$T: a third argument is a usage error" 64 "$BIN/$T" 1 2 3
expect_exit "$T: --ports 1,,2 is a usage error" 64 "$BIN/$T" --ports 1,,2

# transfer NAME ADDR PORT: 200 KB from a client to a server and 100 KB back.
transfer() {
	"$S" -n 1 -s 200000 -r 100000 serve "$2" "$3" >"$TMP/$1-srv.trig" 2>&1 &
	local srv=$!
	trig_value "$1-srv" listen >/dev/null
	"$S" -n 1 -s 200000 -r 100000 client "$2" "$3" >"$TMP/$1.trig"
	wait $srv
	CPORT=$(trig_value "$1" cport)
}

# valid FILE: every record has count > 0, a sane average and a histogram
# whose counts add up to count.
valid() {
	jq -e -s 'length > 0 and all(.[]; .count > 0 and .avg_ns >= 1000 and .avg_ns < 1000000000
		and ([.hist[].count] | add) == .count)' "$1" >/dev/null
}

# One run on the tracepoint (tests/integration/load.sh runs every path).
for path in tracepoint; do
	P=$((20000 + RANDOM % 20000))
	tool_bg "j-$path" $T -j --force-path=$path --by lport --ports $P
	tools_ready "j-$path" || continue
	transfer "t-$path" 127.0.0.1 $P
	tools_stop TERM "j-$path"
	out=$TMP/j-$path.out
	keys=$(jq -r .lport "$out" | sort -n | tr '\n' ' ')
	want=$(printf '%s\n' $P "$CPORT" | sort -n | tr '\n' ' ')
	if [ "$keys" = "$want" ] && [ "${BGRC[j-$path]}" = 0 ] && valid "$out"; then
		pass "$T: $path: a histogram for each end's local port, JSON"
	else
		fail "$T: $path: a histogram for each end's local port" "keys '$keys', want '$want': $(head -2 "$out")"
	fi
done

if on_host; then
	P=$((20000 + RANDOM % 20000)) other=$((P + 2))
	tool_bg all $T -j --ports $P
	tool_bg cols $T --by rport --rports $P
	tool_bg ms $T -j -m --lports $P
	tool_bg laddr $T -j --by laddr -4 --ports $P
	tool_bg raddr $T -j --by raddr --ports $P
	tool_bg ports-no $T -j --ports $other
	tool_bg v6-no $T -j -6 --ports $P
	tool_bg netns $T -j --netns /proc/self/ns/net --ports $P
	tool_bg netns-no $T -j --netns 1 --ports $P
	names="all cols ms laddr raddr ports-no v6-no netns netns-no"
	tools_ready $names
	transfer v4 127.0.0.1 $P
	tools_stop TERM $names
	valid "$TMP/all.out" && pass "$T: one histogram without --by, valid" || fail "$T: one histogram without --by" "$(cat "$TMP/all.out")"
	expect_eq "$T: without --by, one record" "$(grep -c . "$TMP/all.out")" 1
	all=$(jq .count "$TMP/all.out")
	n=$(awk -v p=$P '$1 == "rport" && $2 == "=" && $3 == p ":" && $5 == "samples," { print $4 }' "$TMP/cols.out")
	[ -n "$n" ] && [ "$n" -ge 1 ] && [ "$n" -le "$all" ] && pass "$T: columns: --by rport --rports: the client end's $n samples" ||
		fail "$T: columns: --by rport --rports" "$(head -3 "$TMP/cols.out")"
	sum=$(grep -E '^ +[0-9]+ -> [0-9]+ +: [0-9]+' "$TMP/cols.out" | awk '{ s += $5 } END { print s }')
	expect_eq "$T: columns: the histogram adds up to the samples" "$sum" "$n"
	expect_eq "$T: -m: unit msecs, loopback in the first slot" \
		"$(jq -r '"\(.unit) \(.hist[0].count == .count)"' "$TMP/ms.out")" "msecs true"
	expect_eq "$T: --by laddr: 127.0.0.1 with every sample" "$(jq -r '"\(.laddr) \(.count)"' "$TMP/laddr.out")" "127.0.0.1 $all"
	expect_eq "$T: --by raddr: 127.0.0.1 with every sample" "$(jq -r '"\(.raddr) \(.count)"' "$TMP/raddr.out")" "127.0.0.1 $all"
	expect_eq "$T: matching filter (netns) sees every sample" "$(jq .count "$TMP/netns.out")" "$all"
	for f in ports-no v6-no netns-no; do
		expect_eq "$T: non-matching filter (${f%-no}) shows nothing" "$(grep -c . "$TMP/$f.out")" 0
	done
	expect_eq "$T: SIGTERM exits 0" "${BGRC[all]}" 0

	# [interval [count]]: two intervals, then exit 0 by itself.
	"$BIN/$T" -j --ports $P 0.3 2 >"$TMP/count.out" 2>&1; rc=$?
	expect_eq "$T: 0.3 2 ends by itself with 0" "$rc" 0
fi

leak_check $T
