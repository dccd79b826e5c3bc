#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# filelife against tests/triggers/fileops: files created and removed after a
# known delay, with that age, on ext4 through its tracepoints, tmpfs refused
# or left out on the tracepoint path, and an overlay mount (the tracepoint
# path's pairing by name). Each attach path and the filters: its row in
# tests/tools.table.
. "$(dirname "$0")/../lib.sh"
. tests/fslib.sh
T=filelife

expect_exit "$T: --fs with a slash is a usage error" 64 "$BIN/$T" --fs a/b

if ! ext4_dir; then
	skip "$T: ext4" "no ext4 file system here and none could be made (mkfs.ext4, loop devices)"
	exit 0
fi
SHM=$(mktemp -d /dev/shm/bpfkit-fl.XXXXXX)
OV=$TMP/ov
trap 'umount "$OV/m" "$EXT4" 2>/dev/null; rm -rf "$TMP" "$SHM"; [ -n "${TOOL_PID:-}" ] && kill -9 "$TOOL_PID" 2>/dev/null' EXIT
: >"$EXT4/holder"
: >"$SHM/holder"
# ops DIR: a file that lives 300 ms, then one that lives no time.
ops() {
	rm -f "$1/lf-a" "$1/lf-b"
	echo "create:$1/lf-a sleep:300 unlink:$1/lf-a create:$1/lf-b unlink:$1/lf-b"
}
# lives FILE FSTYPE SOURCE: the trigger's two files, by name, with their ages.
lives() {
	jq -s -c --argjson pid "$TRIG_PID" --arg fs "$2" --arg src "$3" '
		map(select(.pid == $pid and .creator_pid == $pid and .comm == "fileops" and
			.fstype == $fs and .source == $src and .approx == ($src == "syscalls"))) |
		map("\(.file) " + if .age_ns >= 300000000 then "old" else "new" end)' "$1"
}
WANT='["lf-a old","lf-b new"]'

# tmpfs on the tracepoint path: refused with --fs tmpfs, left out without.
if "$BIN/$T" --force-path=tracepoint -d 0.1 >/dev/null 2>&1; then
	expect_exit "$T: tracepoint: --fs tmpfs is refused in one sentence" 1 "$BIN/$T" --force-path=tracepoint --fs tmpfs
	grep -q 'tmpfs' "$TMP/exit.err" || fail "$T: the refusal names tmpfs" "$(cat "$TMP/exit.err")"
	if traced tmpfs $T -j -p @PID@ --force-path=tracepoint -- "$TRIG/fileops" -w "$SHM/holder" $(ops "$SHM"); then
		expect_eq "$T: tracepoint: tmpfs files are left out" "$(jq -s length "$TMP/tmpfs.out")" 0
	fi
	# ext4 through its own tracepoints, exact, not approximated.
	if traced ext4 $T -j -p @PID@ --force-path=tracepoint -- "$TRIG/fileops" -w "$EXT4/holder" $(ops "$EXT4"); then
		expect_eq "$T: tracepoint: ext4: the two files with their ages, through ext4's tracepoints" \
			"$(lives "$TMP/ext4.out" ext4 ext4)" "$WANT"
	fi
fi

# The tracepoint path's pairing by name, on a file system with no tracepoints
# of its own: overlay (over tmpfs, so that no ext4 tracepoint sees the files).
mkdir -p "$OV"/{l,m} "$SHM"/{u,w}
if "$BIN/$T" --force-path=tracepoint -d 0.1 >/dev/null 2>&1 &&
   mount -t overlay bk-ov -o "lowerdir=$OV/l,upperdir=$SHM/u,workdir=$SHM/w" "$OV/m" 2>/dev/null; then
	: >"$OV/m/holder"
	if traced byname $T -j -p @PID@ --force-path=tracepoint -- "$TRIG/fileops" -w "$OV/m/holder" $(ops "$OV/m"); then
		expect_eq "$T: overlay: paired by name, approx" "$(lives "$TMP/byname.out" overlay syscalls)" "$WANT"
	fi
	if traced cols $T -p @PID@ --force-path=tracepoint -- "$TRIG/fileops" -w "$OV/m/holder" $(ops "$OV/m"); then
		got=$(awk -v pid="$TRIG_PID" '$1 == pid && $2 == "fileops" { print $4, ($3 >= 0.3) }' "$TMP/cols.out" | tr '\n' ' ')
		expect_eq "$T: columns: FILE and an AGE(s) of at least 0.3 s for the first" "$got" "lf-a 1 lf-b 0 "
		grep -q '^# approximation: files on file systems other than ext4, xfs and tmpfs are paired by name' "$TMP/cols.out" &&
			pass "$T: the approximation is said above the header" ||
			fail "$T: the approximation is said above the header" "$(head -1 "$TMP/cols.out")"
	fi
	if traced onlyext4 $T -j --fs ext4 -p @PID@ --force-path=tracepoint -- "$TRIG/fileops" -w "$OV/m/holder" $(ops "$OV/m"); then
		expect_eq "$T: --fs ext4: overlay files are left out" "$(jq -s length "$TMP/onlyext4.out")" 0
	fi
	umount "$OV/m"
else
	skip "$T: pairing by name" "no tracepoint path or no overlay file system here"
fi
