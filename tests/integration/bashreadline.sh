#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# bashreadline against real interactive shells on tmux pseudo-terminals:
# exact command lines (control characters included) and the shell's PID. The
# checks every tool gets (usage errors, filters, signals) come from its row
# in tests/tools.table (which types into a shell through tests/triggers/gate).
. "$(dirname "$0")/../lib.sh"
T=bashreadline

expect_exit "$T: an empty --shared is a usage error" 64 "$BIN/$T" --shared=
expect_exit "$T: a missing --bash fails with 1" 1 "$BIN/$T" --bash /nonexistent/bash

if ! command -v tmux >/dev/null; then
	skip "$T: interactive shells" "tmux is not installed here (it drives bash on a pseudo-terminal)"
else
	TM="tmux -L bpfkit-$$"
	trap 'rm -rf "$TMP"; [ -n "${TOOL_PID:-}" ] && kill -9 "$TOOL_PID" 2>/dev/null; $TM kill-server 2>/dev/null' EXIT
	U=u$$x$RANDOM

	# shell NAME: an interactive bash without rc files or history in tmux
	# session NAME; prints its PID.
	shell() {
		$TM new-session -d -s "$1" -x 120 -y 30 \
			"env -i HOME=$TMP TERM=xterm PS1='$ ' HISTFILE=/dev/null /bin/bash --norc --noprofile -i"
		for _ in $(seq 1 50); do
			$TM capture-pane -p -t "$1" 2>/dev/null | grep -q '^\$' && break
			sleep 0.1
		done
		$TM display -p -t "$1" '#{pane_pid}'
	}
	# type NAME TEXT: types TEXT literally, then Enter, and waits for the prompt.
	type_line() {
		$TM send-keys -t "$1" -l "$2"; $TM send-keys -t "$1" Enter; sleep 0.2
	}
	# type_quoted NAME A KEY B: types A, the key KEY quoted (Ctrl-V KEY: the
	# control character itself, not its editing function), B and Enter.
	type_quoted() {
		$TM send-keys -t "$1" -l "$2"; $TM send-keys -t "$1" C-v; sleep 0.1
		$TM send-keys -t "$1" "$3"; sleep 0.1
		$TM send-keys -t "$1" -l "$4"; $TM send-keys -t "$1" Enter; sleep 0.2
	}
	# wait_lines FILE N: until FILE has N lines naming $U (the shell may be slow).
	wait_lines() {
		for _ in $(seq 1 50); do
			[ "$(grep -c -- "$U" "$1")" -ge "$2" ] && return
			sleep 0.1
		done
	}
	# session TOOL-RUN-NAME TOOL-ARGS...: one shell typing the known lines.
	session() {
		local name=$1; shift
		SH=$(shell "s-$name")
		start_tool "$name" $T "$@" || { fail "$T: $name: did not attach" "$(tail -3 "$TMP/$name.err")"; return 1; }
		# The shell was already inside readline() when the uretprobe
		# came: that call's line is not seen (see CAVEATS), so an empty one.
		type_line "s-$name" ""
		type_line "s-$name" "echo $U-one"
		type_line "s-$name" ""
		type_line "s-$name" "echo \$'\\e[31m'$U"
		type_quoted "s-$name" "echo $U" Escape "tail"
		type_quoted "s-$name" "true $U" Tab "tab"
		wait_lines "$TMP/$name.out" 4
		stop_tool TERM
		$TM kill-session -t "s-$name"
	}

	# Columns: the exact lines as typed (a backslash stays one), control
	# characters escaped, an empty line as [empty].
	if session cols; then
		expect_eq "$T: SIGTERM exits 0" "$TOOL_RC" 0
		expect_eq "$T: attached via a uprobe" "$ATTACH_PATH" uprobe
		got=$(awk -v pid="$SH" '$2 == pid' "$TMP/cols.out" | cut -c18-)
		want="echo $U-one
