#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# tcpstates against tests/triggers/tcpsess: the exact state sequence of a
# listener, a connecting socket and the accepted one, over IPv4 and IPv6
# loopback and between two network namespaces, with the network filters.
. "$(dirname "$0")/../lib.sh"
. tests/netlib.sh
T=tcpstates
S=$TRIG/tcpsess

expect_exit "$T: --ports 0 is a usage error" 64 "$BIN/$T" --ports 0
expect_exit "$T: --lports 1,x is a usage error" 64 "$BIN/$T" --lports 1,x
expect_exit "$T: -6 with -4 is a usage error" 64 "$BIN/$T" -6 -4
expect_exit "$T: --netns 0 is a usage error" 64 "$BIN/$T" --netns 0
expect_exit "$T: -p is not an option" 64 "$BIN/$T" -p 1

# The server (tcpsess accept) accepts one connection and closes it first.
LISTENER="CLOSE>LISTEN LISTEN>CLOSE"
CLIENT="CLOSE>SYN_SENT SYN_SENT>ESTABLISHED ESTABLISHED>CLOSE_WAIT CLOSE_WAIT>LAST_ACK LAST_ACK>CLOSE"
CHILD="LISTEN>SYN_RECV SYN_RECV>ESTABLISHED ESTABLISHED>FIN_WAIT1 FIN_WAIT1>FIN_WAIT2 FIN_WAIT2>CLOSE"

# seq FILE JQ-CONDITION: the "OLD>NEW" changes of the records it keeps, in order.
seq_of() {
	jq -r --argjson lp "$LPORT" --argjson cp "${CPORT:-0}" "select($2) | \"\\(.oldstate)>\\(.newstate)\"" "$1" |
		tr '\n' ' ' | sed 's/ $//'
}

# The sockets' records: the listener's (remote port 0), the connecting
# socket's (remote port the listener's; its local port is 0 at SYN_SENT) and
# the accepted socket's. A new accepted socket's LISTEN>SYN_RECV shows the
# listener's ports on some kernels (6.1: the child gets its ports after its
# state), the child's on others (6.18).
LISTENER_Q='.lport == $lp and .rport == 0 and .newstate != "SYN_RECV"'
CLIENT_Q='.rport == $lp and (.lport == $cp or .lport == 0)'
CHILD_Q='.lport == $lp and (.rport == $cp or (.rport == 0 and .newstate == "SYN_RECV"))'

# check NAME FILE ADDR: the three sockets' sequences, exactly.
check() {
	local f=$2 a=$3
	expect_eq "$T: $1: the listener's states" \
		"$(seq_of "$f" "$LISTENER_Q and .laddr == \"$a\"")" "$LISTENER"
	expect_eq "$T: $1: the connecting socket's states" \
		"$(seq_of "$f" "$CLIENT_Q and .raddr == \"$a\"")" "$CLIENT"
	expect_eq "$T: $1: the accepted socket's states" \
		"$(seq_of "$f" "$CHILD_Q and .laddr == \"$a\"")" "$CHILD"
}

# run NAME ADDR TOOL-NAMES...: one connection under the tools started with
# tool_bg before; sets LPORT and CPORT.
run_trigger() {
	trig_start "$1" "$S" -w -n 1 accept "$2" 0
	LPORT=$(trig_value "$1" listen)
}
finish() {
	local name=$1; shift
	tools_ready "$@"
	trig_go
	CPORT=$(trig_value "$name" cport)
	tools_stop TERM "$@"
}

# IPv4: JSON, columns and the filters (on the host), all watching one run.
# The listener starts before the tools: its CLOSE>LISTEN is not seen; the
# IPv6 run below starts the tools first.
trig_start v4 "$S" -w -n 1 accept 127.0.0.1 0
LPORT=$(trig_value v4 listen)
other=$((LPORT == 65535 ? 65534 : LPORT + 1))
tool_bg json $T -j --ports "$LPORT"
all=json
if on_host; then
	tool_bg cols $T -T --ports "$LPORT"
	tool_bg lports $T -j --lports "$LPORT"
	tool_bg rports $T -j --rports "$LPORT"
	tool_bg lports-no $T -j --lports "$other"
	tool_bg v4 $T -j -4 --ports "$LPORT"
	tool_bg v6-no $T -j -6 --ports "$LPORT"
	tool_bg netns $T -j --netns /proc/self/ns/net --ports "$LPORT"
	tool_bg netns-no $T -j --netns 1 --ports "$LPORT"
	all="json cols lports rports lports-no v4 v6-no netns netns-no"
fi
finish v4 $all
ok=1
for what in "listener's close:$LISTENER_Q:LISTEN>CLOSE" "connecting socket's states:$CLIENT_Q:$CLIENT" \
	"accepted socket's states:$CHILD_Q:$CHILD"; do
	IFS=: read -r name q want <<<"$what"
	got=$(seq_of "$TMP/json.out" "$q")
	[ "$got" = "$want" ] || ok=0
	expect_eq "$T: tracepoint: IPv4: the $name" "$got" "$want"
