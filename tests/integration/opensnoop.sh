#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# opensnoop against tests/triggers/opener: exact counts and fields.
. "$(dirname "$0")/../lib.sh"
T=opensnoop

expect_exit "$T: -p 12abc is a usage error" 64 "$BIN/$T" -p 12abc
expect_exit "$T: -p -1 is a usage error" 64 "$BIN/$T" -p -1
expect_exit "$T: -d 0 is a usage error" 64 "$BIN/$T" -d 0
expect_exit "$T: a 16-character -n is a usage error" 64 "$BIN/$T" -n abcdefghijklmnop
expect_exit "$T: a stray argument is a usage error" 64 "$BIN/$T" extra
expect_exit "$T: an unknown option is a usage error" 64 "$BIN/$T" --no-such-option
expect_exit "$T: an unknown --force-path is a usage error" 64 "$BIN/$T" --force-path=nope
expect_exit "$T: an EINVAL from the kernel with --force-path is not a usage error" 1 \
	"$TRIG/oldbpf" -n prog_load -- "$BIN/$T" --force-path=tracepoint
expect_exit "$T: --help exits 0" 0 "$BIN/$T" --help
man_options_match "$T: man page options match --help" $T
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

for path in tracepoint fentry kprobe; do
	if ! "$BIN/$T" --force-path=$path -d 0.1 >/dev/null 2>"$TMP/probe.err"; then
		if grep -q 'not available on this kernel' "$TMP/probe.err"; then
			skip "$T: $path path" "$(cat "$TMP/probe.err")"
			matrix $T $path n/a
			continue
		fi
	fi
	OPENER_ARGS=
	run_case "cols-$path" x --force-path=$path
	out=$TMP/cols-$path.out
	ok=1
	n=$(awk -v p="$D/present" -v pid="$OPENER_PID" '$1 == pid && $2 == "opener" && $3 >= 3 && $4 == 0 && $5 == p' "$out" | wc -l)
	[ "$n" = 23 ] || { ok=0; fail "$T: $path: 23 successful opens" "got $n: $(head -3 "$out")"; }
	n=$(awk -v p="$D/missing" -v pid="$OPENER_PID" '$1 == pid && $3 == -1 && $4 == 2 && $5 == p' "$out" | wc -l)
	[ "$n" = 23 ] || { ok=0; fail "$T: $path: 23 failed opens with ENOENT" "got $n"; }
	n=$(grep -vc -e "$D/" -e '^PID' "$out")
	[ "$n" = 0 ] || { ok=0; fail "$T: $path: --prefix filtered in the kernel" "$n other lines"; }
	[ $ok = 1 ] && pass "$T: $path: exact opens, fds and errors"
	matrix $T $path $([ $ok = 1 ] && echo pass || echo fail)
done

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

# -p: only the process named, started before the opens happen.
mkfifo "$TMP/fifo"
"$TRIG/opener" -w -n 3 "$D/present" <"$TMP/fifo" >"$TMP/w.pid" &
wpid=$!
exec 7>"$TMP/fifo"
start_tool pid $T -p "$wpid" --prefix "$D/"
"$TRIG/opener" -n 5 "$D/present" >/dev/null
echo go >&7; exec 7>&-
wait $wpid
stop_tool TERM
n=$(awk -v pid=$wpid '$1 == pid' "$TMP/pid.out" | wc -l); m=$(grep -c "$D/present" "$TMP/pid.out")
expect_eq "$T: -p shows that process's 3 opens only" "$n/$m" "3/3"

# -n: by command name.
cp "$TRIG/opener" "$TMP/othername"
start_tool comm $T -n othername --prefix "$D/"
"$TRIG/opener" -n 4 "$D/present" >/dev/null
"$TMP/othername" -n 6 "$D/present" >/dev/null
stop_tool TERM
n=$(grep -c ' othername ' "$TMP/comm.out"); m=$(grep -c ' opener ' "$TMP/comm.out")
expect_eq "$T: -n shows that command's 6 opens only" "$n/$m" "6/0"

# --cgroup: only tasks in that cgroup (v2) or below it.
CG=$(cgroup2_root)/bpfkit-test-$$
if [ "$CG" != "/bpfkit-test-$$" ] && mkdir "$CG" 2>/dev/null; then
	start_tool cgroup $T --cgroup "$CG" --prefix "$D/"
	bash -c "echo \$\$ > $CG/cgroup.procs && exec $TRIG/opener -n 7 $D/present" >/dev/null
	"$TRIG/opener" -n 2 "$D/present" >/dev/null
	stop_tool TERM
	expect_eq "$T: --cgroup shows the 7 opens inside the cgroup only" "$(grep -c "$D/present" "$TMP/cgroup.out")" 7
	rmdir "$CG"
else
	skip "$T: --cgroup" "no cgroup v2 hierarchy to make a test cgroup in"
fi

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
if [ "$IN_VM" = 0 ]; then
	mkfifo "$D/fifo"
	start_tool inflight $T -n inreader --prefix "$D/fifo"
	"$TRIG/inflight" 11000 "$D/fifo" >"$TMP/inflight.trig"
	stop_tool TERM
	shown=$(grep -c " $D/fifo\$" "$TMP/inflight.out")
	lost=$(sed -n 's/.* \([0-9]*\) opens were not shown in all: the table of calls in flight was full$/\1/p' "$TMP/inflight.err")
	expect_eq "$T: 11,000 opens in flight: shown plus reported lost" "$shown+${lost:-0}=$((shown + ${lost:-0}))" "$shown+${lost:-0}=11000"
fi

# SIGINT also ends cleanly; -d ends by itself.
start_tool int $T --prefix "$D/"
stop_tool INT
expect_eq "$T: SIGINT exits 0" "$TOOL_RC" 0
start=$(date +%s%N)
"$BIN/$T" -d 1 --prefix "$D/" >/dev/null 2>&1; rc=$?
el=$(( ($(date +%s%N) - start) / 1000000 ))
if [ $rc = 0 ] && [ $el -ge 1000 ] && [ $el -lt 5000 ]; then pass "$T: -d 1 ends after a second with 0"
else fail "$T: -d 1 ends after a second with 0" "rc=$rc after ${el}ms"; fi

no_leaks "$T: no BPF program or link is left behind"
