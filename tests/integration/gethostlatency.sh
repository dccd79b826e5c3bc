#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# gethostlatency against tests/triggers/resolver: exact lookups per function
# and names. The checks every tool gets (usage errors, filters, signals)
# come from its row in tests/tools.table.
. "$(dirname "$0")/../lib.sh"
T=gethostlatency

expect_exit "$T: an empty --libc is a usage error" 64 "$BIN/$T" --libc=
expect_exit "$T: a missing --libc fails with 1" 1 "$BIN/$T" --libc /nonexistent/libc.so.6

# Numeric addresses never leave the machine (libc parses them itself); a
# unique one per run keeps other lookups on this machine out of the counts.
H1=127.$((RANDOM % 200 + 1)).$((RANDOM % 250 + 1)).$((RANDOM % 250 + 1))
HOSTS=$H1
# A name from /etc/hosts too, where the hosts database is read before DNS.
if grep -qE '^hosts:[[:space:]]+files' /etc/nsswitch.conf 2>/dev/null &&
   grep -qE '^127\.0\.0\.1[[:space:]].*\blocalhost\b' /etc/hosts 2>/dev/null; then
	HOSTS="$H1 localhost"
fi

# Columns: 7 lookups of each name through each of the three functions.
if start_tool cols $T; then
	RPID=$("$TRIG/resolver" -n 7 $HOSTS 2>/dev/null | head -1)
	stop_tool TERM
	expect_eq "$T: SIGTERM exits 0" "$TOOL_RC" 0
	expect_eq "$T: attached via uprobes" "$ATTACH_PATH" uprobe
	ok=1
	for h in $HOSTS; do
		n=$(awk -v pid="$RPID" -v h="$h" '$2 == pid && $3 == "resolver" && $4 ~ /^[0-9]+\.[0-9][0-9][0-9]$/ && $5 == h && NF == 5' "$TMP/cols.out" | wc -l)
		[ "$n" = 21 ] || { ok=0; fail "$T: 21 lookups of $h in columns" "got $n: $(head -3 "$TMP/cols.out")"; }
	done
	n=$(awk -v pid="$RPID" '$2 == pid' "$TMP/cols.out" | wc -l)
	want=$(( $(echo $HOSTS | wc -w) * 21 ))
	[ "$n" = "$want" ] || { ok=0; fail "$T: no other lookups by the trigger" "got $n, want $want"; }
	head -1 "$TMP/cols.out" | grep -qE '^TIME +PID +COMM +LAT\(ms\) HOST$' ||
		{ ok=0; fail "$T: column header" "$(head -1 "$TMP/cols.out")"; }
	[ $ok = 1 ] && pass "$T: columns: exact lookups, names and latencies"
else
	fail "$T: did not attach" "$(tail -3 "$TMP/cols.err")"
fi

# JSON: the function of each lookup, exact names, latency in ns.
start_tool json $T -j
RPID=$("$TRIG/resolver" -n 5 $HOSTS 2>/dev/null | head -1)
stop_tool TERM
if json_valid "$TMP/json.out"; then pass "$T: -j output is valid JSON"; else fail "$T: -j output is valid JSON" "$(head -2 "$TMP/json.out")"; fi
for h in $HOSTS; do
	got=$(jq -r --arg h "$h" --argjson pid "$RPID" \
		'select(.pid == $pid and .tid == $pid and .comm == "resolver" and .host == $h and (.lat_ns | type == "number" and . > 0)) | .func' \
		"$TMP/json.out" | sort | uniq -c | awk '{printf "%s=%s ", $2, $1}')
	expect_eq "$T: -j has 5 exact records of $h per function" "$got" "getaddrinfo=5 gethostbyname=5 gethostbyname2=5 "
done

# Untrusted names: control bytes are escaped in columns and kept in JSON.
# Such a name is not in /etc/hosts: it is looked up in a network namespace
# of its own, with no interface up, so no DNS query can leave the machine.
evil=$'ev\033[2Jil\tname'
if unshare -n true 2>/dev/null; then
start_tool evil $T -n resolver
unshare -n "$TRIG/resolver" "$evil" >/dev/null 2>&1
stop_tool TERM
if grep -q $'\033' "$TMP/evil.out"; then fail "$T: control bytes are escaped" "raw ESC in output"
elif [ "$(grep -cF 'ev\x1b[2Jil\tname' "$TMP/evil.out")" = 3 ]; then pass "$T: control bytes are escaped"
else fail "$T: control bytes are escaped" "$(cat -v "$TMP/evil.out")"; fi
start_tool evilj $T -j -n resolver
unshare -n "$TRIG/resolver" "$evil" >/dev/null 2>&1
stop_tool TERM
got=$(jq -r .host "$TMP/evilj.out" | sort -u)
expect_eq "$T: JSON keeps the exact bytes of a name" "$got" "$evil"
else
	skip "$T: control bytes are escaped" "unshare -n does not work here"
fi

# Names longer than the 255 bytes kept (no DNS name is: at most 253) are cut
# visibly, flagged in JSON; a 253-byte name is whole.
if unshare -n true 2>/dev/null; then
	n253=$(printf 'a%.0s' $(seq 1 253)); n300=$(printf 'b%.0s' $(seq 1 300))
	start_tool longj $T -j -n resolver
	unshare -n "$TRIG/resolver" "$n253" "$n300" >/dev/null 2>&1
	stop_tool TERM
	got=$(jq -r '"\(.host | length) \(.host_truncated) \(.host[0:1])"' "$TMP/longj.out" | sort | uniq -c | awk '{print $1, $2, $3, $4}' | tr '\n' '|')
	expect_eq "$T: JSON: a 253-byte name whole, a 300-byte one cut at 255 and flagged" "$got" "3 253 false a|3 255 true b|"
	start_tool longc $T -n resolver
	unshare -n "$TRIG/resolver" "$n300" >/dev/null 2>&1
	stop_tool TERM
	got=$(awk '$3 == "resolver" { print $5 }' "$TMP/longc.out" | sort -u)
	expect_eq "$T: columns: a 300-byte name is cut after 255 bytes and marked ..." "$got" "${n300:0:255}..."
else
	skip "$T: long names" "unshare -n does not work here"
fi

no_leaks "$T: no BPF program or link is left behind"
