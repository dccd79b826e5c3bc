#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# tcplife against tests/triggers/tcpsess: sessions with exactly known bytes
# each way between a server process and a client process, over IPv4 and IPv6
# loopback and between two network namespaces; both ends, with the process
# that opened each (connect for one, accept for the other).
. "$(dirname "$0")/../lib.sh"
. tests/netlib.sh
T=tcplife
S=$TRIG/tcpsess

expect_exit "$T: --rports 70000 is a usage error" 64 "$BIN/$T" --rports 70000
expect_exit "$T: --netns /nonexistent is a usage error" 64 "$BIN/$T" --netns /nonexistent

# The client sends TX and receives RX bytes; the server the other way round.
TX=300000 RX=70000

# server NAME ADDR PORT [NS]: a tcpsess server for one session (in network
# namespace NS); sets SPID. client_gated NAME ADDR PORT: the client, held at
# its gate (trig_go runs it); sets CPID.
server() {
	if [ -n "${4:-}" ]; then
		ip netns exec "$4" "$S" -n 1 -s $TX -r $RX serve "$2" "$3" >"$TMP/$1.trig" 2>&1 &
	else
		"$S" -n 1 -s $TX -r $RX serve "$2" "$3" >"$TMP/$1.trig" 2>&1 &
	fi
	SRV=$!
	SPID=$(trig_value "$1" pid)
	trig_value "$1" listen >/dev/null
}
client_gated() {
	trig_start "$1" "$S" -w -n 1 -s $TX -r $RX client "$2" "$3"
	CPID=$(trig_value "$1" pid)
}
finish() {
	trig_go
	wait "$SRV"
	CPORT=$(trig_value "$1" cport)
}

# ends FILE ADDR PORT: "client-record server-record" checks, 1 each when exact.
ends() {
	local c s
	c=$(jq -c --argjson pid "$CPID" --arg a "$2" --argjson p "$3" --argjson cp "$CPORT" \
		--argjson tx $TX --argjson rx $RX 'select(.pid == $pid and .tid == $pid and .comm == "tcpsess"
		and .active == true and .laddr == $a and .lport == $cp and .raddr == $a and .rport == $p
		and .tx_bytes == $tx and .rx_bytes == $rx and .span_ns > 0 and .netns > 0)' "$1" | wc -l)
	s=$(jq -c --argjson pid "$SPID" --arg a "$2" --argjson p "$3" --argjson cp "$CPORT" \
		--argjson tx $TX --argjson rx $RX 'select(.pid == $pid and .comm == "tcpsess"
		and .active == false and .laddr == $a and .lport == $p and .raddr == $a and .rport == $cp
		and .tx_bytes == $rx and .rx_bytes == $tx and .span_ns > 0 and .netns > 0)' "$1" | wc -l)
	echo "$c $s"
}

if on_host; then
# One IPv4 session watched by columns and the filters, matching and not.
P=$((20000 + RANDOM % 20000))
server v4s 127.0.0.1 $P
client_gated v4c 127.0.0.1 $P
tool_bg cols $T -T -U --ports $P
tool_bg pid-srv $T -j -p "$SPID" --ports $P
tool_bg pid-cli $T -j -p "$CPID" --ports $P
tool_bg tid-cli $T -j -t "$CPID" --ports $P
tool_bg lports $T -j --lports $P
tool_bg rports $T -j --rports $P
tool_bg v4 $T -j -4 --ports $P
tool_bg v6-no $T -j -6 --ports $P
tool_bg netns $T -j --netns /proc/self/ns/net --ports $P
tool_bg netns-no $T -j --netns 1 --ports $P
all="cols pid-srv pid-cli tid-cli lports rports v4 v6-no netns netns-no"
tools_ready $all
finish v4c
tools_stop TERM $all
# Columns: TIME UID PID COMM LADDR LPORT RADDR RPORT TX_KB RX_KB MS.
row() {
	awk -v pid="$1" -v lp="$2" -v rp="$3" -v tx="$4" -v rx="$5" '$1 ~ /^[0-9][0-9]:[0-9][0-9]:[0-9][0-9]$/ &&
		$2 == 0 && $3 == pid && $4 == "tcpsess" && $5 == "127.0.0.1" && $6 == lp && $7 == "127.0.0.1" &&
		$8 == rp && $9 == tx && $10 == rx && $11 > 0' "$TMP/cols.out" | wc -l
}
expect_eq "$T: columns: both ends with exact KB, openers, -T and -U" \
	"$(row "$CPID" "$CPORT" $P $((TX / 1024)) $((RX / 1024)))/$(row "$SPID" $P "$CPORT" $((RX / 1024)) $((TX / 1024)))" 1/1
