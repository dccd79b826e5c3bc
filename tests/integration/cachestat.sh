#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# cachestat against tests/triggers/pagecache (64 pages read cold, then warm,
# then the file removed): the columns and the approximation's header line.
# The exact counts on every path, JSON, filters and signals come from its row
# in tests/tools.table.
. "$(dirname "$0")/../lib.sh"
T=cachestat
host_only

expect_exit "$T: a third positional argument is a usage error" 64 "$BIN/$T" 1 2 3
expect_exit "$T: an interval of 0 is a usage error" 64 "$BIN/$T" 0

# Under a name of its own, so that -n keeps everyone else's pages out.
NAME=pc$$
NAME=${NAME:0:15}
ln -s "$(readlink -f "$TRIG/pagecache")" "$TMP/$NAME"
mkdir "$TMP/d"
mkfifo "$TMP/go"
"$TMP/$NAME" -w "$TMP/d" <"$TMP/go" >"$TMP/pc.out" &
pc=$!
exec 8>"$TMP/go"
for _ in $(seq 100); do [ -s "$TMP/pc.out" ] && break; nap 0.05; done
if start_tool cols $T -T -n "$NAME" 10; then
	echo go >&8; exec 8>&-
	wait $pc
	stop_tool TERM
	expect_eq "$T: SIGTERM exits 0" "$TOOL_RC" 0
	path=$ATTACH_PATH
	if [ "$path" = tracepoint ]; then
		expect_eq "$T: tracepoint path: the header says hits are approximated" \
			"$(head -1 "$TMP/cols.out" | grep -c '^# hits approximated from read ranges and faults')" 1
	fi
	if grep -qE '^TIME +HITS +MISSES +DIRTIED +EVICTED +HIT% +BUFFERS_MB +CACHED_MB$' "$TMP/cols.out"; then
		pass "$T: column header"
	else
		fail "$T: column header" "$(head -2 "$TMP/cols.out")"
	fi
	got=$(awk '$1 ~ /^[0-9][0-9]:[0-9][0-9]:[0-9][0-9]$/ { h += $2; m += $3; e += $5; if ($6 !~ /^[0-9]+\.[0-9][0-9]%$/) bad++ }
		END { print h + 0, m + 0, e + 0, bad + 0 }' "$TMP/cols.out")
	expect_eq "$T: columns: 64 hits, 64 misses, 64 evicted, ratios in percent" "$got" "64 64 64 0"
	got=$(awk '$1 ~ /^[0-9][0-9]:/ && ($2 + $3) > 0 { print $6 }' "$TMP/cols.out" | head -1)
	expect_eq "$T: columns: the hit ratio of 64 hits and 64 misses" "$got" "50.00%"
else
	fail "$T: did not attach" "$(tail -3 "$TMP/cols.err")"
	exec 8>&-
	kill $pc 2>/dev/null
fi

no_leaks "$T: no BPF program or link is left behind"
