#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# syncsnoop against tests/triggers/fileops: each sync-family call exactly
# once per call made, with its file, in JSON and columns.
. "$(dirname "$0")/../lib.sh"
. tests/fslib.sh
T=syncsnoop


D=$TMP/d
mkdir -p "$D"
F=$D/synced
OPS="fsync*3 fdatasync*2 syncfs sfr*2 msync sync close !fsync"

# JSON: every call with its fields; the file's name, type, device and inode.
if traced json $T -j -p @PID@ -- "$TRIG/fileops" -w "$F" $OPS; then
	json_valid "$TMP/json.out" && pass "$T: -j output is valid JSON" ||
		fail "$T: -j output is valid JSON" "$(head -2 "$TMP/json.out")"
	want="{\"file\":\"synced\",\"fstype\":\"$(fs_type "$D")\",\"dev\":\"$(fs_dev "$F")\",\"ino\":$(stat -c %i "$F")}"
	got=$(jq -s -c --argjson pid "$TRIG_PID" --argjson f "$want" '
		map(select(.pid == $pid and .tid == $pid and .comm == "fileops" and .lat_ns > 0)) |
		[ (map(select(.call == "fsync" and .err == 0 and .fd >= 3 and
			{file, fstype, dev, ino} == $f)) | length),
		  (map(select(.call == "fsync" and .err == 9 and .file == null)) | length),
		  (map(select(.call == "fdatasync" and .err == 0 and {file, fstype, dev, ino} == $f)) | length),
		  (map(select(.call == "syncfs" and .err == 0 and .file == "synced")) | length),
		  (map(select(.call == "sync_file_range" and .err == 0 and .file == "synced" and
			.offset == 0 and .nbytes == 4096 and .flags == 2)) | length),
		  (map(select(.call == "msync" and .err == 0 and .len == 4096 and .flags == 4 and
			.file == null)) | length),
		  (map(select(.call == "sync" and .err == 0 and .fd == null and .file == null)) | length),
		  length ]' "$TMP/json.out")
	expect_eq "$T: -j: each call with its fields (fsync, failed fsync, fdatasync, syncfs, sync_file_range, msync, sync, all)" \
		"$got" "[3,1,2,1,2,1,1,11]"
fi

# Columns: the same calls, one line each; -x: only the failed fsync.
if traced cols $T -p @PID@ -- "$TRIG/fileops" -w "$F" $OPS; then
	got=$(awk -v pid="$TRIG_PID" '$1 == pid && $2 == "fileops" { n[$3 "/" $5 "/" $6 "/" $7]++ }
		END { for (k in n) print k "=" n[k] }' "$TMP/cols.out" | sort | tr '\n' ' ')
	t=$(fs_type "$D")
	expect_eq "$T: columns: call/err/fs/file of each line" "$got" \
		"fdatasync/0/$t/synced=2 fsync/0/$t/synced=3 fsync/9/-/?=1 msync/0/-/-=1 sync/0/-/-=1 sync_file_range/0/$t/synced=2 syncfs/0/$t/synced=1 "
fi
if traced failed $T -x -j -p @PID@ -- "$TRIG/fileops" -w "$F" $OPS; then
	got=$(jq -s -c 'map("\(.call)/\(.err)")' "$TMP/failed.out")
	expect_eq "$T: -x shows the failed call only" "$got" '["fsync/9"]'
fi
