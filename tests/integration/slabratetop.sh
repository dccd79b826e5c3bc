#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# slabratetop against tests/triggers/opener (each open allocates one filp and
# one names_cache object): the columns, -S, -r. The exact JSON on each path,
# filters and signals come from its row in tests/tools.table.
. "$(dirname "$0")/../lib.sh"
T=slabratetop
host_only

expect_exit "$T: -S of an unknown key is a usage error" 64 "$BIN/$T" -S size
expect_exit "$T: -r 0 is a usage error" 64 "$BIN/$T" -r 0
expect_exit "$T: a third positional argument is a usage error" 64 "$BIN/$T" 1 2 3

touch "$TMP/f"
mkfifo "$TMP/go"
"$TRIG/opener" -w -n 9 "$TMP/f" <"$TMP/go" >"$TMP/op.out" &
op=$!
exec 8>"$TMP/go"
for _ in $(seq 100); do [ -s "$TMP/op.out" ] && break; nap 0.05; done
PID=$(head -1 "$TMP/op.out")
if start_tool cols $T -p "$PID" -S allocs -r 3 10; then
	echo go >&8; exec 8>&-
	wait $op
	wait_tool 20
	expect_eq "$T: ends by itself with 0 when the -p process exits" "$TOOL_RC/$TOOL_ALIVE" 0/0
	if grep -qE '^CACHE +ALLOCS +BYTES$' "$TMP/cols.out"; then pass "$T: column header"; else fail "$T: column header" "$(head -3 "$TMP/cols.out")"; fi
	got=$(awk '$1 == "filp" || $1 == "names_cache" { print $1, $2 }' "$TMP/cols.out" | sort | tr '\n' ' ')
	expect_eq "$T: columns: 9 filp and 9 names_cache allocations" "$got" "filp 9 names_cache 9 "
	got=$(awk '/^CACHE/ { n = 0; on = 1; next } on && NF == 3 { n++ } on && NF == 0 { on = 0; if (n > m) m = n } END { print m + 0 }' "$TMP/cols.out")
	expect_eq "$T: -r 3: at most 3 rows a refresh" "$got" 3
	grep -qE '^[0-9][0-9]:[0-9][0-9]:[0-9][0-9]  [0-9]+ allocations, [0-9]+ bytes, [0-9]+ caches$' "$TMP/cols.out" &&
		pass "$T: the refresh line" || fail "$T: the refresh line" "$(head -2 "$TMP/cols.out")"
	expect_eq "$T: not a terminal: the screen is not cleared" "$(grep -c $'\033' "$TMP/cols.out")" 0
else
	fail "$T: did not attach" "$(tail -3 "$TMP/cols.err")"
	exec 8>&-
	kill $op 2>/dev/null
fi

no_leaks "$T: no BPF program or link is left behind"
