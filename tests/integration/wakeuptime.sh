#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# wakeuptime against tests/triggers/waker (a wakee blocked 20 times in read,
# woken each time from wake_known after 50 ms): the time summed for the
# stacks through wake_known is within 10% of what the wakee measured
# blocked; the stack names wake_known and the kernel's pipe write and
# try_to_wake_up; -t of the wakee; -K; --min-us above the blocks; folded and
# JSON; usage errors. The checks every tool gets come from its row in
# tests/tools.table.
. "$(dirname "$0")/../lib.sh"
T=wakeuptime

expect_exit "$T: --min-us -1 is a usage error" 64 "$BIN/$T" --min-us -1
expect_exit "$T: --max-us below --min-us is a usage error" 64 "$BIN/$T" --min-us 10 --max-us 5
expect_exit "$T: -f with -j is a usage error" 64 "$BIN/$T" -f -j
expect_exit "$T: a third positional argument is a usage error" 64 "$BIN/$T" 1 2 3

# run NAME -- TOOL-ARGS: the tool (@PID, @TID: the waker process, the wakee
# thread) while waker makes 20 wake-ups after 50 ms; BLOCKED is what the
# wakee measured.
run() {
	local name=$1 a; shift 2
	rm -f "$TMP/fifo" && mkfifo "$TMP/fifo"
	"$TRIG/waker" -w 20 50 <"$TMP/fifo" >"$TMP/$name.trig" &
	local wpid=$!
	exec 8>"$TMP/fifo"
	for _ in {1..100}; do grep -qs '^waker ' "$TMP/$name.trig" && break; nap 0.05; done
	PID=$(head -1 "$TMP/$name.trig")
	TID=$(sed -n 's/^tid //p' "$TMP/$name.trig")
	a=("$@"); a=("${a[@]//@PID/$PID}"); a=("${a[@]//@TID/$TID}")
	start_tool "$name" $T "${a[@]}" || fail "$T: $name: did not attach" "$(tail -3 "$TMP/$name.err")"
	echo go >&8; exec 8>&-
	wait $wpid
	stop_tool TERM
	[ "$TOOL_RC" = 0 ] || fail "$T: $name: SIGTERM exit status" "$TOOL_RC"
	BLOCKED=$(tail -1 "$TMP/$name.trig")
}
us() { awk '/;wake_known(;|$| )/ { s += $NF } END { print s + 0 }' "$1"; }
within() {
	if [ "$2" -ge $((BLOCKED * 9 / 10)) ] && [ "$2" -le $((BLOCKED * 11 / 10)) ] && [ "$2" -ge 900000 ]; then
		pass "$1 ($2 us; the wakee measured $BLOCKED us)"
	else
		fail "$1" "$2 us through wake_known, the wakee measured $BLOCKED us: $(grep wake_known "$TMP/$3.out" | head -2 | cut -c1-200)"
	fi
}

run pid -- -f -p @PID
within "$T: -f -p: 20 blocks of 50 ms, summed under the waker's wake_known" "$(us "$TMP/pid.out")" pid
if grep -q ';main;wake_known;-;.*anon_pipe_write_\[k\];.*try_to_wake_up_\[k\]' "$TMP/pid.out" ||
   grep -q ';main;wake_known;-;.*pipe_write_\[k\];.*try_to_wake_up_\[k\]' "$TMP/pid.out"; then
	pass "$T: -f: the waker's stack: main, wake_known, then the kernel's pipe write and try_to_wake_up"
else
	fail "$T: -f: the waker's stack names wake_known and the kernel's pipe write" "$(grep wake_known "$TMP/pid.out" | head -2 | cut -c1-300)"
fi

run tid -- -j -t @TID
json_valid "$TMP/tid.out" && pass "$T: -j output is valid JSON" || fail "$T: -j output is valid JSON" "$(head -2 "$TMP/tid.out")"
within "$T: -j -t of the wakee: the same time, under wake_known" \
	"$(jq -s '[.[] | select(.pid == '"$PID"' and .comm == "waker" and (.ustack | index("wake_known") != null)) | .us] | add // 0' "$TMP/tid.out")" tid

run kern -- -f -K -p @PID
expect_eq "$T: -K: kernel stacks only, with the pipe write's wake-up" \
	"$(awk '/try_to_wake_up_\[k\]/ && /pipe_write/ { k++ } /wake_known/ { u++ } END { print (k > 0) "" (u + 0) }' "$TMP/kern.out")" 10

run min -- -f -p @PID --min-us 200000
expect_eq "$T: --min-us 200000: none of the 50 ms blocks" "$(us "$TMP/min.out")" 0
