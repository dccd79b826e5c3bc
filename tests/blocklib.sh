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

# blk_partitioned: a 16 MB loop device with an MBR partition table of two
# partitions (written here: no partitioner needed), scanned by the kernel
# (losetup -P): loopNp1 on sectors 2048-6143, loopNp2 on 8192-16383. A
# kernel without the MBR parser (CONFIG_MSDOS_PARTITION, as this host's)
# is given the same two partitions with addpart (BLKPG).
# Sets PART_DISK (loopN); the device is detached when the test ends. 0, or
# 1 with a SKIP line when no loop device could be made.
blk_partitioned() {
	local img=$TMP/part.img i
	PART_DISK=
	truncate -s 16M "$img" || return 1
	# Entry N at 446 + 16 (N - 1): type 0x83 at +4, first sector at +8 and
	# sector count at +12 (little-endian); the signature 55 aa at 510.
	blk_mbr_entry() {
		printf "\\x00\\x00\\x00\\x00\\x83\\x00\\x00\\x00$(blk_le32 "$2")$(blk_le32 "$3")" |
			dd of="$img" bs=1 seek=$((446 + 16 * ($1 - 1))) conv=notrunc status=none
	}
	blk_le32() { printf '\\x%02x\\x%02x\\x%02x\\x%02x' $(($1 & 255)) $(($1 >> 8 & 255)) $(($1 >> 16 & 255)) $(($1 >> 24 & 255)); }
	blk_mbr_entry 1 2048 4096
	blk_mbr_entry 2 8192 8192
	printf '\x55\xaa' | dd of="$img" bs=1 seek=510 conv=notrunc status=none
	if ! PART_DISK=$(losetup -f --show -P "$img" 2>"$TMP/losetup.err"); then
		skip "partitions: a loop device with a partition table" "$(head -1 "$TMP/losetup.err")"
		PART_DISK=
		return 1
	fi
	PART_DISK=${PART_DISK#/dev/}
	trap 'losetup -d "/dev/$PART_DISK" 2>/dev/null; rm -rf "$TMP"; [ -n "${TOOL_PID:-}" ] && kill -9 "$TOOL_PID" 2>/dev/null' EXIT
	for i in {1..20}; do
		[ -b "/dev/${PART_DISK}p2" ] && return 0
		nap 0.05
	done
	addpart "/dev/$PART_DISK" 1 2048 4096 2>"$TMP/addpart.err" &&
		addpart "/dev/$PART_DISK" 2 8192 8192 2>>"$TMP/addpart.err"
	for i in {1..100}; do
		[ -b "/dev/${PART_DISK}p2" ] && return 0
		nap 0.05
	done
	fail "partitions: ${PART_DISK}'s two partitions" "$(ls /dev/${PART_DISK}* | tr '\n' ' ') $(head -2 "$TMP/addpart.err")"
	return 1
}

# blk_part_run NAME TOOL TOOL-ARG...: TOOL (@DISK@ is PART_DISK) while
# tests/triggers/blockio writes and reads 4 KiB on the partitions and the
# whole disk of blk_partitioned, in this order (sectors on the disk):
# p1 write at 0 (2048), p1 read at 8192 (2064), p2 read at 0 (8192), disk
# write at 0 (0, in no partition), disk write at 1069056 (2088, in p1).
# Stopped with SIGTERM; output in $TMP/NAME.out. 1 with a FAIL line when it
# did not attach or did not exit 0, or an I/O failed.
blk_part_run() {
	local name=$1 tool=$2 a=() x d=/dev/$PART_DISK
	shift 2
	for x; do a+=("${x//@DISK@/$PART_DISK}"); done
	if ! start_tool "$name" "$tool" "${a[@]}"; then
		fail "$tool: $name: did not attach" "$(tail -3 "$TMP/$name.err")"
		return 1
	fi
	if ! { "$TRIG/blockio" "${d}p1" w:4096@0 r:4096@8192 && "$TRIG/blockio" "${d}p2" r:4096@0 &&
		"$TRIG/blockio" "$d" w:4096@0 w:4096@1069056; } >/dev/null 2>"$TMP/$name.trigerr"; then
		fail "$tool: $name: the I/O on $PART_DISK failed" "$(head -3 "$TMP/$name.trigerr")"
		stop_tool TERM
		return 1
	fi
	stop_tool TERM
	if [ "$TOOL_RC" != 0 ]; then
		fail "$tool: $name: exit status after SIGTERM" "$TOOL_RC: $(tail -3 "$TMP/$name.err")"
		return 1
	fi
	return 0
}
