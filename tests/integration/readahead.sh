#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# readahead against tests/triggers/pagecache -r 16 (the first 16 pages of a
# 64-page file read once, the file then removed): the text summary and its
# histogram. The JSON, filters and signals come from its row in
# tests/tools.table.
. "$(dirname "$0")/../lib.sh"
T=readahead
host_only

expect_exit "$T: a third positional argument is a usage error" 64 "$BIN/$T" 1 2 3

mkdir "$TMP/d"
mkfifo "$TMP/go"
"$TRIG/pagecache" -w -r 16 "$TMP/d" <"$TMP/go" >"$TMP/pc.out" &
pc=$!
exec 8>"$TMP/go"
for _ in $(seq 100); do [ -s "$TMP/pc.out" ] && break; nap 0.05; done
PID=$(head -1 "$TMP/pc.out")
if start_tool cols $T -p "$PID"; then
	echo go >&8; exec 8>&-
	wait $pc
	wait_tool 20
	expect_eq "$T: ends by itself with 0 when the -p process exits" "$TOOL_RC/$TOOL_ALIVE" 0/0
	grep -q '^Tracing readahead (tracepoints: an approximation' "$TMP/cols.out" &&
		pass "$T: the header says it is an approximation" ||
		fail "$T: the header says it is an approximation" "$(head -1 "$TMP/cols.out")"
	got=$(sed -n 's/^[0-9:]*  read ahead: \([0-9]*\) pages; used: \([0-9]*\); evicted unused: \([0-9]*\); not used yet: \([0-9]*\)$/\1 \2 \3 \4/p' "$TMP/cols.out")
	read -r r u e n <<<"$got"
	expect_eq "$T: 16 pages used, the rest evicted unused, none left" \
		"$u $((r > u)) $((r == u + e)) $n" "16 1 1 0"
	got=$(awk '/->/ { n += $5 } END { print n + 0 }' "$TMP/cols.out")
	expect_eq "$T: the histogram holds the 16 used pages" "$got" 16
else
	fail "$T: did not attach" "$(tail -3 "$TMP/cols.err")"
	exec 8>&-
	kill $pc 2>/dev/null
fi

no_leaks "$T: no BPF program or link is left behind"
