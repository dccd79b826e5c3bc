#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# biostacks against tests/triggers/blockio on its own loop device: folded
# kernel stacks with the trigger's requests, and time summed with -Q. (The
# table row checks the JSON counts, attach paths and task filters.)
. "$(dirname "$0")/../lib.sh"
. tests/blocklib.sh
T=biostacks
OPS=('w:4096@0*3' 'r:8192@1048576*2')
host_only

if blk_traced folded $T -f -K --requests --disk @DISK@ -p @PID@ -- "${OPS[@]}"; then
	got=$(awk '/^blockio;/ && /sys_pwrite64_\[k\]/ { w += $NF } /^blockio;/ && /sys_pread64_\[k\]/ { r += $NF }
		END { printf "read:%d write:%d", r, w }' "$TMP/folded.out")
	expect_eq "$T: -f -K --requests: folded kernel stacks, the trigger's reads and writes" "$got" "read:2 write:3"
fi
if blk_traced timed $T -j -Q --disk @DISK@ -p @PID@ -- "${OPS[@]}"; then
	got=$(jq -s 'map(select(.comm == "blockio" and .us >= 0 and (.kstack | length) > 0)) | length' "$TMP/timed.out")
	expect_eq "$T: -j -Q: time in us by stack, one stack each for reads and writes" "$got" 2
fi
expect_exit "$T: --disk of no such disk: exit 64" 64 "$BIN/$T" --disk bk-no-such-disk
expect_exit "$T: -K with --user-only: exit 64" 64 "$BIN/$T" -K --user-only
