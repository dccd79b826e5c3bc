#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# softirqs against the kernel's own counts: around UDP datagrams on loopback
# (each raises NET_RX), each vector's count lies between the change of
# /proc/softirqs read while the tool was attached and its change from
# before the tool started to after it ended; with times (default), counts
# only (-C) and histograms (-D). Columns, usage errors. The checks every
# tool gets come from its row in tests/tools.table.
. "$(dirname "$0")/../lib.sh"
T=softirqs

expect_exit "$T: -C with -D is a usage error" 64 "$BIN/$T" -C -D
expect_exit "$T: interval 0 is a usage error" 64 "$BIN/$T" 0
expect_exit "$T: a third argument is a usage error" 64 "$BIN/$T" 1 2 3
expect_exit "$T: -p is not an option of it" 64 "$BIN/$T" -p 1

# snap FILE: "VECTOR COUNT" per line of /proc/softirqs, all CPUs summed.
snap() {
	awk 'NR > 1 { s = 0; for (i = 2; i <= NF; i++) s += $i; sub(":", "", $1); print $1, s }' \
		/proc/softirqs >"$1"
}
# 200 datagrams to a port nobody listens on: NET_RX on loopback each.
udp() { for ((i = 0; i < 200; i++)); do echo x >/dev/udp/127.0.0.1/9; done 2>/dev/null; }

# sandwich NAME TOOL-ARGS: runs the tool around the datagrams, then checks
# every vector it shows (JSON) against the inner and outer changes.
sandwich() {
	local name=$1 bad; shift
	snap "$TMP/o1"
	start_tool "$name" $T -j "$@" || { fail "$T: $name: did not attach" "$(tail -3 "$TMP/$name.err")"; return; }
	snap "$TMP/i1"
	udp
	snap "$TMP/i2"
	stop_tool TERM
	snap "$TMP/o2"
	[ "$TOOL_RC" = 0 ] || fail "$T: $name: SIGTERM exit status" "$TOOL_RC"
	jq -r '.softirqs[] | "\(.name) \(.count)"' "$TMP/$name.out" >"$TMP/$name.got"
	bad=$(awk -v i1="$TMP/i1" -v i2="$TMP/i2" -v o1="$TMP/o1" -v o2="$TMP/o2" '
		BEGIN {
			while ((getline l < i1) > 0) { split(l, a, " "); I1[a[1]] = a[2] }
			while ((getline l < i2) > 0) { split(l, a, " "); I2[a[1]] = a[2] }
			while ((getline l < o1) > 0) { split(l, a, " "); O1[a[1]] = a[2] }
			while ((getline l < o2) > 0) { split(l, a, " "); O2[a[1]] = a[2] }
		}
		{ seen[$1] = 1; lo = I2[$1] - I1[$1]; hi = O2[$1] - O1[$1]
		  if ($2 < lo || $2 > hi) printf "%s: %d, the kernel %d to %d; ", $1, $2, lo, hi }
		END { for (k in I2) if (I2[k] - I1[k] > 0 && !seen[k]) printf "%s: %d while attached, not shown; ", k, I2[k] - I1[k] }
	' "$TMP/$name.got")
	if [ -z "$bad" ]; then
		pass "$T: $name: every vector's count is within the kernel's ($(head -4 "$TMP/$name.got" | paste -sd, -))"
	else
		fail "$T: $name: every vector's count is within the kernel's" "$bad"
	fi
	NETRX=$(awk 'NR == FNR { a[$1] = $2; next } $1 == "NET_RX" { print $2 - a[$1] }' "$TMP/i1" "$TMP/i2")
}

sandwich times
if [ "$NETRX" -ge 1 ]; then pass "$T: times: the datagrams raised NET_RX ($NETRX runs)"; else
	fail "$T: times: the datagrams raised NET_RX" "$NETRX runs"; fi
expect_eq "$T: times: each vector has a time, NET_RX is there" \
	"$(jq '(.softirqs | length) as $n | ([.softirqs[].name] | index("NET_RX") != null) as $rx |
		[.softirqs[] | select(.total_ns > 0 and (has("hist") | not))] | length == $n and $rx' "$TMP/times.out")" true
sandwich count -C
expect_eq "$T: -C: counts only, no times" "$(jq '[.softirqs[] | select(has("total_ns"))] | length' "$TMP/count.out")" 0
sandwich dist -D --ns
expect_eq "$T: -D --ns: each vector's histogram adds up to its count, in nsecs" \
	"$(jq '.unit == "nsecs" and ([.softirqs[] | select((.hist | map(.count) | add) != .count)] | length == 0)' "$TMP/dist.out")" true

# Columns: the kernel's names for the vectors.
start_tool cols $T || fail "$T: cols: did not attach" "$(tail -3 "$TMP/cols.err")"
udp
stop_tool TERM
expect_eq "$T: columns: the header" "$(grep -m1 SOFTIRQ "$TMP/cols.out" | tr -s ' ')" "SOFTIRQ COUNT TOTAL(us)"
expect_eq "$T: columns: NET_RX with a count and a time, every name one of /proc/softirqs" \
	"$(awk 'NR == FNR { if (FNR > 1) { sub(":", "", $1); k[$1] = 1 }; next }
		/^(SOFTIRQ|Tracing)/ || NF == 0 { next }
		!($1 in k) { bad = bad " " $1 } $1 == "NET_RX" && $2 ~ /^[0-9]+$/ && $3 ~ /^[0-9]+\.[0-9][0-9][0-9]$/ { ok = 1 }
		END { print (ok && bad == "") ? "ok" : "no:" bad }' /proc/softirqs "$TMP/cols.out")" ok
