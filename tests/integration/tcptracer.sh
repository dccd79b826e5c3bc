#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# tcptracer against tests/triggers/tcpsess: a server process accepting 3
# connections from a client process; per connection exactly a connect (the
# client), an accept (the server) and two closes, each end under its opener.
. "$(dirname "$0")/../lib.sh"
. tests/netlib.sh
T=tcptracer
S=$TRIG/tcpsess

expect_exit "$T: --lports 65536 is a usage error" 64 "$BIN/$T" --lports 65536

# seq FILE CPORT: "type:who" of that connection's records in order, who being
# s (the server) or c (the client).
seq_of() {
	jq -r --argjson s "$SPID" --argjson c "$CPID" --argjson cp "$2" --argjson lp "$LPORT" --arg a "$3" '
		select(.laddr == $a and .raddr == $a and ((.lport == $cp and .rport == $lp) or (.lport == $lp and .rport == $cp)))
		| "\(.type):\(if .pid == $s and .lport == $lp then "s" elif .pid == $c and .lport == $cp then "c" else "?" end)"' "$1" |
		tr '\n' ' ' | sed 's/ $//'
}
WANT="connect:c accept:s close:s close:c"

run() {
	trig_start "$1" "$S" -w -n 3 accept "$2" 0
	SPID=$(trig_value "$1" pid)
	LPORT=$(trig_value "$1" listen)
}
finish() {
	local name=$1; shift
	tools_ready "$@"
	trig_go
	CPID=$(trig_value "$name" client)
	CPORTS=$(trig_values "$name" cport)
	tools_stop TERM "$@"
}
# check NAME FILE ADDR: the 3 connections' exact sequences.
check() {
	local p ok=1
	for p in $CPORTS; do
		got=$(seq_of "$2" "$p" "$3")
		[ "$got" = "$WANT" ] || { ok=0; fail "$T: $1: connection from port $p" "got '$got', want '$WANT'"; }
	done
	[ "$(grep -c . "$2")" = 12 ] || { ok=0; fail "$T: $1: 12 records" "$(grep -c . "$2")"; }
	[ $ok = 1 ] && pass "$T: $1: 3 connections: connect, accept, close, close, each under its opener"
	return $((1 - ok))
}

# One run on the tracepoint (tests/integration/load.sh runs every path).
for path in tracepoint; do
	run "t-$path" 127.0.0.1
	tool_bg "j-$path" $T -j --force-path=$path --ports "$LPORT"
	finish "t-$path" "j-$path"
	check "$path" "$TMP/j-$path.out" 127.0.0.1
	expect_eq "$T: $path: valid JSON, exit 0 on SIGTERM" "$(json_valid "$TMP/j-$path.out" && echo ok)/${BGRC[j-$path]}" ok/0
done

if on_host; then
# One run: columns and the filters.
run v4 127.0.0.1
tool_bg cols $T -T -U --ports "$LPORT"
tool_bg pid $T -j -p "$SPID" --ports "$LPORT"
tool_bg lports $T -j --lports "$LPORT"
tool_bg rports $T -j --rports "$LPORT"
tool_bg v6-no $T -j -6 --ports "$LPORT"
tool_bg netns $T -j --netns /proc/self/ns/net --ports "$LPORT"
tool_bg netns-no $T -j --netns 1 --ports "$LPORT"
names="cols pid lports rports v6-no netns netns-no"
finish v4 $names
got=""
for p in $CPORTS; do
	got="$got$(awk -v s="$SPID" -v c="$CPID" -v p="$p" -v lp="$LPORT" '$1 ~ /^[0-9][0-9]:[0-9][0-9]:[0-9][0-9]$/ && $2 == 0 &&
		$6 == 4 && $7 == "127.0.0.1" && $8 == "127.0.0.1" && (($4 == s && $9 == lp && $10 == p) || ($4 == c && $9 == p && $10 == lp)) {
		printf "%s%s", $3, ($4 == s ? "s" : "c") }' "$TMP/cols.out") "
done
expect_eq "$T: columns: each connection's C, A, X, X with -T and -U" "$got" "CcAsXsXc CcAsXsXc CcAsXsXc "
expect_eq "$T: -p of the server: its accepts and closes" \
	"$(jq -r '.type' "$TMP/pid.out" | sort | uniq -c | awk '{ print $2 "=" $1 }' | tr '\n' ' ')" "accept=3 close=3 "
expect_eq "$T: --lports: the server's ends" "$(count_json "$TMP/lports.out" '.pid == $s' --argjson s "$SPID")/$(grep -c . "$TMP/lports.out")" 6/6
expect_eq "$T: --rports: the client's ends" "$(count_json "$TMP/rports.out" '.pid == $c' --argjson c "$CPID")/$(grep -c . "$TMP/rports.out")" 6/6
expect_eq "$T: matching filter (netns) keeps the 12 records" "$(grep -c . "$TMP/netns.out")" 12
for f in v6-no netns-no; do
	expect_eq "$T: non-matching filter (${f%-no}) shows nothing" "$(grep -c . "$TMP/$f.out")" 0
done
expect_eq "$T: SIGTERM exits 0" "${BGRC[cols]}" 0

# IPv6.
run v6 ::1
tool_bg j6 $T -j -6 --ports "$LPORT"
finish v6 j6
check IPv6 "$TMP/j6.out" ::1 >/dev/null && pass "$T: IPv6: 3 exact connections" || fail "$T: IPv6: 3 exact connections" "$(head -3 "$TMP/j6.out")"
fi

leak_check $T