[empty]
echo \$'\\e[31m'$U
echo $U\\x1btail
true $U\\ttab"
		if [ "$got" = "$want" ]; then
			pass "$T: columns: 5 exact command lines of the shell, escaped"
		else
			fail "$T: columns: 5 exact command lines of the shell, escaped" "$(cat -A "$TMP/cols.out")"
		fi
		grep -q $'\033' "$TMP/cols.out" && fail "$T: no raw ESC in columns" "found one" || pass "$T: no raw ESC in columns"
		head -1 "$TMP/cols.out" | grep -qE '^TIME +PID +COMMAND$' && pass "$T: column header" ||
			fail "$T: column header" "$(head -1 "$TMP/cols.out")"
	fi

	# JSON: the exact bytes, the PID and the command name.
	if session json -j -U; then
		if json_valid "$TMP/json.out"; then pass "$T: -j output is valid JSON"; else fail "$T: -j output is valid JSON" "$(head -2 "$TMP/json.out")"; fi
		got=$(jq -r --argjson pid "$SH" 'select(.pid == $pid and .comm == "bash" and .uid == 0 and .command_truncated == false) | .command | @json' "$TMP/json.out")
		want=$(printf '%s\n' "\"echo $U-one\"" '""' "\"echo \$'\\\\e[31m'$U\"" "\"echo $U\\u001btail\"" "\"true $U\\ttab\"")
		expect_eq "$T: -j has the 5 exact command lines of the shell" "$got" "$want"
	fi

	# A line longer than the record is cut visibly, and flagged in JSON.
	long="echo $U$(printf 'x%.0s' $(seq 1 600))"
	SH=$(shell long)
	if start_tool long $T -j -p "$SH"; then
		type_line long ""
		type_line long "$long"
		wait_lines "$TMP/long.out" 1
		stop_tool TERM
		got=$(jq -r '"\(.command | length) \(.command_truncated) \(.command == $l[0:511])"' \
			--arg l "$long" "$TMP/long.out" | tail -1)
		expect_eq "$T: -j: a 610-byte line gives its first 511 bytes, command_truncated" "$got" "511 true true"
	else
		fail "$T: long line: did not attach" "$(tail -3 "$TMP/long.err")"
	fi
	$TM kill-session -t long
	SH=$(shell longcols)
	if start_tool longcols $T -p "$SH"; then
		type_line longcols ""
		type_line longcols "$long"
		wait_lines "$TMP/longcols.out" 1
		stop_tool TERM
		got=$(grep -- "$U" "$TMP/longcols.out" | cut -c18-)
		expect_eq "$T: columns: a 610-byte line is cut after 511 bytes, marked ..." "$got" "${long:0:511}..."
	fi
	$TM kill-session -t longcols

	$TM kill-server 2>/dev/null
fi

# A shell without a readline function that does not load libreadline
# (busybox sh, bash-static) reads its lines some other way: refused.
for sh in /bin/busybox /bin/bash-static; do
	[ -x "$sh" ] || continue
	expect_exit "$T: --bash $sh (no readline) fails with 1" 1 "$BIN/$T" --bash "$sh"
	grep -q "has no readline function and does not load libreadline" "$TMP/exit.err" &&
		pass "$T: $sh: the refusal says why" || fail "$T: $sh: the refusal says why" "$(cat "$TMP/exit.err")"
done
if [ -x /bin/busybox ]; then
	/bin/busybox sh -c 'sleep 30; true' & bb=$!
	sleep 0.2
	expect_exit "$T: -p of a busybox shell fails with 1" 1 "$BIN/$T" -p $bb
	kill $bb; wait $bb 2>/dev/null
fi

# A library without readline() is refused with one sentence.
libc=$(ldd /bin/bash 2>/dev/null | awk '/libc.so/ {print $3}')
if [ -n "$libc" ]; then
	expect_exit "$T: --shared naming a library without readline fails with 1" 1 "$BIN/$T" --shared "$libc"
fi

no_leaks "$T: no BPF program or link is left behind"
