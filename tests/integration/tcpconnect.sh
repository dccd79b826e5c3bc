#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# tcpconnect against tests/triggers/connector: exact connects on loopback (IPv4
# and IPv6) and between two network namespaces joined by a veth pair. The
# checks every tool gets (usage errors, filters, signals, each attach path)
# come from its row in tests/tools.table.
. "$(dirname "$0")/../lib.sh"
T=tcpconnect

expect_exit "$T: --ports 0 is a usage error" 64 "$BIN/$T" --ports 0
expect_exit "$T: --ports 65536 is a usage error" 64 "$BIN/$T" --ports 65536
expect_exit "$T: --ports 80,,443 is a usage error" 64 "$BIN/$T" --ports 80,,443
expect_exit "$T: --ports 80x is a usage error" 64 "$BIN/$T" --ports 80x
expect_exit "$T: -c with -T is a usage error" 64 "$BIN/$T" -c -T

# Ports of our own, so that other people's connects never match.
P1=$((20000 + RANDOM % 20000))
P2=$((P1 + 1))
C=$TRIG/connector

# loopback NAME TOOL-ARGS...: 7 IPv4, 5 IPv6 and 2 v4-mapped IPv6 connects to
# P1 and 3 IPv4 connects to P2 under the tool, then SIGTERM. Sets PID4, PID6
# and PIDM.
loopback() {
	local name=$1; shift
	start_tool "$name" $T "$@" || { fail "$T: $name: did not attach" "$(tail -3 "$TMP/$name.err")"; return 1; }
	PID4=$("$C" -s -n 7 127.0.0.1 $P1 | head -1)
	PID6=$("$C" -s -n 5 ::1 $P1 | head -1)
	PIDM=$("$C" -s -n 2 ::ffff:127.0.0.1 $P1 | head -1)
	"$C" -s -n 3 127.0.0.1 $P2 >/dev/null
	stop_tool TERM
	[ "$TOOL_RC" = 0 ] || fail "$T: $name: SIGTERM exit status" "$TOOL_RC"
}

# rows FILE PID IP SADDR DADDR PORT: column lines that match exactly.
rows() {
	awk -v pid="$2" -v ip="$3" -v s="$4" -v d="$5" -v p="$6" \
		'$1 == pid && $2 == "connector" && $3 == ip && $4 == s && $5 == d && $6 == p' "$1" | wc -l
}

# Columns, on the path this kernel takes.
loopback cols --ports $P1
out=$TMP/cols.out
n=$(rows "$out" "$PID4" 4 127.0.0.1 127.0.0.1 $P1)
expect_eq "$T: $ATTACH_PATH: 7 IPv4 connects" "$n" 7
n=$(rows "$out" "$PID6" 6 ::1 ::1 $P1)
expect_eq "$T: $ATTACH_PATH: 5 IPv6 connects" "$n" 5
# tcp_v6_connect hands v4-mapped addresses to tcp_v4_connect: seen once.
n=$(rows "$out" "$PIDM" 6 ::ffff:127.0.0.1 ::ffff:127.0.0.1 $P1)
expect_eq "$T: $ATTACH_PATH: 2 v4-mapped IPv6 connects, each once" "$n" 2
n=$(grep -vc '^PID' "$out")
expect_eq "$T: --ports filtered in the kernel" "$n" 14

# JSON, checked with jq; --ports with two ports.
loopback json -j --ports $P2,$P1
if json_valid "$TMP/json.out"; then pass "$T: -j output is valid JSON"; else fail "$T: -j output is valid JSON" "$(head -2 "$TMP/json.out")"; fi
n=$(jq -c --argjson pid "$PID4" --argjson p $P1 'select(.pid == $pid and .tid == $pid and .uid == 0 and
	.comm == "connector" and .ip == 4 and .saddr == "127.0.0.1" and .daddr == "127.0.0.1" and .dport == $p)' \
	"$TMP/json.out" | wc -l)
expect_eq "$T: -j has 7 exact IPv4 records" "$n" 7
n=$(jq -c --argjson pid "$PID6" --argjson p $P1 'select(.pid == $pid and .ip == 6 and
	.saddr == "::1" and .daddr == "::1" and .dport == $p)' "$TMP/json.out" | wc -l)
expect_eq "$T: -j has 5 exact IPv6 records" "$n" 5
n=$(jq -c --argjson p $P2 'select(.dport == $p and .saddr == "127.0.0.1")' "$TMP/json.out" | wc -l)
expect_eq "$T: -j --ports with two ports has the 3 connects to the second" "$n" 3

# --ports P2 only.
loopback ports --ports $P2
n=$(grep -c " $P2\$" "$TMP/ports.out"); m=$(grep -c " $P1\$" "$TMP/ports.out")
expect_eq "$T: --ports $P2 shows its 3 connects only" "$n/$m" "3/0"

# -c: a table at SIGTERM.
loopback count -c --ports $P1,$P2
got=$(awk 'NR > 1 { print $1, $2, $3, $4, $5 }' "$TMP/count.out" | sort | tr '\n' ';')
want=$(printf '4 127.0.0.1 127.0.0.1 %s 3\n4 127.0.0.1 127.0.0.1 %s 7\n6 ::1 ::1 %s 5\n6 ::ffff:127.0.0.1 ::ffff:127.0.0.1 %s 2\n' \
	$P2 $P1 $P1 $P1 | sort | tr '\n' ';')
