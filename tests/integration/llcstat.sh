#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# llcstat: on a machine without hardware cache counters (no PMU: this host,
# the QEMU VMs), one sentence saying so and exit 1, never 0 with nothing;
# where they exist, a run over a known process shows its references and
# misses per CPU. Usage errors. The checks every tool gets come from its row
# in tests/tools.table.
. "$(dirname "$0")/../lib.sh"
T=llcstat

expect_exit "$T: --period 0 is a usage error" 64 "$BIN/$T" --period 0
expect_exit "$T: --period x is a usage error" 64 "$BIN/$T" --period x
expect_exit "$T: interval 0 is a usage error" 64 "$BIN/$T" 0

rc=0
timeout -k 5 20 "$BIN/$T" -j -d 1 >"$TMP/run.out" 2>"$TMP/run.err" || rc=$?
if kernel_unsupported $T "$TMP/run.err" "$rc" && grep -q 'no hardware cache counters' "$TMP/run.err"; then
	expect_eq "$T: without a PMU: exit 1, one sentence, nothing on stdout" \
		"$rc $(wc -l <"$TMP/run.err") $(wc -c <"$TMP/run.out")" "1 1 0"
	skip "$T: counts" "$(cat "$TMP/run.err")"
	matrix $T perf_event n/a
else
	# A PMU: a 1-second run counts references for this shell's dd, with hit ratios.
	start_tool pmu $T -j -n dd --period 1000 || fail "$T: pmu: did not attach" "$(tail -3 "$TMP/pmu.err")"
	dd if=/dev/zero of=/dev/null bs=1M count=2000 status=none
	stop_tool TERM
	expect_eq "$T: with a PMU: dd's references, in records marked approx" \
		"$(jq -s '[.[] | select(.comm == "dd" and .references > 0 and .approx == true)] | length > 0' "$TMP/pmu.out")" true
	matrix $T perf_event "$([ "$TOOL_RC" = 0 ] && echo pass || echo fail)"
fi
