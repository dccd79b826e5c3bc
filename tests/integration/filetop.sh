#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# filetop against tests/triggers/fileops: exact reads, writes and bytes per
# file and process in columns, readv and writev, other file types only with
# -a. Each attach path and the filters: its row in tests/tools.table.
. "$(dirname "$0")/../lib.sh"
. tests/fslib.sh
T=filetop

expect_exit "$T: an unknown --sort is a usage error" 64 "$BIN/$T" -S size
expect_exit "$T: -r 0 is a usage error" 64 "$BIN/$T" -r 0
expect_exit "$T: interval 0 is a usage error" 64 "$BIN/$T" 0

D=$TMP/d
mkdir -p "$D"
F=$D/top-file
: >"$F"
OPS="pread:1000@0*7 pwrite:300@0*5"

# sums FILE: each row's counters summed over the refreshes, for the trigger's file.
sums() {
	jq -s -c --argjson pid "$TRIG_PID" --arg dev "$(fs_dev "$F")" --argjson ino "$(stat -c %i "$F")" '
		map(select(.pid == $pid and .file == "top-file")) |
		[ (map(select(.comm != "fileops" or .type != "R" or .dev != $dev or .ino != $ino)) | length),
		  (map(.reads) | add), (map(.writes) | add), (map(.read_bytes) | add),
		  (map(.write_bytes) | add) ]' "$1"
}

# readv and writev.
if traced vec $T -j -p @PID@ 0.1 -- "$TRIG/fileops" -w "$F" readv:10*3 writev:20*2; then
	got=$(sums "$TMP/vec.out")
	expect_eq "$T: readv and writev are counted" "$got" "[0,3,2,30,40]"
	# Said in full when it fails: it once saw nothing under load, not since.
	[ "$got" = "[0,3,2,30,40]" ] || { head -c 600 "$TMP/vec.out"; grep -v '^libbpf' "$TMP/vec.err" | tail -5; } | sed 's/^/    /'
fi

# Columns, one refresh at the end; -L names the thread.
if traced cols $T -L -p @PID@ 10 -- "$TRIG/fileops" -w "$F" $OPS; then
	got=$(awk -v tid="$TRIG_PID" '$1 == tid && $2 == "fileops" { print $3, $4, $5, $6, $7, $8 }' "$TMP/cols.out")
	expect_eq "$T: columns: READS WRITES R_KB W_KB T FILE" "$got" "7 5 6 1 R top-file"
	grep -q '^TID ' "$TMP/cols.out" && pass "$T: -L: a TID column" || fail "$T: -L: a TID column" "$(head -2 "$TMP/cols.out")"
fi

# Other file types: a character device, only with -a.
if traced regular $T -j -p @PID@ 10 -- "$TRIG/fileops" -w /dev/null pwrite:100@0*4; then
	expect_eq "$T: without -a, no device writes" "$(jq -s length "$TMP/regular.out")" 0
fi
if traced all $T -a -j -p @PID@ 10 -- "$TRIG/fileops" -w /dev/null pwrite:100@0*4; then
	got=$(jq -s -c 'map(select(.file == "null")) | map("\(.type) \(.writes) \(.write_bytes)")' "$TMP/all.out")
	expect_eq "$T: -a: the device's writes" "$got" '["C 4 400"]'
fi
