#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# funccount against tests/triggers/callee: exact call counts of its functions
# (uprobes), of its getpid/getppid system calls (tracepoints) and of its
# fsyncs (kernel functions, where the kernel has kprobes), in columns and
# JSON; --list against tracefs, callee's symbols and python's USDT notes.
# Kernel functions depend on the kernel: that part runs in the VMs too. The
# checks every tool gets come from its row in tests/tools.table.
. "$(dirname "$0")/../lib.sh"
T=funccount
CALLEE=$TRIG/callee
ABS_CALLEE=$(readlink -f "$CALLEE")

# counted NAME CALLEE-ARGS -- TOOL-ARGS...: run_waiting (tests/lib.sh) on callee.
counted() { run_waiting "$1" "$CALLEE" "${@:2}"; }

# rows FILE: the FUNC COUNT rows of column output, as "name=count ...".
rows() {
	awk 'h && NF == 2 { printf "%s=%s ", $1, $2 } $1 == "FUNC" && $2 == "COUNT" { h = 1 }' "$1"
}
# jrows FILE: the same from JSON output, summed over the records.
jrows() {
	jq -s -r '[.[].counts[]] | group_by(.func) | map({f: .[0].func, c: (map(.count) | add)})
		| sort_by(-.c, .f) | map("\(.f)=\(.c)") | join(" ") + " "' "$1"
}

# Kernel functions: 9 fsyncs reach vfs_fsync_range 9 times (kprobes only).
# One run: where the kernel has no kprobes, it ends at once with one sentence.
mkdir -p "$TMP/d"
if QUIET=1 counted kjson -f 9 "$TMP/d" -- -j -p PID 'vfs_fsync*'; then
	got=$(jq -r '.counts[] | select(.func == "vfs_fsync_range") | .count' "$TMP/kjson.out")
	expect_eq "$T: kprobe ($ATTACH_PATH): JSON gives vfs_fsync_range 9" "$got" 9
	matrix $T kprobe $([ "$got" = 9 ] && echo pass || echo fail)
elif grep -q 'this kernel has no kprobes' "$TMP/kjson.err"; then
	expect_eq "$T: kernel functions: one sentence and exit 1 without kprobes" \
		"$TOOL_RC $(grep -vc 'attached via' "$TMP/kjson.err")" "1 1"
	matrix $T kprobe n/a
else
	fail "$T: kernel functions: did not attach" "$(grep -v '^libbpf' "$TMP/kjson.err" | tail -3)"
	matrix $T kprobe fail
fi

# Kernel functions are listed only where funccount can count them (kprobes),
# and never those kprobes refuse (the blacklist, where debugfs shows it).
if [ -e /sys/bus/event_source/devices/kprobe/type ] || [ -e /sys/kernel/tracing/kprobe_events ]; then
	got=$("$BIN/$T" --list 'vfs_fsync*' 2>&1 | tr '\n' ' ')
	case " $got" in
	*" vfs_fsync_range "*) pass "$T: --list vfs_fsync* gives kernel functions with vfs_fsync_range" ;;
	*) fail "$T: --list vfs_fsync*" "got '$got'" ;;
	esac
	bl=$(awk '$2 ~ /^[a-z_][a-z0-9_]*$/ { print $2; exit }' /sys/kernel/debug/kprobes/blacklist 2>/dev/null)
	if [ -n "$bl" ]; then
		got=$("$BIN/$T" --list "$bl" 2>/dev/null)
		expect_eq "$T: --list leaves out $bl, which the kprobe blacklist names" "$got" ""
	else
		skip "$T: --list and the kprobe blacklist" "debugfs shows no kprobes/blacklist here"
	fi
else
	expect_exit "$T: --list of kernel functions without kprobes fails with 1" 1 "$BIN/$T" --list 'vfs_fsync*'
	grep -q 'no kprobes, so funccount cannot count kernel functions here: none are listed' "$TMP/exit.err" &&
		pass "$T: --list says why no kernel function is listed" ||
		fail "$T: --list says why no kernel function is listed" "$(cat "$TMP/exit.err")"
fi

host_only

