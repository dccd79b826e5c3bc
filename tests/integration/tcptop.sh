#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# tcptop against tests/triggers/tcpbytes: the exact bytes of one loopback
# connection, seen from both ends, in columns and JSON. The checks every tool
# gets (usage errors, filters, signals, each attach path) come from its row
# in tests/tools.table.
. "$(dirname "$0")/../lib.sh"
T=tcptop

expect_exit "$T: -r 0 is a usage error" 64 "$BIN/$T" -r 0
expect_exit "$T: -r 5x is a usage error" 64 "$BIN/$T" -r 5x
expect_exit "$T: -S bytes is a usage error" 64 "$BIN/$T" -S bytes
expect_exit "$T: an interval of 0 is a usage error" 64 "$BIN/$T" 0
expect_exit "$T: a count of 0 is a usage error" 64 "$BIN/$T" 1 0
expect_exit "$T: a third argument is a usage error" 64 "$BIN/$T" 1 2 3

# The client sends S and receives R bytes; the server the other way round.
S=300000 R=70000
SKB=$((S / 1024)) RKB=$((R / 1024))

# run_case NAME TCPBYTES-ARGS -- TOOL-ARGS...: one tcpbytes run inside one long
# interval, then SIGTERM, which prints that interval. Sets TPID, CPORT, SPORT.
run_case() {
	local name=$1 targs=$2; shift 3
	start_tool "$name" $T -C -n tcpbytes "$@" 30 || { fail "$T: $name: did not attach" "$(tail -3 "$TMP/$name.err")"; return 1; }
	"$TRIG/tcpbytes" $targs $S $R >"$TMP/$name.trig"
	TPID=$(sed -n 1p "$TMP/$name.trig")
	read -r CPORT SPORT < <(sed -n 2p "$TMP/$name.trig")
	stop_tool TERM
	[ "$TOOL_RC" = 0 ] || fail "$T: $name: SIGTERM exit status" "$TOOL_RC"
}

# sums FILE ADDR LPORT RPORT: "rx_bytes tx_bytes rx_kb tx_kb" of that end of
# the connection, summed over the refreshes (JSON).
sums() {
	jq -s -r --argjson pid "$TPID" --arg a "$2" --argjson l "$3" --argjson r "$4" \
		'[.[] | select(.pid == $pid and .comm == "tcpbytes" and .laddr == $a and .raddr == $a
			and .lport == $l and .rport == $r)]
		 | "\(map(.rx_bytes) | add) \(map(.tx_bytes) | add) \(map(.rx_kb) | add) \(map(.tx_kb) | add)"' "$1"
}

# JSON, on the path this kernel takes: both ends, bytes and KB.
run_case json "" -- -j
out=$TMP/json.out
expect_eq "$T: $ATTACH_PATH: the client end in JSON" "$(sums "$out" 127.0.0.1 "$CPORT" "$SPORT")" "$R $S $RKB $SKB"
expect_eq "$T: $ATTACH_PATH: the server end in JSON" "$(sums "$out" 127.0.0.1 "$SPORT" "$CPORT")" "$S $R $SKB $RKB"
json_valid "$out" && pass "$T: -j output is valid JSON" || fail "$T: -j output is valid JSON" "$(head -2 "$out")"

# Kernels older than 5.6 have no batch lookup-and-delete, older than 5.14 no
# lookup-and-delete of one hash entry: tcptop must still see every byte.
for denied in "lookup_and_delete_batch" "lookup_and_delete_batch lookup_and_delete_elem"; do
	name=old-$(echo $denied | wc -w)
	args=; for d in $denied; do args="$args -n $d"; done
	"$TRIG/oldbpf" $args -- "$BIN/$T" -v -C -j -n tcpbytes 30 >"$TMP/$name.out" 2>"$TMP/$name.err" &
	opid=$!
	for i in $(seq 1 100); do grep -q 'attached via' "$TMP/$name.err" && break; sleep 0.1; done
	"$TRIG/tcpbytes" $S $R >"$TMP/$name.trig"
	TPID=$(sed -n 1p "$TMP/$name.trig")
	read -r CPORT SPORT < <(sed -n 2p "$TMP/$name.trig")
	kill -TERM $opid; wait $opid
	expect_eq "$T: without bpf $denied: exact bytes of the client end" \
		"$(sums "$TMP/$name.out" 127.0.0.1 "$CPORT" "$SPORT")" "$R $S $RKB $SKB"
