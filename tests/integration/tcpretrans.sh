#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# tcpretrans: exactly one retransmitted SYN (tests/triggers/tcpsess slowconn:
# a full accept queue drops the first SYN of a connect), and retransmissions
# of a transfer between two namespaces whose receiving veth goes down for a
# second, none for a loopback transfer running at the same time.
. "$(dirname "$0")/../lib.sh"
. tests/netlib.sh
T=tcpretrans
S=$TRIG/tcpsess

expect_exit "$T: --ports 0 is a usage error" 64 "$BIN/$T" --ports 0
expect_exit "$T: -c with -T is a usage error" 64 "$BIN/$T" -c -T
expect_exit "$T: -p is not an option" 64 "$BIN/$T" -p 1

# slowconn NAME ADDR TOOLS...: the trigger under tool instances started with
# tool_bg; sets LPORT, FAST and SLOW (the two connects' local ports).
slowconn() {
	local name=$1 addr=$2; shift 2
	trig_start "$name" "$S" -w -D 300 slowconn "$addr" 0
	LPORT=$(trig_value "$name" listen)
}
slowconn_go() {
	local name=$1; shift
	tools_ready "$@"
	trig_go
	read -r FAST SLOW < <(trig_values "$name" cport)
	sleep 0.2
	tools_stop TERM "$@"
}
# syn FILE ADDR: records of the resent SYN, exact.
syn() {
	count_json "$1" '.ip == $ip and .laddr == $a and .lport == $s and .raddr == $a and .rport == $l
		and .state == "SYN_SENT" and .kind == "retrans" and .netns > 0' \
		--argjson s "$SLOW" --argjson l "$LPORT" --arg a "$2" --argjson ip "$([ "$2" = 127.0.0.1 ] && echo 4 || echo 6)"
}

# Tail-loss probes need fentry or kprobes: one sentence where there are none.
tlp_paths=
for path in fentry kprobe; do
	if "$BIN/$T" -l --force-path=$path -d 0.1 >/dev/null 2>"$TMP/probe.err"; then
		tlp_paths="$tlp_paths $path"
	elif grep -q 'not available on this kernel' "$TMP/probe.err"; then
		skip "$T: -l on the $path path" "$(cat "$TMP/probe.err")"
		matrix $T $path n/a
	else
		fail "$T: -l on the $path path" "$(cat "$TMP/probe.err")"
	fi
done
if [ -z "$tlp_paths" ]; then
	expect_exit "$T: -l without fentry or kprobes exits 1" 1 "$BIN/$T" -l
	grep -q 'tail-loss probes (-l) need fentry or a kprobe' "$TMP/exit.err" &&
		pass "$T: -l says what it needs" || fail "$T: -l says what it needs" "$(cat "$TMP/exit.err")"
fi

