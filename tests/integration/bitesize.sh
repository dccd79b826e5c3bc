#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# bitesize against tests/triggers/blockio on its own loop device: each
# request in the slot of its size, per command, in columns and JSON. (The
# table row checks -P, the attach paths and the task filters.)
. "$(dirname "$0")/../lib.sh"
. tests/blocklib.sh
T=bitesize
OPS=(w:512@0 'w:4096@+*2' r:16384@0 r:65536@1048576)
# The table row's run proves the kernel-dependent part in the VMs: the rest is host only.
host_only

if blk_traced json $T -j --disk @DISK@ -- "${OPS[@]}"; then
	json_valid "$TMP/json.out" && pass "$T: -j output is valid JSON" ||
		fail "$T: -j output is valid JSON" "$(head -2 "$TMP/json.out")"
	got=$(jq -s -c 'map(select(.comm == "blockio" and .unit == "kbytes" and (has("pid") | not)) |
		[.count, .total_bytes, .avg_bytes, (.hist | map("\(.low)-\(.high):\(.count)"))])' "$TMP/json.out")
	expect_eq "$T: -j: one histogram for blockio, count, bytes, average, slots" "$got" \
		'[[5,90624,18124,["0-1:1","4-7:2","16-31:1","64-127:1"]]]'
fi

if blk_traced cols $T --disk @DISK@ -- "${OPS[@]}"; then
	expect_eq "$T: columns: the histogram's title" "$(grep -c '^comm = blockio$' "$TMP/cols.out")" 1
	got=$(awk '$2 == "->" && $5 > 0 { printf "%s-%s:%s ", $1, $3, $5 }' "$TMP/cols.out")
	expect_eq "$T: columns: the slots" "$got" "0-1:1 4-7:2 16-31:1 64-127:1 "
	expect_eq "$T: columns: the total and average" "$(grep -c '^5 requests, average 17.7 KiB$' "$TMP/cols.out")" 1
fi
expect_exit "$T: --disk of no such disk: exit 64" 64 "$BIN/$T" --disk bk-no-such-disk