expect_exit "$T: no pattern is a usage error" 64 "$BIN/$T"
expect_exit "$T: a malformed pattern is a usage error" 64 "$BIN/$T" 'a:b:c:d'
expect_exit "$T: a pattern with a space is a usage error" 64 "$BIN/$T" "$CALLEE:f a"
expect_exit "$T: counting USDT probes is a usage error" 64 "$BIN/$T" "u:$CALLEE:x"
expect_exit "$T: interval 0 is a usage error" 64 "$BIN/$T" "$CALLEE:f_a" 0
expect_exit "$T: count 0 is a usage error" 64 "$BIN/$T" "$CALLEE:f_a" 1 0
expect_exit "$T: a fourth argument is a usage error" 64 "$BIN/$T" "$CALLEE:f_a" 1 2 3
expect_exit "$T: --max-probes 0 is a usage error" 64 "$BIN/$T" --max-probes 0 "$CALLEE:f_a"
expect_exit "$T: --list with a pattern argument is a usage error" 64 "$BIN/$T" --list x y

# --list: callee's functions, the tracepoints tracefs has, python's USDT probes.
expect_eq "$T: --list PATH:f_* gives callee's four functions" \
	"$("$BIN/$T" --list "$CALLEE:f_*" | tr '\n' ' ')" \
	"$ABS_CALLEE:f_a $ABS_CALLEE:f_b $ABS_CALLEE:f_never $ABS_CALLEE:f_sleep "
ev=/sys/kernel/tracing/events
[ -d $ev ] || ev=/sys/kernel/debug/tracing/events
want=$(cd $ev/sched 2>/dev/null && ls -d sched_process_e* | sed 's/^/t:sched:/' | sort | tr '\n' ' ')
expect_eq "$T: --list t:sched:sched_process_e* gives tracefs' tracepoints" \
	"$("$BIN/$T" --list 't:sched:sched_process_e*' | tr '\n' ' ')" "$want"
expect_exit "$T: --list of nothing exits 1" 1 "$BIN/$T" --list "$CALLEE:nothing_*"
if [ -x /usr/bin/python3.11 ]; then
	got=$("$BIN/$T" --list 'u:/usr/bin/python3.11:*function*' | tr '\n' ' ')
	case "$got" in
	*"u:/usr/bin/python3.11:python:function__entry "*"u:/usr/bin/python3.11:python:function__return "*)
		pass "$T: --list u:python3.11:*function* gives python:function__entry and __return" ;;
	*) fail "$T: --list u:python3.11:*function*" "got '$got'" ;;
	esac
else
	skip "$T: --list of USDT probes" "no /usr/bin/python3.11 here"
fi

# User functions (uprobes): f_a 23 times, f_b 7 times, the others never.
ok=1
counted ucols -a 23 -b 7 -- -p PID "$CALLEE:f_*" || ok=0
UPATH=$ATTACH_PATH
if [ $ok = 1 ]; then
	expect_eq "$T: uprobe: columns give f_a 23 and f_b 7 only" "$(rows "$TMP/ucols.out")" "f_a=23 f_b=7 "
	[ "$(rows "$TMP/ucols.out")" = "f_a=23 f_b=7 " ] || ok=0
	expect_eq "$T: uprobe: banner and header" \
		"$(head -2 "$TMP/ucols.out" | tr -s ' ' | tr '\n' '|')" \
		"Tracing 4 probes matching '$CALLEE:f_*'... Hit Ctrl-C to end.|FUNC COUNT|"
fi
counted ujson -a 23 -b 7 -- -j -p PID "$CALLEE:f_*" || ok=0
if [ $ok = 1 ]; then
	out=$TMP/ujson.out
	json_valid "$out" || { ok=0; fail "$T: uprobe: -j output is valid JSON" "$(head -2 "$out")"; }
	expect_eq "$T: uprobe: one JSON record with exact counts" \
		"$(wc -l <"$out") $(jq -c .counts "$out")" \
		'1 [{"func":"f_a","count":23},{"func":"f_b","count":7}]'
	[ "$(jq -c .counts "$out")" = '[{"func":"f_a","count":23},{"func":"f_b","count":7}]' ] || ok=0
fi
matrix $T "$UPATH" $([ $ok = 1 ] && echo pass || echo fail)

