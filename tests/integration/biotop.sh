#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# biotop against tests/triggers/blockio on its own loop device: one line per
# operation of the trigger, with requests and KiB, in columns; -r, --disk.
# (The table row checks the JSON counts, attach paths and task filters.)
. "$(dirname "$0")/../lib.sh"
. tests/blocklib.sh
T=biotop
OPS=('w:4096@0*3' 'r:8192@1048576*2')
host_only

# One refresh long enough for the whole run: its lines are exact.
if blk_traced cols $T -C --disk @DISK@ 60 -- "${OPS[@]}"; then
	got=$(awk -v pid="$TRIG_PID" -v d="$TRIG_DISK" '$1 == pid && $2 == "blockio" && $4 == d {
		printf "%s:%s:%s ", $3, $5, $6 }' "$TMP/cols.out")
	expect_eq "$T: columns: most bytes first, D, I/O and KBYTES" "$got" "R:2:16 W:3:12 "
	got=$(sed -n 2p "$TMP/cols.out" | tr -s ' ')
	expect_eq "$T: columns: the header" "$got" "PID COMM D DISK I/O KBYTES AVG(ms)"
	expect_eq "$T: columns: the count of lines" "$(grep -Ec '^[0-9:]{8}  2 lines$' "$TMP/cols.out")" 1
fi
if blk_traced rows $T -C -r 1 --disk @DISK@ 60 -- "${OPS[@]}"; then
	got=$(awk -v pid="$TRIG_PID" '$1 == pid { printf "%s ", $3 }' "$TMP/rows.out")
	expect_eq "$T: -r 1: only the line with the most bytes" "$got" "R "
fi
expect_exit "$T: -r 0: exit 64" 64 "$BIN/$T" -r 0
expect_exit "$T: -r abc: exit 64" 64 "$BIN/$T" -r abc
expect_exit "$T: --disk of no such disk: exit 64" 64 "$BIN/$T" --disk bk-no-such-disk
