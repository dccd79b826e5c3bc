#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# opensnoop against tests/triggers/opener: exact counts and fields. The
# checks every tool gets (usage errors, filters, signals, each attach path)
# come from its row in tests/tools.table.
. "$(dirname "$0")/../lib.sh"
T=opensnoop

expect_exit "$T: -p -1 is a usage error" 64 "$BIN/$T" -p -1
expect_exit "$T: an EINVAL from the kernel with --force-path is not a usage error" 1 \
	"$TRIG/oldbpf" -n prog_load -- "$BIN/$T" --force-path=tracepoint
expect_exit "$T: an unreadable --btf file is one sentence, exit 1" 1 "$BIN/$T" --btf /nonexistent/vmlinux
if command -v setpriv >/dev/null; then
	expect_exit "$T: without privileges, one sentence, exit 1" 1 \
		setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$BIN/$T"
	grep -q 'needs root' "$TMP/exit.err" || fail "$T: the privilege message says what is needed" "$(cat "$TMP/exit.err")"
fi

D=$TMP/d
mkdir -p "$D"
: >"$D/present"

# run_case NAME PATH OPENER-ARGS...: trace opener with --prefix $D/, SIGTERM.
run_case() {
	local name=$1 path=$2; shift 2
	start_tool "$name" $T --prefix "$D/" "$@" || { fail "$T: $name: did not attach" "$(tail -3 "$TMP/$name.err")"; return 1; }
	OPENER_PID=$("$TRIG/opener" $OPENER_ARGS -n 23 "$D/present" "$D/missing" | head -1)
	stop_tool TERM
	[ "$TOOL_RC" = 0 ] || fail "$T: $name: SIGTERM exit status" "$TOOL_RC"
}

# Columns: exact opens, fds and errors, --prefix filtered in the kernel.
OPENER_ARGS=
run_case cols x
out=$TMP/cols.out
n=$(awk -v p="$D/present" -v pid="$OPENER_PID" '$1 == pid && $2 == "opener" && $3 >= 3 && $4 == 0 && $5 == p' "$out" | wc -l)
expect_eq "$T: columns: 23 successful opens (PID COMM FD ERR PATH)" "$n" 23
n=$(awk -v p="$D/missing" -v pid="$OPENER_PID" '$1 == pid && $3 == -1 && $4 == 2 && $5 == p' "$out" | wc -l)
expect_eq "$T: columns: 23 failed opens with ENOENT" "$n" 23
n=$(grep -vc -e "$D/" -e '^PID' "$out")
expect_eq "$T: columns: --prefix filtered in the kernel" "$n" 0

# -x: failures only.
OPENER_ARGS=
run_case failed x -x
n=$(grep -c "$D/missing" "$TMP/failed.out"); m=$(grep -c "$D/present" "$TMP/failed.out")
expect_eq "$T: -x shows the 23 failed opens only" "$n/$m" "23/0"

# JSON, checked with jq.
run_case json x -j
if json_valid "$TMP/json.out"; then pass "$T: -j output is valid JSON"; else fail "$T: -j output is valid JSON" "$(head -2 "$TMP/json.out")"; fi
n=$(jq -c --arg p "$D/present" --argjson pid "$OPENER_PID" \
	'select(.path == $p and .pid == $pid and .tid == $pid and .comm == "opener" and .fd >= 3 and .err == 0 and .uid == 0)' "$TMP/json.out" | wc -l)
expect_eq "$T: -j has 23 exact successful open records" "$n" 23
n=$(jq -c --arg p "$D/missing" 'select(.path == $p and .fd == -1 and .err == 2)' "$TMP/json.out" | wc -l)
expect_eq "$T: -j has 23 exact failed open records" "$n" 23

# openat2 through its own tracepoint.
OPENER_ARGS=-2
run_case openat2 x
n=$(grep -c " $D/present\$" "$TMP/openat2.out")
expect_eq "$T: openat2 calls are traced" "$n" 23

