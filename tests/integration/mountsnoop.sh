#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# mountsnoop against tests/triggers/mounter: a tmpfs mounted and unmounted in
# a private mount namespace with mount(2), then with the mount API; each
# call exactly, with its arguments, result and namespace.
. "$(dirname "$0")/../lib.sh"
. tests/fslib.sh
T=mountsnoop


D=$TMP/m
mkdir -p "$D"

# traced starts the tool once the trigger waits, in its own namespace: note that namespace.
ns_of() { readlink "/proc/$1/ns/mnt" | tr -dc 0-9; }

if traced json $T -j -p @PID@ -- "$TRIG/mounter" -w "$D"; then
	json_valid "$TMP/json.out" && pass "$T: -j output is valid JSON" ||
		fail "$T: -j output is valid JSON" "$(head -2 "$TMP/json.out")"
	got=$(jq -c 'del(.time, .pid, .tid, .uid, .comm, .lat_ns, .mnt_ns) |
		with_entries(select(.key | endswith("_truncated") | not))' "$TMP/json.out" |
		sed "s|$D|D|g" | tr '\n' ' ')
	want='{"call":"mount","ret":0,"err":0,"source":"bk-tmpfs","target":"D/a","fstype":"tmpfs","flags":6,"data":"size=1m,mode=700"} '
	want+='{"call":"umount2","ret":0,"err":0,"target":"D/a","flags":0} '
	want+='{"call":"fsopen","ret":3,"err":0,"fsname":"tmpfs","flags":1} '
	want+='{"call":"fsconfig","ret":0,"err":0,"fd":3,"cmd":"FSCONFIG_SET_STRING","key":"size","value":"2m","aux":0} '
	want+='{"call":"fsconfig","ret":0,"err":0,"fd":3,"cmd":"FSCONFIG_CMD_CREATE","key":null,"aux":0} '
	want+='{"call":"fsmount","ret":4,"err":0,"fd":3,"flags":1,"attr_flags":4} '
	want+='{"call":"move_mount","ret":0,"err":0,"from_dfd":4,"from_path":"","to_dfd":-100,"to_path":"D/b","flags":4} '
	want+='{"call":"mount_setattr","ret":0,"err":0,"dfd":-100,"path":"D/b","flags":0,"attr_set":1,"attr_clr":0} '
	want+='{"call":"open_tree","ret":5,"err":0,"dfd":-100,"path":"D/b","flags":524289} '
	want+='{"call":"fspick","ret":6,"err":0,"dfd":-100,"path":"D/b","flags":1} '
	want+='{"call":"umount2","ret":0,"err":0,"target":"D/b","flags":2} '
	want+='{"call":"mount","ret":-1,"err":2,"source":"none","target":"D/missing","fstype":"tmpfs","flags":0,"data":null} '
	expect_eq "$T: -j: the twelve calls in order, with their arguments and results" "$got" "$want"
	n=$(jq -s --argjson pid "$TRIG_PID" 'map(select(.pid == $pid and .tid == $pid and .comm == "mounter" and .lat_ns > 0)) | length' "$TMP/json.out")
	expect_eq "$T: -j: pid, tid, comm and latency of each" "$n" 12
	nss=$(jq -s -c 'map(.mnt_ns) | unique' "$TMP/json.out")
	host=$(ns_of $$)
	if [ "$nss" != "[$host]" ] && [ "$(jq length <<<"$nss")" = 1 ]; then
		pass "$T: -j: every call in the trigger's own mount namespace, not the test's ($host)"
	else
		fail "$T: -j: every call in the trigger's own mount namespace" "namespaces $nss, the test's is $host"
	fi
fi

if traced cols $T -p @PID@ -- "$TRIG/mounter" -w "$D"; then
	got=$(awk -v pid="$TRIG_PID" '$1 == pid && $2 == "mounter" { $1 = $2 = $3 = ""; print substr($0, 4) }' \
		"$TMP/cols.out" | sed "s|$D|D|g")
	want='mount("bk-tmpfs", "D/a", "tmpfs", MS_NOSUID|MS_NODEV, "size=1m,mode=700") = 0
umount2("D/a", 0) = 0
fsopen("tmpfs", FSOPEN_CLOEXEC) = 3
fsconfig(3, FSCONFIG_SET_STRING, "size", "2m", 0) = 0
fsconfig(3, FSCONFIG_CMD_CREATE, NULL, NULL, 0) = 0
fsmount(3, FSMOUNT_CLOEXEC, MOUNT_ATTR_NODEV) = 4
move_mount(4, "", AT_FDCWD, "D/b", MOVE_MOUNT_F_EMPTY_PATH) = 0
mount_setattr(AT_FDCWD, "D/b", 0, {attr_set=MOUNT_ATTR_RDONLY, attr_clr=0}) = 0
open_tree(AT_FDCWD, "D/b", OPEN_TREE_CLONE|OPEN_TREE_CLOEXEC) = 5
fspick(AT_FDCWD, "D/b", FSPICK_CLOEXEC) = 6
umount2("D/b", MNT_DETACH) = 0
mount("none", "D/missing", "tmpfs", 0, NULL) = -1 ENOENT'
	expect_eq "$T: columns: the twelve calls as strace would write them" "$got" "$want"
fi

# -x, and strings at and over the 511 bytes a record holds: cut only when longer.
if traced failed $T -x -j -p @PID@ -- "$TRIG/mounter" -w -l "$D"; then
	got=$(jq -s -c 'map("\(.call)/\(.err)")' "$TMP/failed.out")
	expect_eq "$T: -x shows the two failed mounts only" "$got" '["mount/2","mount/2"]'
	got=$(jq -s -c '.[1] | [(.source | length), .source_truncated, (.data | length), .data_truncated,
		(.data | test("^b+$")), .target_truncated]' "$TMP/failed.out")
	expect_eq "$T: a 511-byte string whole, a 600-byte one cut at 511 and flagged" "$got" \
		'[511,false,511,true,true,false]'
fi
