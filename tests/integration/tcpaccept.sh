#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# tcpaccept against tests/triggers/tcpsess: a server that accepts exactly 7
# connections from a client process, over loopback (IPv4, IPv6, v4-mapped)
# and between two network namespaces; several tool instances with different
# filters watch the same trigger run.
. "$(dirname "$0")/../lib.sh"
. tests/netlib.sh
T=tcpaccept
S=$TRIG/tcpsess

expect_exit "$T: --lports 0 is a usage error" 64 "$BIN/$T" --lports 0
expect_exit "$T: --rports 65536 is a usage error" 64 "$BIN/$T" --rports 65536
expect_exit "$T: --ports 80,,443 is a usage error" 64 "$BIN/$T" --ports 80,,443
expect_exit "$T: -4 with -6 is a usage error" 64 "$BIN/$T" -4 -6
expect_exit "$T: --netns abc is a usage error" 64 "$BIN/$T" --netns abc
expect_exit "$T: --netns of a plain file is a usage error" 64 "$BIN/$T" --netns /etc/hostname

# accepts FILE PID IP LADDR LPORT RADDR CPORTS: column lines of exactly that
# accept, one per client port in CPORTS.
accepts() {
	local p n=0
	for p in $7; do
		n=$((n + $(awk -v pid="$2" -v ip="$3" -v l="$4" -v lp="$5" -v r="$6" -v rp="$p" \
			'$1 == pid && $2 == "tcpsess" && $3 == ip && $4 == r && $5 == rp && $6 == l && $7 == lp' "$1" | wc -l)))
	done
	echo $n
}

# jaccepts FILE PID IP LADDR LPORT RADDR CPORTS: the same in JSON.
jaccepts() {
	jq -c --argjson pid "$2" --argjson ip "$3" --arg l "$4" --argjson lp "$5" --arg r "$6" \
		--arg cp " $7 " 'select(.pid == $pid and .tid == $pid and .uid == 0 and .comm == "tcpsess"
		and .ip == $ip and .laddr == $l and .lport == $lp and .raddr == $r
		and .netns > 0 and (" \(.rport) " as $r | $cp | contains($r)))' "$1" 2>/dev/null | wc -l
}

# serve NAME ADDR TOOLS...: a tcpsess server on ADDR accepting 7 connections
# while the tool instances NAME-x (given as "x:ARGS" words... see callers) run.
# Sets SPID (the server), LPORT, CPORTS.
run_trigger() {
	local name=$1 addr=$2
	trig_start "$name" "$S" -w -n 7 accept "$addr" 0
	SPID=$(trig_value "$name" pid)
	LPORT=$(trig_value "$name" listen)
}
finish_trigger() {
	trig_go
	CPORTS=$(trig_values "$1" cport)
	[ "$TRIG_RC" = 0 ] || fail "$T: $1: trigger failed" "$(cat "$TMP/$1.trigerr")"
}

if on_host; then
# One IPv4 run watched by columns and by each filter letter, matching and not.
run_trigger v4 127.0.0.1
other=$((LPORT == 65535 ? 65534 : LPORT + 1))
cp "$S" "$TMP/othername"
tool_bg cols $T -T -U --lports "$LPORT"
tool_bg lports-no $T -j --lports "$other"
tool_bg rports-no $T -j --rports "$LPORT"
tool_bg v4 $T -j -4 --lports "$LPORT"
tool_bg v6-no $T -j -6 --lports "$LPORT"
tool_bg netns $T -j --netns /proc/self/ns/net --lports "$LPORT"
tool_bg netns-no $T -j --netns 1 --lports "$LPORT"
all="cols lports-no rports-no v4 v6-no netns netns-no"
tools_ready $all
finish_trigger v4
tools_stop TERM $all
n=$(awk -v pid="$SPID" -v lp="$LPORT" '$1 ~ /^[0-9][0-9]:[0-9][0-9]:[0-9][0-9]$/ && $2 == 0 && $3 == pid' "$TMP/cols.out" | wc -l)
expect_eq "$T: -T -U add TIME and UID columns" "$n" 7
sed -E 's/^[0-9:]{8} +[0-9]+ +//' "$TMP/cols.out" >"$TMP/cols.trim"
expect_eq "$T: columns show 7 exact accepts by the server" \
	"$(accepts "$TMP/cols.trim" "$SPID" 4 127.0.0.1 "$LPORT" 127.0.0.1 "$CPORTS")" 7