# IFUNCs: strlen names glibc's resolver; the implementation the process
# uses is counted (read from its GOT with -p, else the one this CPU gets).
ok=1
counted ifunc -l 37 -- -p PID c:strlen || ok=0
expect_eq "$T: IFUNC strlen (-p): its implementation counted 37 times" "$(rows "$TMP/ifunc.out")" "strlen=37 "
[ "$(rows "$TMP/ifunc.out")" = "strlen=37 " ] || ok=0
grep -q "strlen is an IFUNC: probing .* at offset 0x" "$TMP/ifunc.err" &&
	pass "$T: IFUNC strlen: stderr names the implementation probed" ||
	{ ok=0; fail "$T: IFUNC strlen: stderr names the implementation probed" "$(cat "$TMP/ifunc.err")"; }
counted ifuncj -l 37 -- -j -n callee c:strlen || ok=0
expect_eq "$T: IFUNC strlen (system-wide, -n callee, JSON): 37 calls" "$(jrows "$TMP/ifuncj.out")" "strlen=37 "
[ "$(jrows "$TMP/ifuncj.out")" = "strlen=37 " ] || ok=0
expect_eq "$T: --list c:strlen lists the IFUNC" "$("$BIN/$T" --list c:strlen 2>/dev/null | sed 's|.*/||')" "libc.so.6:strlen"
if nm -D "$("$BIN/$T" --list c:strlen 2>/dev/null | cut -d: -f1)" 2>/dev/null | grep -q ' i gettimeofday@'; then
	expect_exit "$T: the IFUNC gettimeofday resolves into the vDSO: refused" 1 "$BIN/$T" c:gettimeofday
	grep -q 'IFUNC that resolves outside of the file (into the vDSO)' "$TMP/exit.err" &&
		pass "$T: the refusal says why" || fail "$T: the refusal says why" "$(cat "$TMP/exit.err")"
fi

# One uprobe per function, as on kernels without multi-uprobe links.
if [ "$UPATH" = uprobe.multi ]; then
	ok=1
	counted usingle -a 23 -b 7 -- -j --force-path uprobe -p PID "$CALLEE:f_*" || ok=0
	expect_eq "$T: --force-path uprobe: one uprobe per function, exact counts" \
		"$ATTACH_PATH $(jrows "$TMP/usingle.out")" "uprobe f_a=23 f_b=7 "
	[ "$ATTACH_PATH $(jrows "$TMP/usingle.out")" = "uprobe f_a=23 f_b=7 " ] || ok=0
	matrix $T uprobe $([ $ok = 1 ] && echo pass || echo fail)
else
	expect_exit "$T: --force-path uprobe.multi without multi-uprobe links fails with 1" 1 \
		"$BIN/$T" --force-path uprobe.multi "$CALLEE:f_*"
	matrix $T uprobe.multi n/a
fi
expect_exit "$T: --force-path tracepoint for user functions is a usage error" 64 \
	"$BIN/$T" --force-path tracepoint "$CALLEE:f_*"
expect_exit "$T: an unknown --force-path is a usage error" 64 "$BIN/$T" --force-path nosuch "$CALLEE:f_*"

# Many probes. A multi-uprobe link is detached in one grace period: SIGTERM
# ends the tool at once. One uprobe each costs a grace period per probe:
# the tool says how long that takes, and a second SIGTERM ends it at once,
# leaving the rest to a process in the background.
LIBC_PAT='c:[a-f]*'
sleep 600 & SPID=$!
if [ "$UPATH" = uprobe.multi ]; then
	start_tool many $T -p $SPID "$LIBC_PAT"
	s=$(date +%s%N); stop_tool TERM; el=$(( ($(date +%s%N) - s) / 1000000 ))
	n=$(sed -n 's/^Tracing \([0-9]*\) probes.*/\1/p' "$TMP/many.out")
	if [ "${n:-0}" -gt 300 ] && [ "$TOOL_RC" = 0 ] && [ $el -lt 3000 ]; then
		pass "$T: $n probes on one multi-uprobe link: SIGTERM ends the tool in $el ms"
	else
		fail "$T: $n probes on one multi-uprobe link end quickly" "rc=$TOOL_RC after $el ms"
	fi
fi
start_tool slow $T --force-path uprobe -p $SPID 'c:get[a-h]*'
s=$(date +%s%N); kill -TERM "$TOOL_PID"
for _ in $(seq 1 100); do
	grep -q 'detaching' "$TMP/slow.err" && break
	kill -0 "$TOOL_PID" 2>/dev/null || break
	sleep 0.1
