#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# pidpersec against tests/triggers/exiter (4 children, two of them with 3
# threads each): processes and threads counted exactly in JSON, the columns,
# [interval [count]]. The row in tests/tools.table checks the filters and
# both attach paths.
. "$(dirname "$0")/../lib.sh"
. tests/fslib.sh
T=pidpersec
host_only

expect_exit "$T: interval 0 is a usage error" 64 "$BIN/$T" 0
expect_exit "$T: a count of 0 is a usage error" 64 "$BIN/$T" 1 0
expect_exit "$T: a third argument is a usage error" 64 "$BIN/$T" 1 1 1

NAME=pps$$
ln -s "$PWD/$TRIG/exiter" "$TMP/$NAME"

# JSON: 4 processes and 6 threads, made by processes of that name.
if traced json $T -j -n "$NAME" 0.2 -- "$TMP/$NAME" -w -t 3; then
	json_valid "$TMP/json.out" && pass "$T: -j output is valid JSON" ||
		fail "$T: -j output is valid JSON" "$(head -2 "$TMP/json.out")"
	got=$(jq -s -c '[(map(.processes) | add), (map(.threads) | add), (map(.interval_ms > 0) | all)]' "$TMP/json.out")
	expect_eq "$T: -j: the trigger's 4 processes and 6 threads, in intervals of some length" "$got" "[4,6,true]"
fi

# Columns: the header, then TIME and two whole rates per line; interval and count end it.
start_tool cols $T -n "$NAME" 0.3 2
wait_tool 20
expect_eq "$T: 0.3 2: two intervals, then exit 0 by itself" "$TOOL_RC/$TOOL_ALIVE" "0/0"
got=$(awk 'NR == 1 { print; next } $1 ~ /^[0-9][0-9]:[0-9][0-9]:[0-9][0-9]$/ && $2 == "0" && $3 == "0" && NF == 3 { n++ }
	END { print n }' "$TMP/cols.out" | tr -s ' ' | tr '\n' ,)
expect_eq "$T: columns: header, then two lines of zero rates for a name nobody runs" "$got" "TIME PROCS/s THREADS/s,2,"

no_leaks "$T: no BPF program or link is left behind"
