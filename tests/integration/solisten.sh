#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# solisten against tests/triggers/tcpsess listen: a listen() with a known
# backlog (and one above net.core.somaxconn, which caps the limit), then a
# listen() on a connected socket, which fails with EINVAL.
. "$(dirname "$0")/../lib.sh"
. tests/netlib.sh
T=solisten
S=$TRIG/tcpsess

expect_exit "$T: --ports 65536 is a usage error" 64 "$BIN/$T" --ports 65536

SOMAXCONN=$(cat /proc/sys/net/core/somaxconn)

# listens FILE TRIG ADDR BACKLOG LIMIT: "ok failed" records, exact.
listens() {
	local pid lp cp
	pid=$(trig_value "$2" pid) lp=$(trig_value "$2" listen) cp=$(trig_value "$2" cport)
	echo "$(count_json "$1" '.pid == $pid and .comm == "tcpsess" and .addr == $a and .port == $lp and .protocol == "TCP"
		and .backlog == $b and .max_backlog == $l and .ret == 0 and .error == null and .netns > 0' \
		--argjson pid "$pid" --arg a "$3" --argjson lp "$lp" --argjson b "$4" --argjson l "$5")/$(count_json "$1" \
		'.pid == $pid and .addr == $a and .port == $cp and .backlog == $b and .ret == -22 and .error == "EINVAL"' \
		--argjson pid "$pid" --arg a "$3" --argjson cp "$cp" --argjson b "$4")"
}

# One run on the tracepoint (tests/integration/load.sh runs every path).
for path in tracepoint; do
	P=$((20000 + RANDOM % 20000))
	tool_bg "j-$path" $T -j --force-path=$path --ports $P,$((P + 1))
	tools_ready "j-$path" || continue
	"$S" -b 37 listen 127.0.0.1 $P >"$TMP/l4-$path.trig"
	"$S" -b $((SOMAXCONN + 100)) listen ::1 $((P + 1)) >"$TMP/l6-$path.trig"
	tools_stop TERM "j-$path"
	out=$TMP/j-$path.out
	# The fentry and kprobe paths see the backlog after listen() capped it.
	asked=$((SOMAXCONN + 100))
	[ "$path" = tracepoint ] || asked=$SOMAXCONN
	got="$(listens "$out" "l4-$path" 127.0.0.1 37 37) $(listens "$out" "l6-$path" ::1 "$asked" "$SOMAXCONN")"
	if [ "$got" = "1/1 1/1" ] && [ "$(grep -c . "$out")" = 4 ] && [ "${BGRC[j-$path]}" = 0 ] && json_valid "$out"; then
		pass "$T: $path: listens with their backlog and limit, and EINVAL, exact"
	else
		fail "$T: $path: listens with their backlog and limit, and EINVAL" "$got, exit ${BGRC[j-$path]}: $(cat "$out" "$TMP/j-$path.err")"
	fi
done

if on_host; then
	P=$((20000 + RANDOM % 20000))
	trig_start l "$S" -w -b 21 listen 127.0.0.1 $P
	LPID=$(trig_value l pid)
	tool_bg cols $T -T -U --ports $P
	tool_bg failed $T -j -x
	tool_bg pid $T -j -p "$LPID"
	tool_bg ports-no $T -j --ports $((P + 2))
	tool_bg v4 $T -j -4 --ports $P
	tool_bg v6-no $T -j -6 --ports $P
	tool_bg netns $T -j --netns /proc/self/ns/net --ports $P
	tool_bg netns-no $T -j --netns 1 --ports $P
	names="cols failed pid ports-no v4 v6-no netns netns-no"
	tools_ready $names
	trig_go
	tools_stop TERM $names
	n=$(awk -v pid="$LPID" -v p=$P '$1 ~ /^[0-9][0-9]:[0-9][0-9]:[0-9][0-9]$/ && $2 == 0 && $3 == pid && $4 == "tcpsess" &&
		$5 == 0 && $6 == "TCP" && $7 == 21 && $8 == 21 && $9 == p && $10 == "127.0.0.1"' "$TMP/cols.out" | wc -l)
	expect_eq "$T: columns: the listen with its backlog and limit, -T -U" "$n" 1
	expect_eq "$T: -x: the failed listen only (no --ports: the process filter is enough)" \
		"$(count_json "$TMP/failed.out" '.pid == $p' --argjson p "$LPID")" 1
	expect_eq "$T: -x: it is the EINVAL" "$(listens "$TMP/failed.out" l 127.0.0.1 21 21)" 0/1
	expect_eq "$T: -p keeps both (its other ports too)" "$(listens "$TMP/pid.out" l 127.0.0.1 21 21)/$(grep -c . "$TMP/pid.out")" 1/1/2
	for f in v4 netns; do
		expect_eq "$T: matching filter ($f) keeps both (the connected socket has the port as its remote one)" "$(listens "$TMP/$f.out" l 127.0.0.1 21 21)" 1/1
	done
	for f in ports-no v6-no netns-no; do
		expect_eq "$T: non-matching filter (${f%-no}) shows nothing" "$(grep -c . "$TMP/$f.out")" 0
	done
	expect_eq "$T: SIGTERM exits 0" "${BGRC[cols]}" 0
fi

leak_check $T
