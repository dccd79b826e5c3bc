#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# tcppktlat against tests/triggers/tcpsess pktlat: 6 messages arrive on a
# loopback connection; the reader takes the first 2 at once and lets the
# other 4 wait 300 ms each. With min_ms 150, exactly those 4 are shown.
. "$(dirname "$0")/../lib.sh"
. tests/netlib.sh
T=tcppktlat
S=$TRIG/tcpsess

expect_exit "$T: min_ms x is a usage error" 64 "$BIN/$T" x
expect_exit "$T: a second argument is a usage error" 64 "$BIN/$T" 1 2

# late FILE ADDR V: the reader's records of its 4 late messages, exact.
late() {
	count_json "$1" '.pid == $pid and .tid == $pid and .comm == "tcpsess" and .ip == $v and .laddr == $a
		and .lport == $cp and .raddr == $a and .lat_ns >= 290000000 and .lat_ns < 5000000000 and .netns > 0' \
		--argjson pid "$PPID_" --argjson cp "$CPORT" --arg a "$2" --argjson v "$3"
}

run() {
	trig_start "$1" "$S" -w -n 6 -F 2 -D 300 pktlat "$2" 0
	PPID_=$(trig_value "$1" pid)
	CPORT=$(trig_value "$1" cport)
}

run v4 127.0.0.1
tool_bg json $T -j --lports "$CPORT" 150
names=json
if on_host; then
	tool_bg cols $T -T -U --lports "$CPORT" 150
	tool_bg all $T -j --lports "$CPORT"
	tool_bg ports $T -j --ports "$CPORT" 150
	tool_bg rports-no $T -j --rports "$CPORT" 150
	tool_bg v6-no $T -j -6 150
	tool_bg netns $T -j --netns /proc/self/ns/net --lports "$CPORT" 150
	tool_bg netns-no $T -j --netns 1 --lports "$CPORT" 150
	names="$names cols all ports rports-no v6-no netns netns-no"
fi
tools_ready $names
trig_go
tools_stop TERM $names
n=$(late "$TMP/json.out" 127.0.0.1 4)
expect_eq "$T: tracepoint: min_ms 150 shows the 4 late reads, exact" "$n/$(grep -c . "$TMP/json.out")" 4/4
json_valid "$TMP/json.out" && pass "$T: -j output is valid JSON" || fail "$T: -j output is valid JSON" "$(head -2 "$TMP/json.out")"
expect_eq "$T: SIGTERM exits 0" "${BGRC[json]}" 0
if on_host; then
	n=$(awk -v pid="$PPID_" -v l="127.0.0.1:$CPORT" '$1 ~ /^[0-9][0-9]:[0-9][0-9]:[0-9][0-9]$/ && $2 == 0 && $3 == pid &&
		$4 == "tcpsess" && $5 == l && $7 >= 290' "$TMP/cols.out" | wc -l)
	expect_eq "$T: columns: the 4 late reads with -T -U" "$n/$(grep -vc '^TIME' "$TMP/cols.out")" 4/4
	n=$(count_json "$TMP/all.out" '.lport == $cp and .lat_ns < 150000000' --argjson cp "$CPORT")
	expect_eq "$T: without min_ms: also the 2 prompt reads" "$(late "$TMP/all.out" 127.0.0.1 4)/$n" 4/2
	for f in ports netns; do
		expect_eq "$T: matching filter ($f) keeps the 4" "$(late "$TMP/$f.out" 127.0.0.1 4)" 4
	done
	for f in rports-no netns-no; do
		expect_eq "$T: non-matching filter (${f%-no}) shows nothing" "$(grep -c . "$TMP/$f.out")" 0
	done
	expect_eq "$T: -6 shows no IPv4 read" "$(count_json "$TMP/v6-no.out" '.ip == 4')" 0

	run v6 ::1
	tool_bg six $T -j -6 --lports "$CPORT" 150
	tool_bg four-no $T -j -4 --lports "$CPORT" 150
	tools_ready six four-no
	trig_go
	tools_stop INT six four-no
	expect_eq "$T: IPv6: the 4 late reads with -6" "$(late "$TMP/six.out" ::1 6)/$(grep -c . "$TMP/six.out")" 4/4
	expect_eq "$T: IPv6: nothing with -4" "$(grep -c . "$TMP/four-no.out")" 0
	expect_eq "$T: SIGINT exits 0" "${BGRC[six]}" 0
fi

leak_check $T