expect_eq "$T: -c counts per address and port at SIGTERM" "$got" "$want"
expect_eq "$T: -c sorts by count" "$(awk 'NR == 2 { print $5 }' "$TMP/count.out")" 7
loopback countj -c -j --ports $P1
got=$(jq -r 'select(.connects) | "\(.ip) \(.saddr) \(.daddr) \(.dport) \(.connects)"' "$TMP/countj.out" | sort | tr '\n' ';')
want=$(printf '4 127.0.0.1 127.0.0.1 %s 7\n6 ::1 ::1 %s 5\n6 ::ffff:127.0.0.1 ::ffff:127.0.0.1 %s 2\n' \
	$P1 $P1 $P1 | sort | tr '\n' ';')
expect_eq "$T: -c -j gives the counts as JSON" "$got" "$want"

# -c with more rows than the table holds: what did not fit is counted and said.
cp "$C" "$TMP/bkmanyconn"
start_tool many $T -c --max-rows 100 -n bkmanyconn
"$TMP/bkmanyconn" -P 150 127.0.0.1 42000 >/dev/null
stop_tool TERM
expect_eq "$T: -c --max-rows 100: 100 rows and a footer for the 50 connects that did not fit" \
	"$(grep -c ' 4200[0-9]\| 420[1-9][0-9]\| 421[0-4][0-9]' "$TMP/many.out") $(tail -1 "$TMP/many.out")" \
	"100 # 50 more connects not counted: the table of 100 rows was full (--max-rows)"
grep -q '50 connects were not counted' "$TMP/many.err" || fail "$T: -c says on stderr that 50 were not counted" "$(cat "$TMP/many.err")"
start_tool manyj $T -c -j --max-rows 100 -n bkmanyconn
"$TMP/bkmanyconn" -P 150 127.0.0.1 42000 >/dev/null
stop_tool TERM
expect_eq "$T: -c -j ends with the rows and the connects not counted" \
	"$(jq -s -c '[(map(select(.connects)) | length), .[-1]]' "$TMP/manyj.out")" '[100,{"rows":100,"max_rows":100,"not_counted":50}]'
expect_exit "$T: --max-rows without -c is a usage error" 64 "$BIN/$T" --max-rows 5

# -T and -U add the TIME and UID columns.
cp "$C" "$TMP/othername"
start_tool comm $T -n othername -T -U --ports $P1
"$TMP/othername" -s -n 3 127.0.0.1 $P1 >/dev/null
stop_tool TERM
n=$(awk -v p=$P1 '$1 ~ /^[0-9][0-9]:[0-9][0-9]:[0-9][0-9]$/ && $2 == 0 && $4 == "othername" && $8 == p' "$TMP/comm.out" | wc -l)
expect_eq "$T: -T and -U add the time and UID columns" "$n" 3

# Two network namespaces joined by a veth pair: a listener in one, connects
# from the other, seen with the exact addresses.
NSA=bk-tcpc-a-$$ NSB=bk-tcpc-b-$$
ns_cleanup() {
	ip netns del "$NSA" 2>/dev/null
	ip netns del "$NSB" 2>/dev/null
}
# Tear the namespaces down on any exit, then lib.sh's own clean-up.
lib_trap=$(trap -p EXIT)
eval "trap -- 'ns_cleanup; '${lib_trap#trap -- }"
netns_ok=1
if ! { ip netns add "$NSA" && ip netns add "$NSB"; } 2>"$TMP/ns.err"; then
	netns_ok=0; skip "$T: namespaces" "cannot create network namespaces: $(head -1 "$TMP/ns.err")"
elif ! ip link add bktc$$a netns "$NSA" type veth peer name bktc$$b netns "$NSB" 2>"$TMP/ns.err"; then
	netns_ok=0; skip "$T: namespaces" "no veth pair (module veth missing?): $(head -1 "$TMP/ns.err")"
else
	ip -n "$NSA" addr add 10.200.0.1/24 dev bktc$$a && ip -n "$NSA" link set bktc$$a up &&
	ip -n "$NSB" addr add 10.200.0.2/24 dev bktc$$b && ip -n "$NSB" link set bktc$$b up &&
	ip -n "$NSA" link set lo up && ip -n "$NSB" link set lo up ||
		{ netns_ok=0; fail "$T: namespaces" "cannot configure the veth pair"; }
fi
# netns NAME TOOL-ARGS...: 6 connects from $NSB to a listener in $NSA. Sets NSPID.
netns() {
	local name=$1 i lpid; shift
	ip netns exec "$NSA" "$C" -l -n 6 10.200.0.1 $P1 >"$TMP/$name.listener" &
	lpid=$!
	for i in $(seq 1 100); do grep -q ready "$TMP/$name.listener" && break; sleep 0.1; done
	start_tool "$name" $T --ports $P1 "$@" || { fail "$T: $name: did not attach" "$(tail -3 "$TMP/$name.err")"; return 1; }
	NSPID=$(ip netns exec "$NSB" "$C" -n 6 10.200.0.1 $P1 | head -1)
	wait $lpid
	stop_tool TERM
}
if [ $netns_ok = 1 ]; then
	netns nscols
	n=$(rows "$TMP/nscols.out" "$NSPID" 4 10.200.0.2 10.200.0.1 $P1)
	expect_eq "$T: 6 connects between namespaces with exact addresses" "$n" 6
	netns nsjson -j
	n=$(jq -c --argjson pid "$NSPID" --argjson p $P1 'select(.pid == $pid and .ip == 4 and
		.saddr == "10.200.0.2" and .daddr == "10.200.0.1" and .dport == $p)' "$TMP/nsjson.out" | wc -l)
	expect_eq "$T: -j: 6 connects between namespaces with exact addresses" "$n" 6
fi
ns_cleanup

no_leaks "$T: no BPF program or link is left behind"
