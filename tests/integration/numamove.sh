#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# numamove: the header about NUMA balancing and nodes, --reason (by the
# running kernel's names), the counters' JSON. One NUMA node here and in the
# VMs: no misplaced page can be made, so no exact count (tests/tools.table).
. "$(dirname "$0")/../lib.sh"
T=numamove

# The kernel part: the migrate tracepoints load, compaction's reason is found
# in the kernel's BTF, and one interval is printed as JSON.
"$BIN/$T" -j --reason compaction 0.5 1 >"$TMP/j.out" 2>"$TMP/j.err"
expect_eq "$T: --reason compaction: exit 0" "$?" 0
got=$(jq -s -c 'length == 1 and all(.reason == "compaction" and (.calls | type == "number")
	and (.pages | type == "number") and (.failed | type == "number") and (.time_ns | type == "number"))' "$TMP/j.out" 2>&1)
expect_eq "$T: one JSON interval with its counters" "$got" true

host_only

expect_exit "$T: an unknown --reason is a usage error" 64 "$BIN/$T" --reason no_such_reason
if grep -q "numa_misplaced" <("$BIN/$T" --reason no_such_reason 2>&1); then
	pass "$T: an unknown --reason lists the kernel's reasons"
else
	fail "$T: an unknown --reason lists the kernel's reasons" "$("$BIN/$T" --reason no_such_reason 2>&1)"
fi
expect_exit "$T: a third positional argument is a usage error" 64 "$BIN/$T" 1 2 3

"$BIN/$T" 0.2 1 >"$TMP/c.out" 2>&1
bal=$(cat /proc/sys/kernel/numa_balancing 2>/dev/null)
nodes=$(ls -d /sys/devices/system/node/node[0-9]* 2>/dev/null | wc -l)
if [ "$bal" = 0 ]; then
	expect_eq "$T: the header says NUMA balancing is off" \
		"$(grep -c '^# NUMA balancing is off (/proc/sys/kernel/numa_balancing is 0)' "$TMP/c.out")" 1
fi
if [ "$nodes" -lt 2 ]; then
	expect_eq "$T: the header says there is one node" "$(grep -c "^# $nodes NUMA node: no page can be misplaced" "$TMP/c.out")" 1
fi
if grep -qE '^ +CALLS +PAGES +FAILED +TIME\(ms\)$' "$TMP/c.out" &&
   grep -qE '^ +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+\.[0-9]{3}$' "$TMP/c.out"; then
	pass "$T: column header and one row"
else
	fail "$T: column header and one row" "$(cat "$TMP/c.out")"
fi
