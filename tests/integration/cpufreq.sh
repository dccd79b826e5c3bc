#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# cpufreq: on a machine without a cpufreq driver (this host, the QEMU VMs),
# one sentence saying so and exit 1, never 0 with nothing; where a driver
# exists, a busy process's samples lie between the CPUs' minimum and maximum
# frequencies. Usage errors. The checks every tool gets come from its row in
# tests/tools.table.
. "$(dirname "$0")/../lib.sh"
T=cpufreq

expect_exit "$T: --freq 0 is a usage error" 64 "$BIN/$T" --freq 0
expect_exit "$T: interval 0 is a usage error" 64 "$BIN/$T" 0
expect_exit "$T: -L is not an option of it" 64 "$BIN/$T" -L

rc=0
timeout -k 5 20 "$BIN/$T" -j -d 1 >"$TMP/run.out" 2>"$TMP/run.err" || rc=$?
if kernel_unsupported $T "$TMP/run.err" "$rc" && grep -q 'no cpufreq driver' "$TMP/run.err"; then
	expect_eq "$T: without a cpufreq driver: exit 1, one sentence, nothing on stdout" \
		"$rc $(wc -l <"$TMP/run.err") $(wc -c <"$TMP/run.out")" "1 1 0"
	skip "$T: samples" "$(cat "$TMP/run.err")"
	matrix $T perf_event n/a
else
	lo=$(cat /sys/devices/system/cpu/cpu*/cpufreq/cpuinfo_min_freq | sort -n | head -1)
	hi=$(cat /sys/devices/system/cpu/cpu*/cpufreq/cpuinfo_max_freq | sort -n | tail -1)
	start_tool busy $T -j -P -n dd || fail "$T: busy: did not attach" "$(tail -3 "$TMP/busy.err")"
	timeout 1 dd if=/dev/zero of=/dev/null bs=1k status=none
	stop_tool TERM
	expect_eq "$T: with a driver: dd's samples, their average within the CPUs' range" \
		"$(jq -s --argjson lo "$((lo / 1000))" --argjson hi "$((hi / 1000))" \
			'[.[] | select(.comm == "dd" and .samples > 10 and .avg_mhz >= $lo and .avg_mhz <= $hi)] | length' "$TMP/busy.out")" 1
	matrix $T perf_event "$([ "$TOOL_RC" = 0 ] && echo pass || echo fail)"
fi
