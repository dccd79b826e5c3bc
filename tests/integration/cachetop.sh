#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# cachetop against tests/triggers/pagecache (64 pages read cold, then warm,
# then the file removed): its row in columns, -S. The exact JSON on each
# path, filters and signals come from its row in tests/tools.table.
. "$(dirname "$0")/../lib.sh"
T=cachetop
host_only

expect_exit "$T: -S of an unknown key is a usage error" 64 "$BIN/$T" -S ratio
expect_exit "$T: -r 0 is a usage error" 64 "$BIN/$T" -r 0

mkdir "$TMP/d"
mkfifo "$TMP/go"
"$TRIG/pagecache" -w "$TMP/d" <"$TMP/go" >"$TMP/pc.out" &
pc=$!
exec 8>"$TMP/go"
for _ in $(seq 100); do [ -s "$TMP/pc.out" ] && break; nap 0.05; done
PID=$(head -1 "$TMP/pc.out")
if start_tool cols $T -p "$PID" -S evicted 10; then
	echo go >&8; exec 8>&-
	wait $pc
	wait_tool 20
	expect_eq "$T: ends by itself with 0 when the -p process exits" "$TOOL_RC/$TOOL_ALIVE" 0/0
	if grep -qE '^PID +UID +COMM +HITS +MISSES +DIRTIED +EVICTED +HIT%$' "$TMP/cols.out"; then
		pass "$T: column header"
	else
		fail "$T: column header" "$(head -3 "$TMP/cols.out")"
	fi
	got=$(awk -v p="$PID" '$1 == p && $2 == 0 && $3 == "pagecache" { h += $4; m += $5; e += $7 } END { print h + 0, m + 0, e + 0 }' "$TMP/cols.out")
	expect_eq "$T: columns: the trigger's 64 hits, 64 misses, 64 evicted" "$got" "64 64 64"
	got=$(awk -v p="$PID" '$1 == p && ($4 + $5) > 0 { print $8; exit }' "$TMP/cols.out")
	expect_eq "$T: columns: its hit ratio" "$got" "50.00%"
else
	fail "$T: did not attach" "$(tail -3 "$TMP/cols.err")"
	exec 8>&-
	kill $pc 2>/dev/null
fi

no_leaks "$T: no BPF program or link is left behind"