# Untrusted names: an escape sequence in a path is shown escaped, and JSON keeps the bytes.
evil=$D/$'e\033[2Jvil\nname'
: >"$evil"
start_tool evil $T --prefix "$D/e"
"$TRIG/opener" -n 1 "$evil" >/dev/null
stop_tool TERM
if grep -q $'\033' "$TMP/evil.out"; then fail "$T: control bytes are escaped" "raw ESC in output"
elif grep -qF "$D/e\\x1b[2Jvil\\nname" "$TMP/evil.out"; then pass "$T: control bytes are escaped"
else fail "$T: control bytes are escaped" "$(cat -v "$TMP/evil.out")"; fi
start_tool evilj $T -j --prefix "$D/e"
"$TRIG/opener" -n 1 "$evil" >/dev/null
stop_tool TERM
got=$(jq -r .path "$TMP/evilj.out")
expect_eq "$T: JSON keeps the exact bytes of a path" "$got" "$evil"

# Long paths: whole up to PATH_MAX (255 and 256 bytes were the old limit:
# 256 came out empty), cut and marked beyond it (the open fails, ENAMETOOLONG).
# longpath N: $D/ then N - ${#D} - 1 more bytes, in components of 200.
longpath() {
	local p=$D/ c=$(printf 'x%.0s' $(seq 199))/
	while [ $(( ${#p} + 200 )) -le "$1" ]; do p=$p$c; done
	while [ ${#p} -lt "$1" ]; do p=${p}y; done
	echo "$p"
}
L255=$(longpath 255) L256=$(longpath 256) L4095=$(longpath 4095) L5000=$(longpath 5000)
start_tool long $T -j --prefix "$D/"
"$TRIG/opener" -n 1 "$L255" "$L256" "$L4095" "$L5000" >/dev/null
stop_tool TERM
g=$(jq -r '"\(.path | length) \(.path_truncated) \(.err)"' "$TMP/long.out" | tr '\n' ' ')
expect_eq "$T: paths of 255, 256 and 4095 bytes whole, one of 5000 cut and flagged" "$g" \
	"255 false 2 256 false 2 4095 false 2 4095 true 36 "
expect_eq "$T: the cut path is the first 4095 bytes" "$(jq -r 'select(.path_truncated) | .path' "$TMP/long.out")" "${L5000:0:4095}"
start_tool longc $T --prefix "$D/"
"$TRIG/opener" -n 1 "$L4095" "$L5000" >/dev/null
stop_tool TERM
g=$(awk 'NR > 1 { print length($5), substr($5, length($5) - 2) }' "$TMP/longc.out" | tr '\n' ' ')
expect_eq "$T: columns show 4095 bytes whole and the cut one with '...'" "$g" "4095 yyy 4098 ... "

# Latency: a few opens a few ms apart on a quiet system are all printed
# promptly, not when the next wake-up happens to come.
start_tool sparse $T --prefix "$D/"
"$TRIG/opener" -n 3 -s 5000 "$D/present" >/dev/null
sleep 0.5
n=$(grep -c "$D/present" "$TMP/sparse.out")
stop_tool TERM
expect_eq "$T: opens 5 ms apart are all printed within 0.5 s" "$n" 3

# More opens in flight at once than the table of calls in flight holds
# (10,240): each one is shown, or counted in the sentence about the table.
mkfifo "$D/fifo"
start_tool inflight $T -n inreader --prefix "$D/fifo"
"$TRIG/inflight" 11000 "$D/fifo" >"$TMP/inflight.trig"
stop_tool TERM
shown=$(grep -c " $D/fifo\$" "$TMP/inflight.out")
lost=$(sed -n 's/.* \([0-9]*\) opens were not shown in all: the table of calls in flight was full$/\1/p' "$TMP/inflight.err")
expect_eq "$T: 11,000 opens in flight: shown plus reported lost" "$shown+${lost:-0}=$((shown + ${lost:-0}))" "$shown+${lost:-0}=11000"

no_leaks "$T: no BPF program or link is left behind"
