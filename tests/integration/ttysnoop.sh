#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# ttysnoop against tests/triggers/ptywriter (a text written once to a new
# pts, once to a pipe): the terminal named as an argument, the columns,
# --raw, a write longer than a record, usage errors. The row in
# tests/tools.table checks the JSON and the filters with every terminal.
. "$(dirname "$0")/../lib.sh"
. tests/fslib.sh
T=ttysnoop
host_only

expect_exit "$T: a file that is no terminal is a usage error" 64 "$BIN/$T" /dev/null
expect_exit "$T: a missing terminal is a usage error" 64 "$BIN/$T" /dev/pts/999999
expect_exit "$T: two terminals are a usage error" 64 "$BIN/$T" /dev/console /dev/console
expect_exit "$T: --raw with -j is a usage error" 64 "$BIN/$T" --raw -j

# The trigger's pts is known once it runs: trace every terminal of its pid,
# then check that naming that pts (and another) selects it.
if traced cols $T -T -p @PID@ -- "$TRIG/ptywriter" -w 'bk tty	hello'; then
	tty=$(sed -n 's|^pts /dev/||p' "$TMP/cols.trig")
	sed -n 1p "$TMP/cols.out" | grep -q '^# approximate: write(2) calls only' &&
		pass "$T: columns: the header says it is an approximation" ||
		fail "$T: columns: the header says it is an approximation" "$(head -1 "$TMP/cols.out")"
	got=$(awk -v p="$TRIG_PID" '$2 == p { $1 = ""; print }' "$TMP/cols.out")
	expect_eq "$T: columns: the one write to the pts, tab escaped" "$got" " $TRIG_PID ptywriter $tty bk tty\\thello"
fi

# A named pts: made before the tool starts, by a trigger that waits.
# mk_pts NAME TEXT: PTY_PID[NAME], PTY_PATH[NAME], PTY_FD[NAME]; pts_go NAME lets it write.
declare -A PTY_PID PTY_PATH PTY_FD
mk_pts() {
	local fifo=$TMP/pty.$1 fd i
	mkfifo "$fifo"
	"$TRIG/ptywriter" -w "$2" <"$fifo" >"$TMP/pty.$1.out" 2>/dev/null &
	PTY_PID[$1]=$!
	exec {fd}<>"$fifo"
	PTY_FD[$1]=$fd
	for i in {1..100}; do
		PTY_PATH[$1]=$(sed -n 's/^pts //p' "$TMP/pty.$1.out")
		[ -n "${PTY_PATH[$1]}" ] && return 0
		nap 0.05
	done
	return 1
}
pts_go() {
	local fd=${PTY_FD[$1]}
	echo go >&"$fd"
	exec {fd}>&-
	wait "${PTY_PID[$1]}" 2>/dev/null
}

mk_pts long "$(printf 'x%.0s' {1..3000})"
start_tool named $T -j "${PTY_PATH[long]}"
pts_go long
stop_tool TERM
got=$(jq -r --argjson p "${PTY_PID[long]}" 'select(.pid == $p) | "\(.bytes) \(.data | length) \(.data_truncated)"' "$TMP/named.out")
expect_eq "$T: TTY: a write of 3000 bytes to it, cut at 2048 and said so" "$got" "3000 2048 true"

mk_pts raw bk-raw-text
start_tool raw $T --raw "${PTY_PATH[raw]#/dev/}"
pts_go raw
stop_tool TERM
expect_eq "$T: --raw pts/N: the bytes alone, nothing else" "$(cat "$TMP/raw.out")" "bk-raw-text"

mk_pts other bk-other
mk_pts this bk-this
start_tool other $T -j "${PTY_PATH[other]}"
pts_go this
stop_tool TERM
pts_go other
expect_eq "$T: TTY of another pts: nothing of this one's writes" "$(grep -c bk-this "$TMP/other.out")" 0

no_leaks "$T: no BPF program or link is left behind"