# A transfer from B to A while A's path back to B is cut for a second (a
# blackhole route in A): B's segments arrive but their ACKs are lost, so B
# sends them again when its retransmission timer fires. A loopback transfer
# at the same time (small and slow: on a machine loaded enough to hold a
# softirq back 200 ms, even loopback can time out) has none. (Taking A's veth down instead loses data only
# when some is in flight at that instant: while B's veth has no carrier the
# kernel refuses new segments locally and keeps them, which is no loss; the
# test failed that way one run in six.)
veth_pair tcpr
if [ "$NETNS_OK" = 1 ]; then
	P=$((20000 + RANDOM % 20000)) Q=$((P + 1))
	# In the VMs only the -l paths run: the tracepoint is the host's.
	names=
	if on_host; then
		tool_bg wire $T -j --ports $P,$Q
		tool_bg wire-b $T -j --netns "/run/netns/$NSB" --ports $P
		tool_bg wire-a-no $T -j --netns "/run/netns/$NSA" --ports $P
		names="wire wire-b wire-a-no"
	fi
	for path in $tlp_paths; do
		tool_bg "tlp-$path" $T -j -l --force-path=$path --ports $P
		names="$names tlp-$path"
	done
	tools_ready $names
	ip netns exec "$NSA" "$S" -n 1 -s 4000000 serve 10.201.0.1 $P >"$TMP/wsrv.trig" 2>&1 &
	wsrv=$!
	"$S" -n 1 -s 400000 serve 127.0.0.1 $Q >"$TMP/lsrv.trig" 2>&1 &
	lsrv=$!
	trig_value wsrv listen >/dev/null && trig_value lsrv listen >/dev/null
	# The client in B is started and held at its gate first: ip netns exec
	# can take a while on a loaded machine, and the ACK path must be cut
	# while the transfer runs.
	trig_start wcli ip netns exec "$NSB" "$S" -w -n 1 -s 4000000 -P 5 client 10.201.0.1 $P
	trig_value wcli pid >/dev/null
	"$S" -n 1 -s 400000 -P 40 client 127.0.0.1 $Q >"$TMP/lcli.trig" 2>&1 &
	lcli=$!
	echo go >&7
	exec 7>&-
	sleep 0.3
	ip -n "$NSA" route add blackhole 10.201.0.2/32
	sleep 1
	ip -n "$NSA" route del blackhole 10.201.0.2/32
	wait $TRIG_PID $lcli $wsrv $lsrv
	sleep 0.3
	tools_stop TERM $names
	cport=$(trig_value wcli cport)
	if on_host; then
		n=$(count_json "$TMP/wire.out" '.laddr == "10.201.0.2" and .lport == $c and .raddr == "10.201.0.1" and .rport == $p
			and .state == "ESTABLISHED" and .kind == "retrans" and .netns == $ns' --argjson c "$cport" --argjson p $P \
			--argjson ns "$(ns_inode "$NSB")")
		[ "$n" -ge 1 ] && pass "$T: ACKs lost: $n retransmissions of that flow" ||
			fail "$T: ACKs lost: retransmissions of that flow" "none: $(head -3 "$TMP/wire.out") $(cat "$TMP/wire.err" "$TMP/wcli.trig" "$TMP/wsrv.trig" | tr "\n" " ")"
		m=$(count_json "$TMP/wire.out" '.lport == $q or .rport == $q' --argjson q $Q)
		[ "$m" = 0 ] && pass "$T: ACKs lost: none for the loopback flow" ||
			fail "$T: ACKs lost: none for the loopback flow" "$m: $(grep -- "$Q" "$TMP/wire.out" | head -3)"
		expect_eq "$T: ACKs lost: all of them are that flow's" "$(grep -c . "$TMP/wire.out")" "$n"
		expect_eq "$T: --netns of the sender keeps them" "$(grep -c . "$TMP/wire-b.out")" "$n"
		expect_eq "$T: --netns of the receiver shows none" "$(grep -c . "$TMP/wire-a-no.out")" 0
	fi
	for path in $tlp_paths; do
		n=$(count_json "$TMP/tlp-$path.out" '.lport == $c and (.kind == "tlp" or .kind == "retrans")' --argjson c "$cport")
		if [ "$n" -ge 1 ]; then
			pass "$T: -l $path: $n probes or retransmissions of that flow"
			matrix $T $path pass
		else
			fail "$T: -l $path: probes or retransmissions of that flow" "$(head -3 "$TMP/tlp-$path.out")"
			matrix $T $path fail
		fi
	done
fi
veth_cleanup

# The rest does not depend on the kernel (the row's trigger proves the
# tracepoint in the VMs).
host_only

# IPv4: JSON, columns, -c and the filters on one run. --ports takes the
# listener's port, which both connects have as their remote port.
slowconn v4 127.0.0.1
other=$((LPORT == 65535 ? 65534 : LPORT + 1))
tool_bg json $T -j --ports "$LPORT"
tool_bg countj $T -c -j --ports "$LPORT"
names="json countj"
if on_host; then
	tool_bg cols $T -T --ports "$LPORT"
	tool_bg count $T -c --ports "$LPORT"
	tool_bg rports $T -j --rports "$LPORT"
	tool_bg lports-no $T -j --lports "$LPORT"
	tool_bg ports-no $T -j --ports "$other"
	tool_bg v4 $T -j -4 --ports "$LPORT"
	tool_bg v6-no $T -j -6 --ports "$LPORT"
	tool_bg netns $T -j --netns /proc/self/ns/net --ports "$LPORT"
	tool_bg netns-no $T -j --netns 1 --ports "$LPORT"
	names="$names cols count rports lports-no ports-no v4 v6-no netns netns-no"
fi
slowconn_go v4 $names
expect_eq "$T: tracepoint: the one resent SYN, exact, JSON" "$(syn "$TMP/json.out" 127.0.0.1)/$(grep -c . "$TMP/json.out")" 1/1
json_valid "$TMP/json.out" && pass "$T: -j output is valid JSON" || fail "$T: -j output is valid JSON" "$(cat "$TMP/json.out")"
got=$(jq -r '"\(.ip) \(.laddr) \(.lport) \(.rport) \(.kind) \(.count)"' "$TMP/countj.out")
expect_eq "$T: -c -j counts it as JSON" "$got" "4 127.0.0.1 $SLOW $LPORT retrans 1"
expect_eq "$T: SIGTERM exits 0" "${BGRC[json]}" 0
if on_host; then
n=$(awk -v s="127.0.0.1:$SLOW" -v l="127.0.0.1:$LPORT" '$1 ~ /^[0-9][0-9]:[0-9][0-9]:[0-9][0-9]$/ && $2 == 4 &&
	$3 == s && $4 == l && $5 == "SYN_SENT" && $6 == "retrans"' "$TMP/cols.out" | wc -l)
expect_eq "$T: columns: the resent SYN with -T" "$n/$(grep -vc '^TIME' "$TMP/cols.out")" 1/1
got=$(awk 'NR > 1 { print $1, $2, $3, $4, $5 }' "$TMP/count.out")
expect_eq "$T: -c counts it at SIGTERM" "$got" "4 127.0.0.1:$SLOW 127.0.0.1:$LPORT retrans 1"
expect_eq "$T: --rports keeps it" "$(syn "$TMP/rports.out" 127.0.0.1)" 1
for f in v4 netns; do
	expect_eq "$T: matching filter ($f) keeps it" "$(syn "$TMP/$f.out" 127.0.0.1)/$(grep -c . "$TMP/$f.out")" 1/1
done
for f in lports-no ports-no v6-no netns-no; do
	expect_eq "$T: non-matching filter (${f%-no}) shows nothing" "$(grep -c . "$TMP/$f.out")" 0
done

# IPv6: -6 keeps it, -4 does not.
slowconn v6 ::1
tool_bg six $T -j -6 --ports "$LPORT"
tool_bg four-no $T -j -4 --ports "$LPORT"
slowconn_go v6 six four-no
expect_eq "$T: IPv6: the resent SYN with -6" "$(syn "$TMP/six.out" ::1)/$(grep -c . "$TMP/six.out")" 1/1
expect_eq "$T: IPv6: nothing with -4" "$(grep -c . "$TMP/four-no.out")" 0
fi


leak_check $T
