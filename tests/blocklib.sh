# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#
# Helpers for the block I/O tools' tests (bash; sourced after lib.sh).
#
#   blk_traced NAME TOOL TOOL-ARG... -- BLOCKIO-ARG...
#       starts tests/triggers/blockio -w -L 8 IMAGE BLOCKIO-ARG... (its own
#       loop device, gone with it), waits for its "disk" line, then starts
#       TOOL with its args, where @PID@, @DISK@ (loopN) and @DEV@
#       (MAJOR:MINOR) stand for the trigger's; lets the trigger go, waits for
#       it and stops the tool with SIGTERM. Output in $TMP/NAME.out; sets
#       TRIG_PID, TRIG_DISK, TRIG_DEV, TRIG_RC, TOOL_RC and STAT_BEFORE and
#       STAT_AFTER (the device's /sys/block/loopN/stat once the tool is
#       attached, and as the trigger printed it after its work). Returns 1 (with a FAIL line) when the
#       trigger or the tool did not start, or the tool did not exit 0.
#       BLK_STOP=self: the tool ends by itself (-d, or its -p process gone)
#       instead of SIGTERM.
#   blk_ios STAT: the requests a /sys/block/X/stat line says completed
#       (reads, writes, discards and flushes).

blk_traced() {
	local name=$1 tool=$2 a=() b=() fifo x i line
	shift 2
	while [ "$1" != -- ]; do a+=("$1"); shift; done
	shift
	fifo=$TMP/go.$name
	rm -f "$fifo"
	mkfifo "$fifo"
	"$TRIG/blockio" -w -L 8 "$TMP/img.$name" "$@" <"$fifo" >"$TMP/$name.trig" 2>"$TMP/$name.trigerr" &
	TRIG_PID=$!
	exec 7<>"$fifo"
	TRIG_DISK= TRIG_DEV=
	for i in {1..200}; do
		[ -e "$TMP/$name.trig" ] && while read -r line; do
			case $line in
			"disk "*) TRIG_DISK=${line#disk } ;;
			"dev "*) TRIG_DEV=${line#dev } ;;
			esac
		done <"$TMP/$name.trig"
		[ -n "$TRIG_DEV" ] && break
		kill -0 "$TRIG_PID" 2>/dev/null || break
		nap 0.05
	done
	if [ -z "$TRIG_DEV" ]; then
		fail "$tool: $name: the trigger made no loop device" "$(head -3 "$TMP/$name.trigerr")"
		exec 7>&-
		kill "$TRIG_PID" 2>/dev/null
		wait "$TRIG_PID" 2>/dev/null
		return 1
	fi
	for x in "${a[@]}"; do
		x=${x//@PID@/$TRIG_PID}
		x=${x//@DISK@/$TRIG_DISK}
		b+=("${x//@DEV@/$TRIG_DEV}")
	done
	if ! start_tool "$name" "$tool" "${b[@]}"; then
		fail "$tool: $name: did not attach" "$(tail -3 "$TMP/$name.err")"
		exec 7>&-
		kill "$TRIG_PID" 2>/dev/null
		wait "$TRIG_PID" 2>/dev/null
		return 1
	fi
	STAT_BEFORE=$(cat "/sys/block/$TRIG_DISK/stat")
	echo go >&7
	exec 7>&-
	TRIG_RC=0
	wait "$TRIG_PID" || TRIG_RC=$?
	[ "$TRIG_RC" = 0 ] || fail "$tool: $name: the trigger failed" "status $TRIG_RC: $(head -3 "$TMP/$name.trigerr")"
	STAT_AFTER=$(sed -n 's/^stat //p' "$TMP/$name.trig")
	if [ "${BLK_STOP:-}" = self ]; then wait_tool 20; else stop_tool TERM; fi
	if [ "$TOOL_RC" != 0 ]; then
		fail "$tool: $name: exit status after SIGTERM" "$TOOL_RC: $(tail -3 "$TMP/$name.err")"
		return 1
	fi
	return 0
}

blk_ios() {
	awk '{ print $1 + $5 + $12 + $16 }' <<<"$1"
}