done
expect_eq "$T: IPv4: 11 changes, each with its addresses" \
	"$(count_json "$TMP/json.out" '.ip == 4 and .laddr == "127.0.0.1" and (.raddr == "127.0.0.1" or .raddr == "0.0.0.0") and .netns > 0')" 11
# prev_ns: null where the socket's previous change was not seen, else >= 0.
expect_eq "$T: IPv4: prev_ns is null for new sockets only" \
	"$(jq -r 'select(.prev_ns == null) | .oldstate' "$TMP/json.out" | sort | tr '\n' ' ')" "CLOSE LISTEN LISTEN "
json_valid "$TMP/json.out" && pass "$T: -j output is valid JSON" || fail "$T: -j output is valid JSON" "$(head -2 "$TMP/json.out")"
expect_eq "$T: SIGTERM exits 0" "${BGRC[json]}" 0
if on_host; then
	# Columns: TIME PID COMM LADDR:LPORT RADDR:RPORT OLD -> NEW MS.
	got=$(awk -v l="127.0.0.1:$LPORT" -v r="127.0.0.1:$CPORT" '$1 ~ /^[0-9][0-9]:[0-9][0-9]:[0-9][0-9]$/ &&
		$4 == l && ($5 == r || $8 == "SYN_RECV") { print $6 ">" $8 }' "$TMP/cols.out" | tr '\n' ' ' | sed 's/ $//')
	expect_eq "$T: columns: the accepted socket's states, in order" "$got" "$CHILD"
	n=$(awk -v l="127.0.0.1:$LPORT" '$4 == l && $9 ~ /^[0-9]+\.[0-9][0-9][0-9]$/' "$TMP/cols.out" | wc -l)
	expect_eq "$T: columns: MS for the 4 changes after the first, on the accepted socket" "$n" 4
	expect_eq "$T: --lports keeps the listener and the accepted socket" "$(grep -c . "$TMP/lports.out")" 6
	expect_eq "$T: --rports keeps the connecting socket" "$(seq_of "$TMP/rports.out" true)" "$CLIENT"
	for f in v4 netns; do
		expect_eq "$T: matching filter ($f) keeps the 11 changes" "$(grep -c . "$TMP/$f.out")" 11
	done
	for f in lports-no v6-no netns-no; do
		expect_eq "$T: non-matching filter (${f%-no}) shows nothing" "$(grep -c . "$TMP/$f.out")" 0
	done

	# IPv6, with the listener's whole life: the tools start first, and the
	# listener's port is fixed.
	P=$((20000 + RANDOM % 20000))
	tool_bg json6 $T -j -6 --ports "$P"
	tool_bg four-no $T -j -4 --ports "$P"
	tools_ready json6 four-no
	"$S" -n 1 accept ::1 "$P" >"$TMP/v6.trig"
	LPORT=$P CPORT=$(trig_value v6 cport)
	tools_stop INT json6 four-no
	check "IPv6" "$TMP/json6.out" ::1
	expect_eq "$T: IPv6: nothing with -4" "$(grep -c . "$TMP/four-no.out")" 0
	expect_eq "$T: SIGINT exits 0" "${BGRC[json6]}" 0

	# Between namespaces: the listener in A, the client in B. Seen from A
	# only, the server's two sockets; from B only, the client's.
	veth_pair tcps
	if [ "$NETNS_OK" = 1 ]; then
		P=$((20000 + RANDOM % 20000))
		tool_bg ns $T -j --ports "$P"
		tool_bg ns-a $T -j --netns "/run/netns/$NSA" --ports "$P"
		tool_bg ns-b $T -j --netns "$(ns_inode "$NSB")" --ports "$P"
		tools_ready ns ns-a ns-b
		ip netns exec "$NSA" "$S" -n 1 serve 10.201.0.1 "$P" >"$TMP/nss.trig" 2>&1 &
		spid=$!
		trig_value nss listen >/dev/null
		ip netns exec "$NSB" "$S" -n 1 client 10.201.0.1 "$P" >"$TMP/nsc.trig"
		wait $spid
		sleep 0.2
		tools_stop TERM ns ns-a ns-b
		LPORT=$P CPORT=$(trig_value nsc cport)
		a=$(ns_inode "$NSA") b=$(ns_inode "$NSB")
		got=$(seq_of "$TMP/ns.out" ".rport == \$lp and .netns == $b" | wc -w)
		expect_eq "$T: namespaces: the client's 5 changes, in B" "$got" 5
		expect_eq "$T: namespaces: the server's sockets' 7 changes, in A" \
			"$(count_json "$TMP/ns.out" ".lport == $P and .netns == $a and .laddr == \"10.201.0.1\"")" 7
		expect_eq "$T: --netns A sees the server's 7" "$(count_json "$TMP/ns-a.out" ".netns == $a")/$(grep -c . "$TMP/ns-a.out")" 7/7
		expect_eq "$T: --netns B sees the client's 5" "$(count_json "$TMP/ns-b.out" ".netns == $b")/$(grep -c . "$TMP/ns-b.out")" 5/5
	fi
	veth_cleanup
fi

leak_check $T
