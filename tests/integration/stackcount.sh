#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# stackcount against tests/triggers/stacker (bk_stack_a calls bk_leaf 3
# times, bk_stack_b 2 times; bk_leaf makes the getppid system call): the
# stacks of a tracepoint, a user function, a USDT probe and, where the kernel
# has kprobes, a kernel function, exactly, in text, folded, JSON and SVG.
# The row in tests/tools.table checks the filters and the tracepoint's JSON.
. "$(dirname "$0")/../lib.sh"
. tests/fslib.sh
T=stackcount
ST=$PWD/$TRIG/stacker

# folded_of NAME FRAME: "CALLER=COUNT" of each folded line of NAME with FRAME.
folded_of() {
	awk -v f="$2" '{ n = $NF; sub(/ [0-9]+$/, ""); k = split($0, p, ";")
		for (i = 2; i <= k; i++) if (p[i] == f) { print p[i - 1] "=" n; break } }' \
		"$TMP/$1.out" | sort | tr '\n' ' '
}

# The kernel-function path, which this host lacks (no kprobes): the VMs have it.
# __x64_sys_getppid is in kallsyms but not in available_filter_functions on
# Debian's 6.1, and stackcount probes only what ftrace lists: the function
# getppid calls, __task_pid_nr_ns (other callers in the process, such as
# getpid at start, are other user stacks: only bk_leaf's are compared).
KF=__task_pid_nr_ns
if [ -e /sys/bus/event_source/devices/kprobe ] || [ -e /sys/kernel/tracing/kprobe_events ]; then
	if ! "$BIN/$T" "$KF" -d 0.1 >/dev/null 2>"$TMP/kfunc-probe.err" &&
	   grep -q 'no kernel function matches' "$TMP/kfunc-probe.err"; then
		skip "$T: a kernel function (kprobes)" "this kernel lists no $KF to probe"
	elif traced kfunc $T -j -p @PID@ "$KF" -- "$ST" -w -l 1000; then
		got=$(jq -s -c 'map(select((.kstack | length) > 0 and .ustack[0] == "bk_leaf")) | group_by(.ustack[0:2])
			| map("\(.[0].ustack[0:2] | join(","))=\(map(.count) | add)")' "$TMP/kfunc.out")
		expect_eq "$T: a kernel function (kprobes): the user stacks that reached it, exactly" "$got" \
			'["bk_leaf,bk_stack_a=3","bk_leaf,bk_stack_b=2"]'
	fi
else
	expect_exit "$T: a kernel function on a kernel without kprobes: one sentence, exit 1" 1 \
		"$BIN/$T" "$KF" -d 1
	grep -q 'no kprobes' "$TMP/exit.err" && pass "$T: ... which names what is missing" ||
		fail "$T: ... which names what is missing" "$(cat "$TMP/exit.err")"
fi
host_only

expect_exit "$T: no pattern is a usage error" 64 "$BIN/$T"
expect_exit "$T: a USDT glob is a usage error" 64 "$BIN/$T" 'u:/bin/true:p*:n'
expect_exit "$T: --max-probes 0 is a usage error" 64 "$BIN/$T" --max-probes 0 t:sched:sched_switch
expect_exit "$T: -f and -j together are a usage error" 64 "$BIN/$T" -f -j t:sched:sched_switch
expect_exit "$T: a pattern matching nothing fails with one sentence" 1 "$BIN/$T" 't:nosuchcat:nosuchtp' -d 1

# Text: one block per stack, kernel frames, "--", user frames leaf first, the count.
if traced text $T -p @PID@ t:syscalls:sys_enter_getppid -- "$ST" -w -l 1000; then
	head -1 "$TMP/text.out" | grep -q "^Tracing user and kernel stacks of 1 probe matching 't:syscalls:sys_enter_getppid'" &&
		pass "$T: text: the banner" || fail "$T: text: the banner" "$(head -1 "$TMP/text.out")"
	got=$(awk '/^    --$/ { u = 1; n = 0; next } u && /^    [a-z_]/ { f[++n] = $1; next }
		/^    -  / { u = 0 } /^        [0-9]+$/ { if (f[1] == "bk_leaf") print f[2] "=" $1; delete f }' "$TMP/text.out" | sort | tr '\n' ' ')
	expect_eq "$T: text: bk_leaf's callers and their counts" "$got" "bk_stack_a=3 bk_stack_b=2 "
fi

# Folded: root first, user then "-" then kernel frames with _[k]; --user-only and -K.
if traced folded $T -f -p @PID@ t:syscalls:sys_enter_getppid -- "$ST" -w -l 1000; then
	expect_eq "$T: -f: bk_leaf below bk_stack_a 3 times, below bk_stack_b 2 times" \
		"$(folded_of folded bk_leaf)" "bk_stack_a=3 bk_stack_b=2 "
	n=$(grep -c '^stacker;.*;bk_leaf;-;.*_\[k\];.*_\[k\] [0-9]*$' "$TMP/folded.out")
	expect_eq "$T: -f: comm first, then user frames, '-', kernel frames marked _[k]" "$n" 2
fi
if traced user $T -f --user-only -p @PID@ t:syscalls:sys_enter_getppid -- "$ST" -w -l 1000; then
	expect_eq "$T: --user-only: the same user stacks, no kernel part" \
		"$(folded_of user bk_leaf)/$(grep -c '_\[k\]' "$TMP/user.out")" "bk_stack_a=3 bk_stack_b=2 /0"
fi
if traced kern $T -f -K -p @PID@ t:syscalls:sys_enter_getppid -- "$ST" -w; then
	got=$(awk '{ s += $NF } END { print s }' "$TMP/kern.out")/$(grep -c 'bk_leaf' "$TMP/kern.out")
	expect_eq "$T: -K: the 5 hits under kernel stacks only" "$got" "5/0"
fi

# A user function: at its entry the frame-pointer walk skips its direct
# caller (bk_leaf, which calls bk_sink), as the man page says.
if traced ufunc $T -f -p @PID@ "$ST:bk_sink" -- "$ST" -w -l 1000; then
	expect_eq "$T: PATH:FUNC: bk_sink's stacks (its caller's caller at entry)" \
		"$(folded_of ufunc bk_sink)" "bk_stack_a=3 bk_stack_b=2 "
fi

# --svg: a valid flame graph with the leaf's frame and the count.
if traced svg $T --svg "$TMP/sc.svg" -p @PID@ t:syscalls:sys_enter_getppid -- "$ST" -w -l 1000; then
	if python3 -c "import xml.etree.ElementTree as E, sys; E.parse(sys.argv[1])" "$TMP/sc.svg" 2>"$TMP/svg.err" &&
	   grep -q '<title>bk_stack_a (3 hits, ' "$TMP/sc.svg"; then
		pass "$T: --svg writes a valid flame graph with bk_stack_a's 3 hits"
	else
		fail "$T: --svg writes a valid flame graph with bk_stack_a's 3 hits" "$(head -c 300 "$TMP/svg.err")"
	fi
fi

# A USDT probe: after its go line minipy fires python:function__entry 6
# times in its main thread, then 7 in a second one (run() calling main()).
if traced usdt $T -j -p @PID@ "u:$PWD/$TRIG/minipy:python:function__entry" -- "$TRIG/minipy" 1; then
	got=$(jq -s 'map(.count) | add' "$TMP/usdt.out")
	expect_eq "$T: u:PATH:PROVIDER:NAME: the USDT probe's 13 hits" "$got" 13
fi

no_leaks "$T: no BPF program or link is left behind"