done
msg=$(grep 'detaching' "$TMP/slow.err")
n=$(sed -n 's/^Tracing \([0-9]*\) probes.*/\1/p' "$TMP/slow.out")
if [ -z "$msg" ] && ! kill -0 "$TOOL_PID" 2>/dev/null; then
	el=$(( ($(date +%s%N) - s) / 1000000 ))
	stop_tool TERM
	expect_eq "$T: detaching $n uprobes one by one took $el ms here: nothing to announce" \
		"$TOOL_RC $([ $el -lt 2000 ] && echo quick)" "0 quick"
else
	case "$msg" in
	"$T: warning: detaching "*" more probes takes about "*" s on this kernel"*"Ctrl-C again quits now"*)
		pass "$T: detaching $n uprobes one by one: the tool says how long it takes" ;;
	*)	fail "$T: detaching $n uprobes one by one: the tool says how long it takes" "$(tail -2 "$TMP/slow.err")" ;;
	esac
	s=$(date +%s%N); stop_tool TERM; el=$(( ($(date +%s%N) - s) / 1000000 ))
	if [ "$TOOL_RC" = 143 ] && [ $el -lt 3000 ]; then
		pass "$T: a second SIGTERM while detaching ends the tool at once ($el ms)"
	else
		fail "$T: a second SIGTERM while detaching ends the tool at once" "rc=$TOOL_RC after $el ms"
	fi
	# The process left behind finishes detaching and goes.
	for _ in $(seq 1 1200); do pgrep -f -- "--force-path uprobe -p $SPID" >/dev/null || break; sleep 0.1; done
	pgrep -f -- "--force-path uprobe -p $SPID" >/dev/null &&
		fail "$T: the detaching left to the background ends" "still running after 120 s" ||
		pass "$T: the detaching left to the background ends"
fi
kill $SPID; wait $SPID 2>/dev/null

# Intervals add up to the exact totals; f_sleep spreads the calls over several.
counted uint -a 23 -b 7 -s 15 -- -j -p PID "$CALLEE:f_*" 0.01
expect_eq "$T: intervals of 10 ms add up to the exact counts ($(wc -l <"$TMP/uint.out") records)" \
	"$(jrows "$TMP/uint.out")" "f_a=23 f_sleep=15 f_b=7 "

# Tracepoints: exactly 11 getpid and 5 getppid system calls of callee.
ok=1
counted tcols -g 11 -G 5 -- -p PID 't:syscalls:sys_enter_getp*id' || ok=0
if [ $ok = 1 ]; then
	expect_eq "$T: tracepoint: columns give getpid 11 and getppid 5" "$(rows "$TMP/tcols.out")" \
		"syscalls:sys_enter_getpid=11 syscalls:sys_enter_getppid=5 "
	[ "$(rows "$TMP/tcols.out")" = "syscalls:sys_enter_getpid=11 syscalls:sys_enter_getppid=5 " ] || ok=0
fi
counted tjson -g 11 -G 5 -- -j -p PID 't:syscalls:sys_enter_getp*id' || ok=0
if [ $ok = 1 ]; then
	expect_eq "$T: tracepoint: JSON gives getpid 11 and getppid 5" "$(jq -c .counts "$TMP/tjson.out")" \
		'[{"func":"syscalls:sys_enter_getpid","count":11},{"func":"syscalls:sys_enter_getppid","count":5}]'
	[ "$(jrows "$TMP/tjson.out")" = "syscalls:sys_enter_getpid=11 syscalls:sys_enter_getppid=5 " ] || ok=0
fi
matrix $T tracepoint $([ $ok = 1 ] && echo pass || echo fail)

# Too many probes: one sentence, exit 1.
expect_exit "$T: more probes than --max-probes is refused" 1 "$BIN/$T" --max-probes 3 "$CALLEE:f_*"
grep -q "matches 4 probes, more than 3" "$TMP/exit.err" &&
	pass "$T: the refusal says how many the pattern matches" ||
	fail "$T: the refusal says how many the pattern matches" "$(cat "$TMP/exit.err")"

# A count ends by itself with 0.
"$BIN/$T" -j -p 1 "$CALLEE:f_*" 0.1 3 >"$TMP/count.out" 2>&1; rc=$?
expect_eq "$T: interval 0.1 count 3 gives 3 records and exit 0" "$(wc -l <"$TMP/count.out") $rc" "3 0"

no_leaks "$T: no BPF program or link is left behind"
