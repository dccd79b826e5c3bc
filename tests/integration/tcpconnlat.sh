#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# tcpconnlat against tests/triggers/tcpsess: connects over IPv4 and IPv6
# loopback and between namespaces, and one connect made slow on purpose (its
# first SYN is dropped by a full accept queue and sent again a second later),
# which the [min_ms] threshold keeps while it drops the fast ones.
. "$(dirname "$0")/../lib.sh"
. tests/netlib.sh
T=tcpconnlat
S=$TRIG/tcpsess

expect_exit "$T: min_ms -1 is a usage error" 64 "$BIN/$T" -- -1
expect_exit "$T: min_ms 1x is a usage error" 64 "$BIN/$T" 1x
expect_exit "$T: a second argument is a usage error" 64 "$BIN/$T" 1 2
expect_exit "$T: --ports 0 is a usage error" 64 "$BIN/$T" --ports 0

# One slowconn run (2 connects: a fast one, then one of about a second) seen
# by a threshold, columns and the filters.
trig_start slow "$S" -w -D 300 slowconn 127.0.0.1 0
SPID=$(trig_value slow pid)
LPORT=$(trig_value slow listen)
tool_bg all $T -j --rports "$LPORT"
tool_bg thr $T -j --rports "$LPORT" 500
names="all thr"
if on_host; then
	tool_bg cols $T -T -U --rports "$LPORT"
	tool_bg thr-cols $T --rports "$LPORT" 500
	tool_bg lports-no $T -j --lports "$LPORT"
	tool_bg v6-no $T -j -6 --rports "$LPORT"
	tool_bg netns $T -j --netns /proc/self/ns/net --rports "$LPORT"
	tool_bg netns-no $T -j --netns 1 --rports "$LPORT"
	names="$names cols thr-cols lports-no v6-no netns netns-no"
fi
tools_ready $names
trig_go
tools_stop TERM $names
read -r fast slow < <(trig_values slow cport)
slow_ms=$(trig_value slow slow)
# conn FILE PORT: records of that connect, exact.
conn() {
	count_json "$1" '.pid == $pid and .comm == "tcpsess" and .ip == 4 and .laddr == "127.0.0.1"
		and .lport == $cp and .raddr == "127.0.0.1" and .rport == $lp and .lat_ns > 0 and .netns > 0' \
		--argjson pid "$SPID" --argjson cp "$2" --argjson lp "$LPORT"
}
got="$(conn "$TMP/all.out" "$fast")/$(conn "$TMP/all.out" "$slow")/$(grep -c . "$TMP/all.out")"
expect_eq "$T: tracepoint: both connects, exact" "$got" 1/1/2
lat=$(jq -r --argjson cp "$slow" 'select(.lport == $cp) | .lat_ns / 1000000 | floor' "$TMP/all.out")
if [ -n "$lat" ] && [ "$lat" -ge 900 ] && [ "$lat" -le "$slow_ms" ]; then
	pass "$T: the slow connect took its resent SYN's second (${lat} ms; the trigger saw ${slow_ms} ms)"
else
	fail "$T: the slow connect took its resent SYN's second" "${lat:-none} ms, trigger ${slow_ms} ms"
fi
expect_eq "$T: min_ms 500 keeps the slow connect only" "$(conn "$TMP/thr.out" "$slow")/$(grep -c . "$TMP/thr.out")" 1/1
expect_eq "$T: SIGTERM exits 0" "${BGRC[all]}" 0
if on_host; then
n=$(awk -v pid="$SPID" -v lp="$LPORT" '$NF >= 900 && $1 == pid && $2 == "tcpsess" && $3 == 4 && $4 == "127.0.0.1" &&
	$5 == "127.0.0.1" && $6 == lp' "$TMP/thr-cols.out" | wc -l)
expect_eq "$T: columns: the slow connect with its LAT(ms)" "$n/$(grep -vc '^PID' "$TMP/thr-cols.out")" 1/1
n=$(awk -v pid="$SPID" '$1 ~ /^[0-9][0-9]:[0-9][0-9]:[0-9][0-9]$/ && $2 == 0 && $3 == pid' "$TMP/cols.out" | wc -l)
expect_eq "$T: -T -U add TIME and UID columns" "$n" 2
for f in netns; do
	expect_eq "$T: matching filter ($f) keeps both connects" "$(grep -c . "$TMP/$f.out")" 2
done
for f in lports-no v6-no netns-no; do
	expect_eq "$T: non-matching filter (${f%-no}) shows nothing" "$(grep -c . "$TMP/$f.out")" 0
done

# IPv6 and v4-mapped connects, and -4 with them.
P=$((20000 + RANDOM % 20000))
tool_bg v6 $T -j -6 --rports $P
tool_bg v4-no $T -j -4 --rports $P
tools_ready v6 v4-no
"$TRIG/connector" -s -n 3 ::1 $P >"$TMP/c6.trig"
"$TRIG/connector" -s -n 2 ::ffff:127.0.0.1 $P >"$TMP/cm.trig"
tools_stop INT v6 v4-no
n6=$(count_json "$TMP/v6.out" '.pid == $pid and .ip == 6 and .laddr == "::1" and .raddr == "::1" and .rport == $p and .lat_ns > 0' \
	--argjson pid "$(head -1 "$TMP/c6.trig")" --argjson p $P)
nm=$(count_json "$TMP/v6.out" '.pid == $pid and .ip == 6 and .laddr == "::ffff:127.0.0.1" and .rport == $p' \
	--argjson pid "$(head -1 "$TMP/cm.trig")" --argjson p $P)
expect_eq "$T: IPv6: 3 connects to ::1 and 2 v4-mapped, with -6" "$n6/$nm" 3/2
expect_eq "$T: IPv6: nothing with -4" "$(grep -c . "$TMP/v4-no.out")" 0
expect_eq "$T: SIGINT exits 0" "${BGRC[v6]}" 0

# Between namespaces: connects from B, seen with their namespace.
veth_pair tcpcl
if [ "$NETNS_OK" = 1 ]; then
	P=$((20000 + RANDOM % 20000))
	tool_bg ns $T -j --rports $P
	tool_bg ns-a-no $T -j --netns "/run/netns/$NSA" --rports $P
	tools_ready ns ns-a-no
	ip netns exec "$NSA" "$S" -n 4 serve 10.201.0.1 $P >"$TMP/nss.trig" 2>&1 &
	spid=$!
	trig_value nss listen >/dev/null
	ip netns exec "$NSB" "$S" -n 4 client 10.201.0.1 $P >"$TMP/nsc.trig"
	wait $spid
	tools_stop TERM ns ns-a-no
	n=$(count_json "$TMP/ns.out" '.pid == $pid and .laddr == "10.201.0.2" and .raddr == "10.201.0.1" and .netns == $ns' \
		--argjson pid "$(trig_value nsc pid)" --argjson ns "$(ns_inode "$NSB")")
	expect_eq "$T: namespaces: 4 connects from B with B's netns" "$n" 4
	expect_eq "$T: --netns A (the server's) shows none" "$(grep -c . "$TMP/ns-a-no.out")" 0
fi
veth_cleanup
fi

leak_check $T
