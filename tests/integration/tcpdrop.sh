#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# tcpdrop: SYNs to a port nothing listens on (tests/triggers/tcpsess refuse)
# are dropped by the kernel with reason NO_SOCKET, one per connect, in
# tcp_v4_rcv/tcp_v6_rcv; over IPv4 and IPv6 loopback and between namespaces.
# The reason's number is the running kernel's (it moved between 6.1 and 6.18).
. "$(dirname "$0")/../lib.sh"
. tests/netlib.sh
T=tcpdrop
S=$TRIG/tcpsess

expect_exit "$T: --ports 0 is a usage error" 64 "$BIN/$T" --ports 0
expect_exit "$T: --reason '' is a usage error" 64 "$BIN/$T" --reason ''
expect_exit "$T: an unknown --reason is a usage error" 64 "$BIN/$T" --reason NO_SUCH_REASON
expect_exit "$T: -p is not an option" 64 "$BIN/$T" -p 1

# The running kernel's number for NO_SOCKET, from the tracepoint's format
# file (tcpdrop reads it from the kernel's BTF: two sources that must agree).
fmt=/sys/kernel/tracing/events/skb/kfree_skb/format
[ -f $fmt ] || fmt=/sys/kernel/debug/tracing/events/skb/kfree_skb/format
code=$(grep -o '{ [0-9]*, "NO_SOCKET" }' $fmt | tr -dc '0-9')

# drops FILE ADDR PORT V: the refused SYNs' records, exact.
drops() {
	count_json "$1" '.ip == $v and .laddr == $a and .lport == $p and .raddr == $a and .direction == "in"
		and .state == null and .flags == "S" and .reason == "NO_SOCKET" and .reason_code == $code
		and (.location | startswith("tcp_v\($v)_rcv+0x")) and .kstack[0] == .location and .netns > 0' \
		--arg a "$2" --argjson p "$3" --argjson v "$4" --argjson code "${code:-null}"
}

P=$((20000 + RANDOM % 20000))
other=$((P + 1))
tool_bg json $T -j --lports $P
tool_bg reason $T -j --reason NO_SOCKET --lports $P
names="json reason"
if on_host; then
	tool_bg cols $T -T --lports $P
	tool_bg reason2 $T -j --reason SKB_DROP_REASON_NO_SOCKET --lports $P
	tool_bg reason-no $T -j --reason TCP_CSUM --lports $P
	tool_bg ports $T -j --ports $P
	tool_bg rports-no $T -j --rports $P
	tool_bg lports-no $T -j --lports $other
	tool_bg v4 $T -j -4 --lports $P
	tool_bg v6-no $T -j -6 --lports $P
	tool_bg netns $T -j --netns /proc/self/ns/net --lports $P
	tool_bg netns-no $T -j --netns 1 --lports $P
	names="$names cols reason2 reason-no ports rports-no lports-no v4 v6-no netns netns-no"
fi
tools_ready $names
"$S" -n 3 refuse 127.0.0.1 $P >"$TMP/r4.trig"
sleep 0.2
tools_stop TERM $names
expect_eq "$T: the trigger's 3 connects were refused" "$(trig_value r4 refused)" 3
n=$(drops "$TMP/json.out" 127.0.0.1 $P 4)
expect_eq "$T: 3 exact NO_SOCKET drops (reason $code on this kernel), JSON" "$n/$(grep -c . "$TMP/json.out")" 3/3
json_valid "$TMP/json.out" && pass "$T: -j output is valid JSON" || fail "$T: -j output is valid JSON" "$(head -2 "$TMP/json.out")"
expect_eq "$T: --reason NO_SOCKET keeps the 3 drops" "$(drops "$TMP/reason.out" 127.0.0.1 $P 4)/$(grep -c . "$TMP/reason.out")" 3/3
expect_eq "$T: SIGTERM exits 0" "${BGRC[json]}" 0
if on_host; then
n=$(awk -v d="127.0.0.1:$P" '$1 ~ /^[0-9][0-9]:[0-9][0-9]:[0-9][0-9]$/ && $2 == 4 && $3 ~ /^127\.0\.0\.1:[0-9]+$/ &&
	$4 == ">" && $5 == d && $6 == "-" && $7 == "S" && $8 == "NO_SOCKET"' "$TMP/cols.out" | wc -l)
expect_eq "$T: columns: 3 drops with -T" "$n" 3
expect_eq "$T: columns: each with its stack, from tcp_v4_rcv" \
	"$(grep -c $'^\ttcp_v4_rcv+0x' "$TMP/cols.out")/$(grep -c $'^\tentry_SYSCALL\\|^\t.*sys_connect' "$TMP/cols.out" | awk '{ print ($1 >= 3) }')" 3/1
for f in reason2 ports v4 netns; do
	expect_eq "$T: matching filter ($f) keeps the 3 drops" "$(drops "$TMP/$f.out" 127.0.0.1 $P 4)/$(grep -c . "$TMP/$f.out")" 3/3
done
for f in reason-no rports-no lports-no v6-no netns-no; do
	expect_eq "$T: non-matching filter (${f%-no}) shows nothing" "$(grep -c . "$TMP/$f.out")" 0
done

# IPv6: -6 keeps them, -4 does not.
tool_bg six $T -j -6 --lports $P
tool_bg four-no $T -j -4 --lports $P
tools_ready six four-no
"$S" -n 2 refuse ::1 $P >"$TMP/r6.trig"
sleep 0.2
tools_stop INT six four-no
expect_eq "$T: IPv6: 2 exact NO_SOCKET drops in tcp_v6_rcv" "$(drops "$TMP/six.out" ::1 $P 6)/$(grep -c . "$TMP/six.out")" 2/2
expect_eq "$T: IPv6: nothing with -4" "$(grep -c . "$TMP/four-no.out")" 0
expect_eq "$T: SIGINT exits 0" "${BGRC[six]}" 0

# Between namespaces: refused from B, dropped in A.
veth_pair tcpd
if [ "$NETNS_OK" = 1 ]; then
	tool_bg ns $T -j --lports $P
	tool_bg ns-a $T -j --netns "/run/netns/$NSA" --lports $P
	tool_bg ns-b-no $T -j --netns "/run/netns/$NSB" --lports $P
	tools_ready ns ns-a ns-b-no
	ip netns exec "$NSB" "$S" -n 2 refuse 10.201.0.1 $P >"$TMP/rns.trig"
	sleep 0.2
	tools_stop TERM ns ns-a ns-b-no
	n=$(count_json "$TMP/ns.out" '.laddr == "10.201.0.1" and .lport == $p and .raddr == "10.201.0.2"
		and .reason == "NO_SOCKET" and .netns == $ns' --argjson p $P --argjson ns "$(ns_inode "$NSA")")
	expect_eq "$T: namespaces: 2 drops in A with A's netns" "$n/$(grep -c . "$TMP/ns.out")" 2/2
	expect_eq "$T: --netns A keeps them" "$(grep -c . "$TMP/ns-a.out")" 2
	expect_eq "$T: --netns B shows none" "$(grep -c . "$TMP/ns-b-no.out")" 0
fi
veth_cleanup
fi

leak_check $T