expect_eq "$T: SIGTERM exits 0" "${BGRC[cols]}" 0
expect_eq "$T: -p of the server: its end only" "$(ends "$TMP/pid-srv.out" 127.0.0.1 $P)/$(grep -c . "$TMP/pid-srv.out")" "0 1/1"
expect_eq "$T: -p of the client: its end only" "$(ends "$TMP/pid-cli.out" 127.0.0.1 $P)/$(grep -c . "$TMP/pid-cli.out")" "1 0/1"
expect_eq "$T: -t of the client's thread: its end only" "$(ends "$TMP/tid-cli.out" 127.0.0.1 $P)/$(grep -c . "$TMP/tid-cli.out")" "1 0/1"
expect_eq "$T: --lports: the server's end only" "$(ends "$TMP/lports.out" 127.0.0.1 $P)/$(grep -c . "$TMP/lports.out")" "0 1/1"
expect_eq "$T: --rports: the client's end only" "$(ends "$TMP/rports.out" 127.0.0.1 $P)/$(grep -c . "$TMP/rports.out")" "1 0/1"
for f in v4 netns; do
	expect_eq "$T: matching filter ($f) keeps both ends" "$(ends "$TMP/$f.out" 127.0.0.1 $P)" "1 1"
done
for f in v6-no netns-no; do
	expect_eq "$T: non-matching filter (${f%-no}) shows nothing" "$(grep -c . "$TMP/$f.out")" 0
done

# IPv6; a refused connect is no session.
P=$((20000 + RANDOM % 20000))
tool_bg v6 $T -j -6 --ports $P,$((P + 1))
tools_ready v6
server v6s ::1 $P
client_gated v6c ::1 $P
finish v6c
"$S" -n 2 refuse ::1 $((P + 1)) >"$TMP/refuse.trig"
tools_stop INT v6
expect_eq "$T: IPv6: both ends with exact bytes" "$(ends "$TMP/v6.out" ::1 $P)" "1 1"
expect_eq "$T: IPv6: refused connects are not sessions" "$(grep -c . "$TMP/v6.out")/$(trig_value refuse refused)" 2/2
expect_eq "$T: SIGINT exits 0" "${BGRC[v6]}" 0

# Between namespaces: a larger session over a veth pair, seen from A only.
veth_pair tcpl
if [ "$NETNS_OK" = 1 ]; then
	TX=2000000 RX=123457
	P=$((20000 + RANDOM % 20000))
	tool_bg ns $T -j --ports $P
	tool_bg ns-a $T -j --netns "/run/netns/$NSA" --ports $P
	tools_ready ns ns-a
	server nss 10.201.0.1 $P "$NSA"
	ip netns exec "$NSB" "$S" -n 1 -s $TX -r $RX client 10.201.0.1 $P >"$TMP/nsc.trig"
	CPID=$(trig_value nsc pid) CPORT=$(trig_value nsc cport)
	wait "$SRV"
	tools_stop TERM ns ns-a
	c=$(count_json "$TMP/ns.out" '.pid == $pid and .laddr == "10.201.0.2" and .raddr == "10.201.0.1" and .tx_bytes == 2000000 and .rx_bytes == 123457 and .netns == $ns' \
		--argjson pid "$CPID" --argjson ns "$(ns_inode "$NSB")")
	s=$(count_json "$TMP/ns.out" '.pid == $pid and .laddr == "10.201.0.1" and .raddr == "10.201.0.2" and .tx_bytes == 123457 and .rx_bytes == 2000000 and .netns == $ns' \
		--argjson pid "$SPID" --argjson ns "$(ns_inode "$NSA")")
	expect_eq "$T: namespaces: both ends with exact bytes and their namespaces" "$c $s" "1 1"
	expect_eq "$T: --netns A: the server's end only" \
		"$(count_json "$TMP/ns-a.out" '.laddr == "10.201.0.1"')/$(grep -c . "$TMP/ns-a.out")" 1/1
fi
veth_cleanup
fi

leak_check $T
