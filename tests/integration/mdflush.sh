#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# mdflush: on a kernel without md, one sentence and exit 1; with md (the VMs
# load md_mod and raid1), the columns of the flushes of an array that
# tests/triggers/mdbuild builds over two loop devices of its own, and its
# filters (-p -t -u -n --cgroup), each both ways, on one run of the row's
# trigger (common.sh's filter checks need the tool loaded: not on the host).
# (The table row runs its three flushes on each attach path, in the VMs.)
# All of it depends on the kernel: host_only is at the end.
. "$(dirname "$0")/../lib.sh"
. tests/fslib.sh
. tests/generic.sh
T=mdflush

if [ ! -e /proc/mdstat ]; then
	expect_exit "$T: without md, one sentence, exit 1" 1 "$BIN/$T"
	kernel_unsupported $T "$TMP/exit.err" 1 && grep -q 'no md (software RAID) driver' "$TMP/exit.err" ||
		fail "$T: the sentence names the missing md driver" "$(cat "$TMP/exit.err")"
	exit 0
fi
if traced cols $T -p @PID@ -- "$TRIG/mdbuild" -w -L + "$TMP/m1.img" "$TMP/m2.img" 2; then
	md=$(sed -n 's/^disk //p' "$TMP/cols.trig")
	got=$(awk -v pid="$TRIG_PID" '$1 == pid && $2 == "mdbuild" { print $3 }' "$TMP/cols.out" | tr '\n' ' ')
	expect_eq "$T: columns: the device of each flush" "$got" "$md $md "
	expect_eq "$T: columns: the header" "$(head -1 "$TMP/cols.out" | tr -s ' ')" "PID COMM DEVICE"
fi
table_read
gen_filters_once $T
host_only
