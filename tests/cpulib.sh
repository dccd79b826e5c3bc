# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# What the CPU tools' own tests share; sourced after tests/lib.sh.

# traced NAME TRIGGER TRIGGER-ARGS... -- TOOL-ARGS...: starts $TRIG/TRIGGER
# -w TRIGGER-ARGS (it prints its PID first and waits for a go line), runs
# the tool $T -p PID TOOL-ARGS, lets the trigger go and waits for it; the
# tool ends by itself once the process has exited. Sets PID, and TID from
# the trigger's "tid N" line or the second word of its first line.
traced() {
	local name=$1 trig=$2 a=() tpid; shift 2
	while [ "$1" != -- ]; do a+=("$1"); shift; done; shift
	rm -f "$TMP/fifo" && mkfifo "$TMP/fifo"
	"$TRIG/$trig" -w "${a[@]}" <"$TMP/fifo" >"$TMP/$name.trig" &
	tpid=$!
	exec 7>"$TMP/fifo"
	for _ in {1..100}; do [ -s "$TMP/$name.trig" ] && break; nap 0.05; done
	read -r PID TID <"$TMP/$name.trig"
	grep -qs '^tid ' "$TMP/$name.trig" && TID=$(sed -n 's/^tid //p' "$TMP/$name.trig")
	if ! start_tool "$name" "$T" -p "$PID" "$@"; then
		fail "$T: $name: did not attach" "$(tail -3 "$TMP/$name.err")"
		exec 7>&-; wait $tpid; return 1
	fi
	echo go >&7; exec 7>&-
	wait $tpid || fail "$T: $name: $trig failed" "exit status $?"
	grep -qs '^tid ' "$TMP/$name.trig" && TID=$(sed -n 's/^tid //p' "$TMP/$name.trig")
	wait_tool 20
	[ "$TOOL_RC" = 0 ] || fail "$T: $name: exit status" "$TOOL_RC $(tail -2 "$TMP/$name.err")"
}
