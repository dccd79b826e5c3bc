#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# biolatency against tests/triggers/blockio on its own loop device: its count
# is the number of requests the device says it completed (its
# /sys/block/loopN/stat), per flag set with -F, with percentiles, in columns
# and JSON. (The table row checks the attach paths and the task filters.)
. "$(dirname "$0")/../lib.sh"
. tests/blocklib.sh
T=biolatency
OPS=(w:4096@0 r:8192@1048576 'w:512@+*3')
# The table row's run proves the kernel-dependent part in the VMs: the rest is host only.
host_only

# JSON with -F, -Q and --percentiles: one histogram per flag set; the counts
# add up to what the device completed.
if blk_traced json $T -j -F -Q --percentiles --disk @DISK@ -- "${OPS[@]}"; then
	json_valid "$TMP/json.out" && pass "$T: -j output is valid JSON" ||
		fail "$T: -j output is valid JSON" "$(head -2 "$TMP/json.out")"
	dev_ios=$(($(blk_ios "$STAT_AFTER") - $(blk_ios "$STAT_BEFORE")))
	got=$(jq -s 'map(.count) | add' "$TMP/json.out")
	expect_eq "$T: the count is what $TRIG_DISK's stat says it completed (5)" "$got/$dev_ios" "5/5"
	got=$(jq -s -c 'map(select(.queued == true and .unit == "usecs" and .avg_ns == (.total_ns / .count | floor)
		and (.hist | map(.count) | add) == .count
		and .percentiles_ns.p50 > 0 and .percentiles_ns.p50 <= .percentiles_ns.p90
		and .percentiles_ns.p90 <= .percentiles_ns.p99 and .percentiles_ns.p99 <= .percentiles_ns["p99.9"])
		| "\(.op)/\(.rwbs)/\(.flags | split("|") | index("SYNC") != null)=\(.count)") | sort' "$TMP/json.out")
	expect_eq "$T: -F: reads and writes apart, each with its slots, average and ordered percentiles" \
		"$got" '["read/RS/true=1","write/WS/true=4"]'
	# Each request in the slot its latency is in: the slots' bounds are powers of two in us.
	got=$(jq -s -c '[.[].hist[] | select(.high != 2 * .low - 1 and .low != 0)] | length' "$TMP/json.out")
	expect_eq "$T: -j: slots are powers of two" "$got" 0
fi

# Columns, -m and -D: a histogram per disk, with its count.
if blk_traced cols $T -m -D --disk @DISK@ -- "${OPS[@]}"; then
	got=$(grep -c "^disk = $TRIG_DISK\$" "$TMP/cols.out")
	expect_eq "$T: -D: one histogram, of $TRIG_DISK" "$got" 1
	got=$(grep -Ec '^ +msecs +: count +distribution$' "$TMP/cols.out")
	expect_eq "$T: -m: the slots are in msecs" "$got" 1
	got=$(grep -Eo '^[0-9]+ requests, average [0-9.]+ msecs$' "$TMP/cols.out" | cut -d' ' -f1)
	expect_eq "$T: columns: 5 requests and their average" "$got" 5
	got=$(awk '$2 == "->" { n += $5 } END { print n + 0 }' "$TMP/cols.out")
	expect_eq "$T: columns: the slots hold the 5 requests" "$got" 5
fi

# Intervals: biolatency 0.3 2 ends by itself after two; a disk that is not
# the trigger's sees nothing.
if BLK_STOP=self blk_traced ival $T -j --disk @DISK@ 0.3 2 -- "${OPS[@]}"; then
	expect_eq "$T: interval 0.3 count 2 ends by itself with 0" "$TOOL_ALIVE/$TOOL_RC" "0/0"
fi
other=$(awk 'NR > 2 && $4 !~ /^loop/ { print $4; exit }' /proc/partitions)
if [ -n "$other" ] && blk_traced other $T -j -p @PID@ --disk "$other" -- "${OPS[@]}"; then
	expect_eq "$T: --disk $other (not the trigger's) counts none of its requests" "$(grep -c . "$TMP/other.out")" 0
fi

# --disk of a partition counts the disk's requests whose first sector is in
# it (through the partition or the whole disk); --disk of the disk, all.
if blk_partitioned; then
	if blk_part_run part1 $T -j --disk @DISK@p1; then
		expect_eq "$T: --disk ${PART_DISK}p1: the 3 requests in p1, through p1 or the disk" \
			"$(jq -s 'map(.count) | add' "$TMP/part1.out")" 3
	fi
	if blk_part_run whole $T -j -D --disk /dev/@DISK@; then
		expect_eq "$T: --disk /dev/$PART_DISK -D: all 5 requests, in one histogram of the disk" \
			"$(jq -s -c 'map("\(.disk)=\(.count)")' "$TMP/whole.out")" "[\"$PART_DISK=5\"]"
	fi
fi

expect_exit "$T: --disk of no such disk: exit 64" 64 "$BIN/$T" --disk bk-no-such-disk
expect_exit "$T: an interval of 0: exit 64" 64 "$BIN/$T" 0
expect_exit "$T: a count of abc: exit 64" 64 "$BIN/$T" 1 abc
