#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# fsdist (ext4dist) against tests/triggers/fileops: exact counts of each
# operation on an ext4 file, and the reads and writes made to wait 150 ms
# (userfaultfd) in the slots from 128 ms up (not only 128-255 ms: in an
# emulated VM a 150 ms sleep can take longer). Each attach path and the
# filters: its row in tests/tools.table.
. "$(dirname "$0")/../lib.sh"
. tests/fslib.sh
T=fsdist

expect_exit "$T: interval 0 is a usage error" 64 "$BIN/$T" 0
expect_exit "$T: a third argument is a usage error" 64 "$BIN/$T" 1 2 3
expect_exit "$T: xfsdist --fs ext4 is a usage error" 64 "$BIN/xfsdist" --fs ext4

if ! ext4_dir; then
	skip "$T: ext4" "no ext4 file system here and none could be made (mkfs.ext4, loop devices)"
	exit 0
fi
F=$EXT4/dist-file
OPS="~pread:4096@0*3 pread:10@0*2 ~pwrite:100@0*2 open*2 fsync fstat*3"
WANT='["read=5 slow=3","write=2 slow=2","open=2","fsync=1","getattr=3"]'

# The path this kernel chooses (tools.table's row runs each path): approx
# said exactly when it times the system calls.
if traced json ext4dist -j -m -p @PID@ -- "$TRIG/fileops" -w -D 150 "$F" $OPS; then
	approx=$([ "$ATTACH_PATH" = syscalls ] && echo true || echo false)
	got=$(jq -s -c --argjson approx $approx '
		map(select(.fs == "ext4" and .unit == "msecs" and .approx == $approx and
			.count == (.hist | map(.count) | add))) |
		map("\(.op)=\(.count)" + if .op == "read" or .op == "write" then
			" slow=\(.hist | map(select(.low >= 128) | .count) | add // 0)" else "" end)' "$TMP/json.out")
	expect_eq "$T: $ATTACH_PATH: the count of each operation, the delayed ones from 128 ms up, approx $approx" "$got" "$WANT"
fi

# Columns, and intervals: with a 0.2 s interval the operations are spread
# over several, and the counts still add up.
if traced cols ext4dist -p @PID@ 0.2 -- "$TRIG/fileops" -w -D 150 "$F" $OPS; then
	got=$(awk '/^[a-z]+: [0-9]+ operations/ { n[$1] += $2 } END { print n["read:"], n["write:"], n["open:"], n["fsync:"], n["getattr:"] }' "$TMP/cols.out")
	expect_eq "$T: columns over 0.2 s intervals: the counts add up" "$got" "5 2 2 1 3"
	n=$(grep -c '^[0-9][0-9]:[0-9][0-9]:[0-9][0-9]$' "$TMP/cols.out")
	[ "$n" -ge 3 ] && pass "$T: one time line per interval ($n)" || fail "$T: one time line per interval" "$n"
	n=$(awk '$2 == "->" && $1 >= 131072 { n += $5 } END { print n + 0 }' "$TMP/cols.out")
	if [ "$n" -ge 5 ]; then
		pass "$T: columns: the five delayed operations in the slots from 131072 usecs up"
	else
		fail "$T: columns: the five delayed operations in the slots from 131072 usecs up" "$n"
	fi
fi
