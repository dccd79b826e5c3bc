#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# mdflush: on a kernel without md, one sentence and exit 1; with md (the VMs
# load md_mod and raid1), a RAID1 array built over two loop devices by
# tests/triggers/mdbuild, fsynced three times: three flushes of md9 by the
# trigger, on each attach path.
. "$(dirname "$0")/../lib.sh"
. tests/fslib.sh
T=mdflush


if [ ! -e /proc/mdstat ]; then
	expect_exit "$T: without md, one sentence, exit 1" 1 "$BIN/$T"
	grep -q 'no md (software RAID) driver' "$TMP/exit.err" ||
		fail "$T: the sentence names the missing md driver" "$(cat "$TMP/exit.err")"
	matrix $T fentry n/a
	matrix $T kprobe n/a
	exit 0
fi
modprobe raid1 2>/dev/null
LOOPS=()
for i in 1 2; do
	truncate -s 16M "$TMP/md$i.img"
	# losetup -f, then the device: busybox's (the VMs') has no --show.
	l=$(losetup -f 2>>"$TMP/losetup.err") && losetup "$l" "$TMP/md$i.img" 2>>"$TMP/losetup.err" || l=
	LOOPS+=("$l")
done
trap 'for l in "${LOOPS[@]}"; do [ -n "$l" ] && losetup -d "$l"; done; rm -rf "$TMP"; [ -n "${TOOL_PID:-}" ] && kill -9 "$TOOL_PID" 2>/dev/null' EXIT
if [ -z "${LOOPS[0]}" ] || [ -z "${LOOPS[1]}" ]; then
	skip "$T: flushes" "no loop devices for an md array: $(head -2 "$TMP/losetup.err")"
	exit 0
fi
for path in fentry kprobe; do
	if ! "$BIN/$T" --force-path=$path -d 0.1 >/dev/null 2>"$TMP/probe.err"; then
		skip "$T: $path path" "$(cat "$TMP/probe.err")"
		matrix $T $path n/a
		continue
	fi
	ok=0
	if traced "md-$path" $T -j -p @PID@ --force-path=$path -- "$TRIG/mdbuild" -w 9 "${LOOPS[@]}" 3; then
		got=$(jq -s -c --argjson pid "$TRIG_PID" 'map(select(.pid == $pid and .comm == "mdbuild")) | map(.disk)' "$TMP/md-$path.out")
		expect_eq "$T: $path: the trigger's three flushes of md9" "$got" '["md9","md9","md9"]'
		[ "$got" = '["md9","md9","md9"]' ] && ok=1
	fi
	matrix $T $path $([ $ok = 1 ] && echo pass || echo fail)
done
if traced cols $T -p @PID@ -- "$TRIG/mdbuild" -w 9 "${LOOPS[@]}" 2; then
	got=$(awk -v pid="$TRIG_PID" '$1 == pid && $2 == "mdbuild" { print $3 }' "$TMP/cols.out" | tr '\n' ' ')
	expect_eq "$T: columns: the device of each flush" "$got" "md9 md9 "
fi
