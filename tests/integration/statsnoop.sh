#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# statsnoop against tests/triggers/fileops: each stat-family call exactly,
# with its path and result, in JSON and columns.
. "$(dirname "$0")/../lib.sh"
. tests/fslib.sh
T=statsnoop


D=$TMP/d
mkdir -p "$D"
F=$D/statted
M=$D/missing
# A path of 4095 bytes (the longest the kernel takes) in components of at
# most 200: shown whole.
LONG=$D
while [ $((${#LONG} + 201)) -le 4095 ]; do LONG=$LONG/$(printf 'x%.0s' $(seq 1 200)); done
LONG=$LONG/$(printf 'y%.0s' $(seq 1 $((4094 - ${#LONG}))))
OPS="stat*3 lstat*2 fstatat*2 statx*2 statfs !stat:$M*4 !lstat:$LONG fstat"

if traced json $T -j -p @PID@ -- "$TRIG/fileops" -w "$F" $OPS; then
	json_valid "$TMP/json.out" && pass "$T: -j output is valid JSON" ||
		fail "$T: -j output is valid JSON" "$(head -2 "$TMP/json.out")"
	got=$(jq -s -c --argjson pid "$TRIG_PID" --arg f "$F" --arg m "$M" --arg long "$LONG" '
		map(select(.pid == $pid and .comm == "fileops")) |
		[ (map(select(.path == $f and .err == 0)) | group_by(.call) | map("\(.[0].call)=\(length)")),
		  (map(select(.path == $m and .err == 2 and .call == "stat")) | length),
		  (map(select(.path == $long and .call == "lstat" and .err == 2)) | length),
		  (map(select(.call == "fstatat" and .path == $f)) | map(.flags) | unique),
		  length ]' "$TMP/json.out")
	expect_eq "$T: -j: successful calls per kind, failed stats, the 4095-byte path whole, flags, all" \
		"$got" '[["fstatat=2","lstat=2","stat=3","statfs=1","statx=2"],4,1,[0],15]'
fi

if traced cols $T -p @PID@ -- "$TRIG/fileops" -w "$F" $OPS; then
	got=$(awk -v pid="$TRIG_PID" -v f="$F" -v m="$M" '$1 == pid && $2 == "fileops" && ($5 == f || $5 == m) { n[$3 "/" $4]++ }
		END { for (k in n) print k "=" n[k] }' "$TMP/cols.out" | sort | tr '\n' ' ')
	expect_eq "$T: columns: call/err of each line" "$got" \
		"fstatat/0=2 lstat/0=2 stat/0=3 stat/2=4 statfs/0=1 statx/0=2 "
fi
if traced failed $T -x -j -p @PID@ -- "$TRIG/fileops" -w "$F" $OPS; then
	got=$(jq -s -c --arg m "$M" 'map(select(.path != $m)) | map("\(.call)/\(.err)")' "$TMP/failed.out")
	n=$(jq -s --arg m "$M" 'map(select(.path == $m and .err == 2)) | length' "$TMP/failed.out")
	expect_eq "$T: -x shows the five failed calls only" "$n $got" '4 ["lstat/2"]'
fi
