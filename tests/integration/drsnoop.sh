#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# drsnoop against tests/triggers/reclaimer (64 MiB read through a 16 MiB
# memory cgroup): the columns of its reclaims, with -e. The exact JSON,
# filters and signals come from its row in tests/tools.table.
. "$(dirname "$0")/../lib.sh"
T=drsnoop
host_only

expect_exit "$T: a stray argument is a usage error" 64 "$BIN/$T" 5

mkdir "$TMP/d"
mkfifo "$TMP/go"
"$TRIG/reclaimer" -w "$TMP/d" <"$TMP/go" >"$TMP/rc.out" 2>"$TMP/rc.err" &
rc=$!
exec 8>"$TMP/go"
for _ in $(seq 200); do [ -s "$TMP/rc.out" ] && break; nap 0.05; done
PID=$(head -1 "$TMP/rc.out")
if [ -z "$PID" ]; then
	skip "$T: columns" "the reclaimer could not start: $(head -1 "$TMP/rc.err")"
	exec 8>&-
elif start_tool cols $T -e -p "$PID"; then
	echo go >&8; exec 8>&-
	wait $rc
	wait_tool 20
	expect_eq "$T: ends by itself with 0 when the -p process exits" "$TOOL_RC/$TOOL_ALIVE" 0/0
	if head -1 "$TMP/cols.out" | grep -qE '^PID +COMM +KIND +LAT\(ms\) +PAGES +ORDER +GFP$'; then
		pass "$T: column header with -e"
	else
		fail "$T: column header with -e" "$(head -1 "$TMP/cols.out")"
	fi
	got=$(awk -v p="$PID" 'NR > 1 && $1 == p && $2 == "reclaimer" && $3 == "memcg" && $4 ~ /^[0-9]+\.[0-9][0-9][0-9]$/ &&
		$6 ~ /^[0-9]+$/ && $7 ~ /^0x[0-9a-f]+$/ { n++; pages += $5 } NR > 1 && $1 != p { other++ }
		END { print (n > 0), (pages >= 12288), other + 0 }' "$TMP/cols.out")
	expect_eq "$T: columns: memcg reclaims of the reclaimer, 48 MiB or more, nothing else" "$got" "1 1 0"
else
	fail "$T: did not attach" "$(tail -3 "$TMP/cols.err")"
	exec 8>&-
	kill $rc 2>/dev/null
fi

no_leaks "$T: no BPF program or link is left behind"
