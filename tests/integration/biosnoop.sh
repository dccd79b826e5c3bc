#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# biosnoop against tests/triggers/blockio on its own loop device: each
# O_DIRECT read and write exactly once, with the trigger's PID, the disk, the
# operation, sector and size, in columns and JSON; --disk, --min-ms, -Q.
# (The table row checks the attach paths and the task filters.)
. "$(dirname "$0")/../lib.sh"
. tests/blocklib.sh
T=biosnoop
OPS=(w:4096@0 r:8192@1048576 'w:512@+*3')
WANT="W:4096@0 R:8192@2048 W:512@2064 W:512@2065 W:512@2066"
# The table row's run proves the kernel-dependent part in the VMs: the rest is host only.
host_only

# Columns, -Q and -U: one line per request; the queue time is shown.
if blk_traced cols $T -Q -U --disk @DISK@ -- "${OPS[@]}"; then
	got=$(awk -v pid="$TRIG_PID" -v d="$TRIG_DISK" '$3 == "blockio" && $4 == pid && $5 == d {
		printf "%s:%s@%s ", substr($6, 1, 1), $8, $7 }' "$TMP/cols.out")
	expect_eq "$T: columns: type, bytes and sector of each request" "$got" "$WANT "
	got=$(awk -v pid="$TRIG_PID" '$4 == pid && $1 == 0 && $6 ~ /^[RW]S$/ && $9 ~ /^[0-9]+\.[0-9][0-9][0-9]$/ &&
		$10 ~ /^[0-9]+\.[0-9][0-9][0-9]$/ { n++ } END { print n + 0 }' "$TMP/cols.out")
	expect_eq "$T: columns: UID 0, synchronous (S), QUE(ms) and LAT(ms) on each line" "$got" 5
	got=$(head -1 "$TMP/cols.out" | tr -s ' ')
	expect_eq "$T: columns: the header with -Q -U" "$got" "UID TIME(s) COMM PID DISK T SECTOR BYTES QUE(ms) LAT(ms)"
	got=$(grep -vc "$TRIG_DISK" "$TMP/cols.out")
	expect_eq "$T: --disk $TRIG_DISK: no other disk's requests (the header only)" "$got" 1
fi

# JSON: every field of each request.
if blk_traced json $T -j -Q --disk @DEV@ -- "${OPS[@]}"; then
	json_valid "$TMP/json.out" && pass "$T: -j output is valid JSON" ||
		fail "$T: -j output is valid JSON" "$(head -2 "$TMP/json.out")"
	got=$(jq -s -r --argjson pid "$TRIG_PID" --arg disk "$TRIG_DISK" --arg dev "$TRIG_DEV" '
		map(select(.pid == $pid and .tid == $pid and .uid == 0 and .comm == "blockio" and
			.disk == $disk and .dev == $dev and .queue_ns >= 0 and .lat_ns > 0 and
			(.time | test("^20[0-9-]+T[0-9:.]+\\+00:00$")) and
			((.op == "write" and .rwbs == "WS" and (.flags | split("|") | index("SYNC") != null)) or
			 (.op == "read" and .rwbs == "RS" and (.flags | split("|") | index("SYNC") != null))))
			| "\(.rwbs[0:1]):\(.bytes)@\(.sector)") | join(" ")' "$TMP/json.out")
	expect_eq "$T: -j: pid, tid, uid, comm, disk, dev, op, rwbs, flags, sector, bytes, times" "$got" "$WANT"
	got=$(jq -s 'length' "$TMP/json.out")
	expect_eq "$T: -j --disk MAJOR:MINOR: only that disk's requests" "$got" 5
fi

# --disk naming another disk, --min-ms above every request: nothing.
other=$(awk 'NR > 2 && $4 !~ /^loop/ { print $4; exit }' /proc/partitions)
if [ -n "$other" ] && blk_traced other $T -j -p @PID@ --disk "$other" -- "${OPS[@]}"; then
	expect_eq "$T: --disk $other (not the trigger's) sees none of its requests" "$(grep -c . "$TMP/other.out")" 0
fi
# --disk of a partition: the disk's requests whose first sector is in the
# partition (shown as the disk's, with the disk's sectors), whether made
# through the partition or the whole disk; --disk of the disk: all of them.
if blk_partitioned; then
	if blk_part_run part1 $T -j --disk @DISK@p1; then
		got=$(jq -s -r --arg d "$PART_DISK" 'map(select(.comm == "blockio") | "\(.disk):\(.rwbs[0:1]):\(.sector)") | join(" ")' "$TMP/part1.out")
		expect_eq "$T: --disk ${PART_DISK}p1: the requests in p1, through p1 or the disk, with the disk's sectors" \
			"$got" "$PART_DISK:W:2048 $PART_DISK:R:2064 $PART_DISK:W:2088"
	fi
	if blk_part_run part2 $T -j --disk /dev/@DISK@p2; then
		got=$(jq -s -r 'map(select(.comm == "blockio") | "\(.rwbs[0:1]):\(.sector)") | join(" ")' "$TMP/part2.out")
		expect_eq "$T: --disk /dev/${PART_DISK}p2: the request in p2 only" "$got" "R:8192"
	fi
	if blk_part_run whole $T -j --disk @DISK@; then
		got=$(jq -s -r 'map(select(.comm == "blockio") | "\(.rwbs[0:1]):\(.sector)") | join(" ")' "$TMP/whole.out")
		expect_eq "$T: --disk $PART_DISK: every request of the disk, its partitions' too" \
			"$got" "W:2048 R:2064 R:8192 W:0 W:2088"
	fi
fi
if blk_traced slow $T -j --disk @DISK@ --min-ms 60000 -- "${OPS[@]}"; then
	expect_eq "$T: --min-ms 60000 sees no request" "$(grep -c . "$TMP/slow.out")" 0
fi
if blk_traced fast $T -j --disk /dev/@DISK@ --min-ms 0.000001 -- "${OPS[@]}"; then
	expect_eq "$T: --min-ms 0.000001 and --disk /dev/loopN see every request" "$(jq -s 'length' "$TMP/fast.out")" 5
fi

# Usage errors: one line, exit 64.
expect_exit "$T: --disk of no such disk: exit 64" 64 "$BIN/$T" --disk bk-no-such-disk
expect_exit "$T: --disk of a file that is not a block device: exit 64" 64 "$BIN/$T" --disk /etc/passwd
expect_exit "$T: --disk of a missing file: exit 64" 64 "$BIN/$T" --disk /dev/bk-missing
expect_exit "$T: --disk 1:2:3: exit 64" 64 "$BIN/$T" --disk 1:2:3
expect_exit "$T: --disk '': exit 64" 64 "$BIN/$T" --disk ''
expect_exit "$T: --min-ms abc: exit 64" 64 "$BIN/$T" --min-ms abc
expect_exit "$T: --min-ms -1: exit 64" 64 "$BIN/$T" --min-ms -1
