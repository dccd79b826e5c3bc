#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# bindsnoop against tests/triggers/tcpsess bind: a TCP (or UDP) socket binds a
# port, a second socket binds the same and fails with EADDRINUSE; the first
# with SO_REUSEADDR, SO_REUSEPORT and IP_FREEBIND set.
. "$(dirname "$0")/../lib.sh"
. tests/netlib.sh
T=bindsnoop
S=$TRIG/tcpsess

expect_exit "$T: --ports 0 is a usage error" 64 "$BIN/$T" --ports 0
expect_exit "$T: --lports is not an option" 64 "$BIN/$T" --lports 1

# binds FILE PID ADDR PORT PROTO OPTS: "ok failed" records, exact.
binds() {
	local q='.pid == $pid and .tid == $pid and .comm == "tcpsess" and .addr == $a and .port == $p
		and .protocol == $proto and .netns > 0 and .ifindex == 0'
	echo "$(count_json "$1" "$q and .ret == 0 and .error == null and .opts == $6" --argjson pid "$2" \
		--arg a "$3" --argjson p "$4" --arg proto "$5")/$(count_json "$1" "$q and .ret == -98 and
		.error == \"EADDRINUSE\" and .opts.reuseaddr == false" --argjson pid "$2" --arg a "$3" --argjson p "$4" --arg proto "$5")"
}
OPTS_ON='{"freebind":true,"transparent":false,"bind_address_no_port":false,"reuseaddr":true,"reuseport":true}'
OPTS_OFF='{"freebind":false,"transparent":false,"bind_address_no_port":false,"reuseaddr":false,"reuseport":false}'

# One run on the tracepoint (tests/integration/load.sh runs every path).
for path in tracepoint; do
	P=$((20000 + RANDOM % 20000))
	tool_bg "j-$path" $T -j --force-path=$path --ports $P
	tools_ready "j-$path" || continue
	"$S" -o bind 127.0.0.1 $P >"$TMP/b4-$path.trig"
	"$S" -u bind ::1 $P >"$TMP/b6-$path.trig"
	tools_stop TERM "j-$path"
	out=$TMP/j-$path.out
	got="$(binds "$out" "$(trig_value "b4-$path" pid)" 127.0.0.1 $P TCP "$OPTS_ON") $(binds "$out" "$(trig_value "b6-$path" pid)" ::1 $P UDP "$OPTS_OFF")"
	if [ "$got" = "1/1 1/1" ] && [ "$(grep -c . "$out")" = 4 ] && [ "${BGRC[j-$path]}" = 0 ] && json_valid "$out"; then
		pass "$T: $path: TCP and UDP binds, their options and EADDRINUSE, exact"
	else
		fail "$T: $path: TCP and UDP binds and EADDRINUSE" "$got: $(cat "$out")"
	fi
done

if on_host; then
	P=$((20000 + RANDOM % 20000))
	trig_start b "$S" -w -o bind 127.0.0.1 $P
	BPID=$(trig_value b pid)
	tool_bg cols $T -T -U --ports $P
	tool_bg failed $T -j -x --ports $P
	tool_bg ports-no $T -j --ports $((P + 1))
	tool_bg v4 $T -j -4 --ports $P
	tool_bg v6-no $T -j -6 --ports $P
	tool_bg netns $T -j --netns /proc/self/ns/net --ports $P
	tool_bg netns-no $T -j --netns 1 --ports $P
	names="cols failed ports-no v4 v6-no netns netns-no"
	tools_ready $names
	trig_go
	tools_stop TERM $names
	row() {
		awk -v pid="$BPID" -v p=$P -v r="$1" -v o="$2" '$1 ~ /^[0-9][0-9]:[0-9][0-9]:[0-9][0-9]$/ && $2 == 0 && $3 == pid &&
			$4 == "tcpsess" && $5 == r && $6 == "TCP" && $7 == o && $8 == 0 && $9 == p && $10 == "127.0.0.1"' "$TMP/cols.out" | wc -l
	}
	expect_eq "$T: columns: the bind and the EADDRINUSE with their OPTS, -T -U" "$(row 0 F..Rr)/$(row EADDRINUSE .....)" 1/1
	expect_eq "$T: -x: the failed bind only" "$(binds "$TMP/failed.out" "$BPID" 127.0.0.1 $P TCP "$OPTS_ON")/$(grep -c . "$TMP/failed.out")" 0/1/1
	for f in v4 netns; do
		expect_eq "$T: matching filter ($f) keeps both binds" "$(binds "$TMP/$f.out" "$BPID" 127.0.0.1 $P TCP "$OPTS_ON")" 1/1
	done
	for f in ports-no v6-no netns-no; do
		expect_eq "$T: non-matching filter (${f%-no}) shows nothing" "$(grep -c . "$TMP/$f.out")" 0
	done
	expect_eq "$T: SIGTERM exits 0" "${BGRC[cols]}" 0

	# Binds inside another namespace show that namespace.
	veth_pair bind
	if [ "$NETNS_OK" = 1 ]; then
		tool_bg ns $T -j --ports $P
		tool_bg ns-a $T -j --netns "/run/netns/$NSA" --ports $P
		tools_ready ns ns-a
		ip netns exec "$NSA" "$S" bind 10.201.0.1 $P >"$TMP/bns.trig"
		tools_stop INT ns ns-a
		n=$(count_json "$TMP/ns.out" '.addr == "10.201.0.1" and .netns == $ns' --argjson ns "$(ns_inode "$NSA")")
		expect_eq "$T: namespaces: both binds with the namespace's inode" "$n/$(grep -c . "$TMP/ns-a.out")" 2/2
		expect_eq "$T: SIGINT exits 0" "${BGRC[ns]}" 0
	fi
	veth_cleanup
fi

leak_check $T
