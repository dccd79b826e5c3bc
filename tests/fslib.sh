# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#
# Helpers for the file-system tools' tests (bash; sourced after lib.sh).
#
#   traced NAME TOOL TOOL-ARG... -- TRIGGER...
#       starts TRIGGER (which prints its PID and waits for a line on stdin:
#       fileops -w), then TOOL with its args, where @PID@ stands for the
#       trigger's PID; lets the trigger go, waits for it and stops the tool
#       with SIGTERM. Output in $TMP/NAME.out, the trigger's in
#       $TMP/NAME.trig; sets TRIG_PID, TRIG_RC and TOOL_RC. Returns 1 (with
#       a FAIL line) when the tool did not start or did not exit 0.
#   fs_type DIR      the type of the file system DIR is on ("ext4")
#   fs_dev FILE      its device as the tools show it ("254:0")
#   ext4_dir         a directory on an ext4 file system, in $EXT4 (on the
#                    host's root when it is ext4, else a loop-mounted image
#                    this file makes and removes); returns 1 when neither
#                    is possible.

traced() {
	local name=$1 tool=$2 a=() b=() fifo x
	shift 2
	while [ "$1" != -- ]; do a+=("$1"); shift; done
	shift
	fifo=$TMP/go.$name
	rm -f "$fifo"
	mkfifo "$fifo"
	"$@" <"$fifo" >"$TMP/$name.trig" 2>"$TMP/$name.trigerr" &
	TRIG_PID=$!
	exec 7<>"$fifo"
	for x in "${a[@]}"; do b+=("${x//@PID@/$TRIG_PID}"); done
	if ! start_tool "$name" "$tool" "${b[@]}"; then
		fail "$tool: $name: did not attach" "$(tail -3 "$TMP/$name.err")"
		exec 7>&-
		kill "$TRIG_PID" 2>/dev/null
		wait "$TRIG_PID" 2>/dev/null
		return 1
	fi
	echo go >&7
	exec 7>&-
	TRIG_RC=0
	wait "$TRIG_PID" || TRIG_RC=$?
	[ "$TRIG_RC" = 0 ] || fail "$tool: $name: the trigger failed" "status $TRIG_RC: $(head -3 "$TMP/$name.trigerr")"
	stop_tool TERM
	if [ "$TOOL_RC" != 0 ]; then
		fail "$tool: $name: exit status after SIGTERM" "$TOOL_RC: $(tail -3 "$TMP/$name.err")"
		return 1
	fi
	return 0
}

fs_type() {
	findmnt -n -o FSTYPE --target "$1" | head -1
}

fs_dev() {
	stat -c '%Hd:%Ld' "$1"
}

ext4_dir() {
	local img
	if [ "$(fs_type "$TMP")" = ext4 ]; then
		EXT4=$TMP/ext4
		mkdir -p "$EXT4"
		return 0
	fi
	command -v mkfs.ext4 >/dev/null || return 1
	img=$TMP/ext4.img
	EXT4=$TMP/ext4
	mkdir -p "$EXT4"
	truncate -s 64M "$img" && mkfs.ext4 -q -F "$img" >/dev/null 2>&1 &&
		mount -o loop "$img" "$EXT4" 2>/dev/null || return 1
	# lib.sh's exit trap removes $TMP; the file system must go first.
	trap 'umount "$EXT4" 2>/dev/null; rm -rf "$TMP"; [ -n "${TOOL_PID:-}" ] && kill -9 "$TOOL_PID" 2>/dev/null' EXIT
	return 0
}