for f in v4 netns; do
	expect_eq "$T: matching filter ($f) keeps the 7 accepts" \
		"$(jaccepts "$TMP/$f.out" "$SPID" 4 127.0.0.1 "$LPORT" 127.0.0.1 "$CPORTS")" 7
done
for f in lports-no rports-no v6-no netns-no; do
	expect_eq "$T: non-matching filter (${f%-no}) shows nothing" "$(grep -c . "$TMP/$f.out")" 0
done
expect_eq "$T: SIGTERM exits 0" "${BGRC[cols]}" 0
ino=$(stat -L -c %i /proc/self/ns/net)
expect_eq "$T: JSON netns is this namespace's inode" \
	"$(jq -r .netns "$TMP/v4.out" | sort -u)" "$ino"

# IPv6 and v4-mapped: -6 keeps both, -4 neither.
for addr in ::1 ::ffff:127.0.0.1; do
	run_trigger "v6-$addr" "$addr"
	tool_bg "six-$addr" $T -j -6 --lports "$LPORT"
	tool_bg "four-$addr" $T -j -4 --lports "$LPORT"
	tools_ready "six-$addr" "four-$addr"
	finish_trigger "v6-$addr"
	tools_stop TERM "six-$addr" "four-$addr"
	expect_eq "$T: IPv6 $addr: 7 exact accepts with -6" \
		"$(jaccepts "$TMP/six-$addr.out" "$SPID" 6 "$addr" "$LPORT" "$addr" "$CPORTS")" 7
	expect_eq "$T: IPv6 $addr: nothing with -4" "$(grep -c . "$TMP/four-$addr.out")" 0
done

# Between namespaces: the server in A, the clients in B; --netns picks A.
veth_pair tcpa
if [ "$NETNS_OK" = 1 ]; then
	ip netns exec "$NSA" "$S" -n 7 serve 10.201.0.1 0 >"$TMP/ns.trig" 2>&1 &
	spid=$!
	LPORT=$(trig_value ns listen)
	SPID=$(trig_value ns pid)
	tool_bg ns $T -j --lports "$LPORT"
	tool_bg ns-a $T -j --netns "/run/netns/$NSA" --lports "$LPORT"
	tool_bg ns-b $T -j --netns "$(ns_inode "$NSB")" --lports "$LPORT"
	tools_ready ns ns-a ns-b
	ip netns exec "$NSB" "$S" -n 7 client 10.201.0.1 "$LPORT" >"$TMP/nsc.trig"
	wait $spid
	tools_stop TERM ns ns-a ns-b
	CPORTS=$(trig_values nsc cport)
	n=$(jaccepts "$TMP/ns.out" "$SPID" 4 10.201.0.1 "$LPORT" 10.201.0.2 "$CPORTS")
	expect_eq "$T: 7 exact accepts between namespaces" "$n" 7
	expect_eq "$T: their netns is the server's namespace" \
		"$(jq -r .netns "$TMP/ns.out" | sort -u)" "$(ns_inode "$NSA")"
	expect_eq "$T: --netns of the server's namespace keeps them" "$(grep -c . "$TMP/ns-a.out")" 7
	expect_eq "$T: --netns of the client's namespace shows none" "$(grep -c . "$TMP/ns-b.out")" 0
fi
veth_cleanup
fi

leak_check $T
