#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# biopattern against tests/triggers/blockio on its own loop device: four
# writes in a row (the first random, three sequential), a read elsewhere, a
# read at the start and one after it: 3 random, 4 sequential, in columns.
# (The table row checks the JSON counts and the attach path.)
. "$(dirname "$0")/../lib.sh"
. tests/blocklib.sh
T=biopattern
OPS=('w:4096@0*4' r:8192@1048576 'r:4096@0*2')
host_only

if blk_traced cols $T --disk @DISK@ -- "${OPS[@]}"; then
	got=$(tail -n +2 "$TMP/cols.out" | tr -s ' ')
	expect_eq "$T: columns: the header and the loop device's line (43% random, 57% sequential, 7 requests, 32 KiB)" \
		"$got" "DISK %RND %SEQ COUNT KBYTES
$TRIG_DISK 43 57 7 32"
fi
if BLK_STOP=self blk_traced ival $T --disk @DEV@ 0.2 1 -- "${OPS[@]}"; then
	got=$(sed -n 2p "$TMP/ival.out" | tr -s ' ')
	expect_eq "$T: with an interval, a TIME column" "$got" "TIME DISK %RND %SEQ COUNT KBYTES"
	expect_eq "$T: interval 0.2 count 1 ends by itself with 0" "$TOOL_ALIVE/$TOOL_RC" "0/0"
fi
other=$(awk 'NR > 2 && $4 !~ /^loop/ { print $4; exit }' /proc/partitions)
if [ -n "$other" ] && blk_traced other $T -j --disk "$other" -- "${OPS[@]}"; then
	got=$(jq -s --arg d "$TRIG_DISK" 'map(select(.disk == $d)) | length' "$TMP/other.out")
	expect_eq "$T: --disk $other (not the trigger's) counts none of its requests" "$got" 0
fi
expect_exit "$T: --disk of no such disk: exit 64" 64 "$BIN/$T" --disk bk-no-such-disk