done

# Columns: KB of both ends, IPv4.
run_case cols "" --
row() {
	awk -v pid="$TPID" -v l="$2" -v r="$3" -v rx="$4" -v tx="$5" \
		'$1 == pid && $2 == "tcpbytes" && $3 == l && $4 == r && $5 == rx && $6 == tx' "$1" | wc -l
}
n=$(row "$TMP/cols.out" 127.0.0.1:$CPORT 127.0.0.1:$SPORT $RKB $SKB)
m=$(row "$TMP/cols.out" 127.0.0.1:$SPORT 127.0.0.1:$CPORT $SKB $RKB)
expect_eq "$T: columns show the exact KB of both ends" "$n/$m" "1/1"
expect_eq "$T: the refresh at SIGTERM says 2 connections" \
	"$(grep -c '^[0-9:]*  2 connections$' "$TMP/cols.out")" 1

# IPv6, columns and JSON.
run_case cols6 -6 --
n=$(row "$TMP/cols6.out" "[::1]:$CPORT" "[::1]:$SPORT" $RKB $SKB)
m=$(row "$TMP/cols6.out" "[::1]:$SPORT" "[::1]:$CPORT" $SKB $RKB)
expect_eq "$T: IPv6: columns show the exact KB of both ends" "$n/$m" "1/1"
run_case json6 -6 -- -j
expect_eq "$T: IPv6: JSON has the exact bytes of the client end" \
	"$(sums "$TMP/json6.out" ::1 "$CPORT" "$SPORT")" "$R $S $RKB $SKB"
expect_eq "$T: IPv6: JSON says ip 6" "$(jq -s -r --argjson pid "$TPID" '[.[] | select(.pid == $pid) | .ip] | unique | join(",")' "$TMP/json6.out")" 6

# -S and -r: the server end receives most, the client end sends most.
first() { awk '$1 == "PID" { getline; print $3; exit }' "$1"; }
run_case rx "" -- -S rx
expect_eq "$T: -S rx puts the receiving end first" "$(first "$TMP/rx.out")" "127.0.0.1:$SPORT"
run_case tx "" -- -S tx
expect_eq "$T: -S tx puts the sending end first" "$(first "$TMP/tx.out")" "127.0.0.1:$CPORT"
run_case rows "" -- -r 1
expect_eq "$T: -r 1 shows one of the 2 connection ends" "$(grep -c ' tcpbytes ' "$TMP/rows.out")" 1

# [interval [count]]: three refreshes, then exit 0 by itself.
start=$(date +%s%N)
"$BIN/$T" -C -n tcpbytes 0.3 3 >"$TMP/count.out" 2>&1; rc=$?
el=$(( ($(date +%s%N) - start) / 1000000 ))
n=$(grep -c '^PID' "$TMP/count.out")
if [ $rc = 0 ] && [ "$n" = 3 ] && [ $el -lt 10000 ]; then pass "$T: 0.3 3 refreshes three times and exits 0"
else fail "$T: 0.3 3 refreshes three times and exits 0" "rc=$rc, $n refreshes, ${el}ms"; fi

# -d: ends by itself after that long, with the refresh under way.
start=$(date +%s%N)
"$BIN/$T" -C -d 1.5 -n tcpbytes 1 >"$TMP/dur.out" 2>&1; rc=$?
el=$(( ($(date +%s%N) - start) / 1000000 ))
n=$(grep -c '^PID' "$TMP/dur.out")
if [ $rc = 0 ] && [ "$n" = 2 ] && [ $el -ge 1500 ] && [ $el -lt 6000 ]; then pass "$T: -d 1.5 with 1 s refreshes ends after 1.5 s with 2 refreshes"
else fail "$T: -d 1.5 with 1 s refreshes ends after 1.5 s with 2 refreshes" "rc=$rc, $n refreshes, ${el}ms"; fi

no_leaks "$T: no BPF program or link is left behind"
