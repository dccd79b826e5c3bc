#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# fsslower (ext4slower) against tests/triggers/fileops: reads and writes made
# to wait a known time (userfaultfd, -D) inside the system call, on an ext4
# file and on a tmpfs file; only ext4's, with the right file, size, offset
# and latency, on every attach path this kernel has.
. "$(dirname "$0")/../lib.sh"
. tests/fslib.sh
T=fsslower

expect_exit "$T: --fs with a space is a usage error" 64 "$BIN/$T" --fs 'ext 4'
expect_exit "$T: a 16-character --fs is a usage error" 64 "$BIN/$T" --fs abcdefghijklmnop
expect_exit "$T: min_ms -1 is a usage error" 64 "$BIN/$T" -- -1
expect_exit "$T: min_ms 1x is a usage error" 64 "$BIN/$T" 1x
expect_exit "$T: two thresholds are a usage error" 64 "$BIN/$T" 1 2
expect_exit "$T: -c with -j is a usage error" 64 "$BIN/$T" -c -j
expect_exit "$T: ext4slower --fs xfs is a usage error" 64 "$BIN/ext4slower" --fs xfs

if ! ext4_dir; then
	skip "$T: ext4" "no ext4 file system here and none could be made (mkfs.ext4, loop devices)"
	exit 0
fi
SHM=$(mktemp -d /dev/shm/bpfkit-fsl.XXXXXX)
trap 'umount "$EXT4" 2>/dev/null; rm -rf "$TMP" "$SHM"; [ -n "${TOOL_PID:-}" ] && kill -9 "$TOOL_PID" 2>/dev/null' EXIT
F=$EXT4/slow-file
G=$SHM/slow-file
NAME=fsl$((RANDOM % 100000))
ln -s "$(readlink -f "$TRIG/fileops")" "$TMP/$NAME"
DELAY=250
# ~ marks the operations that wait DELAY ms. pread/pwrite leave the file
# position at 0, where the ~write starts.
OPS="~pwrite:4096@8192 pread:100@0 ~pread:1000@4096 pwrite:10@0 ~write:300 open fsync"

# both NAME TOOL-ARGS...: the tool with TOOL-ARGS, and the trigger (as
# command $NAME) on the ext4 file, then on the tmpfs file.
both() {
	local name=$1
	shift
	start_tool "$name" "$@" || { fail "$T: $name: did not attach" "$(tail -3 "$TMP/$name.err")"; return 1; }
	"$TMP/$NAME" -D $DELAY "$F" $OPS >/dev/null || fail "$T: $name: the trigger failed on ext4" ""
	"$TMP/$NAME" -D $DELAY "$G" $OPS >/dev/null || fail "$T: $name: the trigger failed on tmpfs" ""
	stop_tool TERM
	[ "$TOOL_RC" = 0 ] || { fail "$T: $name: SIGTERM exit status" "$TOOL_RC"; return 1; }
}

ino=$(stat -c %i "$F" 2>/dev/null || { : >"$F"; stat -c %i "$F"; })
dev=$(fs_dev "$F")
# Every operation, in order, with its fields, on the path this kernel
# chooses (tools.table's row runs each path): none of tmpfs's.
if both json ext4slower -j -n "$NAME" 0; then
	out=$TMP/json.out
	approx=$([ "$ATTACH_PATH" = syscalls ] && echo true || echo false)
	got=$(jq -s -c --arg dev "$dev" --argjson ino "$ino" --argjson d $DELAY --argjson approx $approx '
		map(select(.file == "slow-file")) |
		[ (map(select(.fstype != "ext4" or .dev != $dev or .ino != $ino or .approx != $approx or
			.err != 0)) | length),
		  (map(if .lat_ns >= $d * 1000000 then "slow " else "" end + .op +
			if .bytes then " \(.bytes)@\(.offset)" else "" end)) ]' "$out")
	# The trigger opens its file first (O_CREAT), then does OPS.
	expect_eq "$T: $ATTACH_PATH: ext4's operations exactly, with file, size, offset, latency; none of tmpfs's" "$got" \
		"[0,[\"open\",\"slow write 4096@8192\",\"read 100@0\",\"slow read 1000@4096\",\"write 10@0\",\"slow write 300@0\",\"open\",\"fsync\"]]"
fi
first=$ATTACH_PATH

# The threshold, in columns: the three delayed operations only.
both cols ext4slower -n "$NAME" $((DELAY / 2))
# (An fsync can take that long on a loaded disk: the reads and writes only.)
got=$(awk -v n="$NAME" '$2 == n && $3 != "F" { print $3, $4, $5, ($6 >= '$DELAY') ? "slow" : "fast", $7 }' "$TMP/cols.out" | tr '\n' '|')
expect_eq "$T: columns: over $((DELAY / 2)) ms, the three delayed ones (T BYTES OFF_KB LAT FILE)" "$got" \
	"W 4096 8 slow slow-file|R 1000 4 slow slow-file|W 300 0 slow slow-file|"
if [ "$first" = syscalls ]; then
	grep -q '^# approximation: the system calls on regular files of ext4 file systems are timed' "$TMP/cols.out" &&
		pass "$T: the approximation is said above the header" ||
		fail "$T: the approximation is said above the header" "$(head -2 "$TMP/cols.out")"
fi

# CSV, in bcc's format.
both csv ext4slower -c -n "$NAME" $((DELAY / 2))
got=$(awk -F, -v n="$NAME" 'NR == 1 { print } $2 == n && $4 != "F" { print $2 "," $4 "," $5 "," $6 "," ($7 >= '$DELAY'000) "," $8 }' "$TMP/csv.out" | tr '\n' '|')
expect_eq "$T: -c: a header and the three delayed ones" "$got" \
	"ENDTIME_us,TASK,PID,TYPE,BYTES,OFFSET_b,LATENCY_us,FILE|$NAME,W,4096,8192,1,slow-file|$NAME,R,1000,4096,1,slow-file|$NAME,W,300,0,1,slow-file|"

# --fs tmpfs (the syscalls path: tmpfs has no functions of its own here): tmpfs's only.
both tmpfs fsslower --fs tmpfs -j -n "$NAME" $((DELAY / 2))
got=$(jq -s -r 'map("\(.fstype) \(.op) \(.bytes)@\(.offset) \(.approx)") | join(",")' "$TMP/tmpfs.out")
expect_eq "$T: --fs tmpfs: the tmpfs file's delayed operations only" "$got" \
	"tmpfs write 4096@8192 true,tmpfs read 1000@4096 true,tmpfs write 300@0 true"
