#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# exitsnoop against tests/triggers/exiter: exact exits, codes, signals,
# threads, on each path this kernel has. The checks every tool gets come
# from its row in tests/tools.table.
. "$(dirname "$0")/../lib.sh"
T=exitsnoop

expect_exit "$T: --threads takes no value" 64 "$BIN/$T" --threads=2

EXITER=$PWD/$TRIG/exiter
# A core dump is safe to ask for only when it lands in the working directory
# ($TMP, removed at the end), not in a system crash handler or a shared path.
CORE=
pattern=$(cat /proc/sys/kernel/core_pattern 2>/dev/null)
case $pattern in
""|*"|"*|*/*) skip "$T: core dump case" "core_pattern is '$pattern'" ;;
*) CORE=-c ;;
esac

# run_case NAME TOOL-ARGS... -- EXITER-ARGS...: trace one run of exiter (in $TMP), SIGTERM.
run_case() {
	local name=$1 targs=(); shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do targs+=("$1"); shift; done
	shift
	start_tool "$name" $T "${targs[@]}" || { fail "$T: $name: did not attach" "$(tail -3 "$TMP/$name.err")"; return 1; }
	(cd "$TMP" && "$EXITER" $CORE "$@") >"$TMP/$name.trig"
	EPID=$(head -1 "$TMP/$name.trig")
	stop_tool TERM
	[ "$TOOL_RC" = 0 ] || fail "$T: $name: SIGTERM exit status" "$TOOL_RC"
}

# What each child ends with, in columns and in JSON ("code signal core status").
declare -A EXIT=([code]="code 3" [segv]="signal SEGV" [threads]="code 4" [group]="code 5"
		 [core]="signal SEGV (core dumped)")
declare -A JEXIT=([code]="3 null false 768" [segv]="null SEGV false 11" [threads]="4 null false 1024"
		  [group]="5 null false 1280" [core]="null SEGV true 139")

# want_procs NAME: "pid exit ok" for each child; want_threads NAME: "pid tid exit" for each thread.
want_procs() {
	tail -n +2 "$TMP/$1.trig" | while read -r kind pid rest; do echo "$pid ${EXIT[$kind]} ok"; done | sort
}
want_threads() {
	tail -n +2 "$TMP/$1.trig" | while read -r kind pid tids; do
		echo "$pid $pid ${EXIT[$kind]}"
		for t in $tids; do
			[ $kind = threads ] && echo "$pid $t 0" || echo "$pid $t ${EXIT[$kind]}"
		done
	done | sort
}
# got_procs NAME: "pid exit ok" of the lines whose PPID is exiter; ok when
# PCOMM is exiter, AGE is a number, and TID is the child's PID, or for the
# group child one of its threads (any of them may be the last to go).
got_procs() {
	awk -v pp="$EPID" '
		NR == FNR { if (FNR > 1) { ok[$2 " " $2] = 1; if ($1 == "group") for (i = 3; i <= NF; i++) ok[$2 " " $i] = 1 } next }
		$3 == pp { e = $6; for (i = 7; i <= NF; i++) e = e " " $i
			   print $2, e, (($2 " " $4) in ok) && $1 == "exiter" && $5 ~ /^[0-9]+\.[0-9][0-9]$/ ? "ok" : "bad:" $1 ":" $4 ":" $5 }' \
		"$TMP/$1.trig" "$TMP/$1.out" | sort
}
got_threads() {
	awk -v pp="$EPID" '$3 == pp { e = $6; for (i = 7; i <= NF; i++) e = e " " $i; print $2, $4, e }' "$TMP/$1.out" | sort
}

for path in tracepoint tp_btf raw_tp; do
	# load.sh reports a path this kernel lacks.
	"$BIN/$T" --force-path=$path -d 0.1 >/dev/null 2>"$TMP/probe.err" ||
		! grep -q 'not available on this kernel' "$TMP/probe.err" || continue
	run_case "cols-$path" --force-path=$path -- -t 3
	ok=1
	w=$(want_procs "cols-$path"); g=$(got_procs "cols-$path")
	[ "$(echo "$w" | wc -l)" -ge 4 ] || { ok=0; fail "$T: $path: trigger ran" "$(cat "$TMP/cols-$path.trig")"; }
	[ "$w" = "$g" ] || { ok=0; fail "$T: $path: one exact line per child" "want [$w] got [$g]"; }
	n=$(awk -v p="$EPID" '$2 == p && $4 == p && $1 == "exiter" && $6 == "0" && NF == 6' "$TMP/cols-$path.out" | wc -l)
	[ "$n" = 1 ] || { ok=0; fail "$T: $path: exiter's own exit, 0" "$n lines"; }
	[ $ok = 1 ] && pass "$T: $path: code 3, SEGV,$([ -n "$CORE" ] && echo ' SEGV with core,') 3-thread and exit_group children: one line each, exact fields"
done

# --threads: every thread, with its own TID and exit.
run_case threads --threads -- -t 3
w=$(want_threads threads); g=$(got_threads threads)
expect_eq "$T: --threads has each thread's exit (N+1 per multi-threaded child)" "$g" "$w"

# JSON, checked with jq.
run_case json -j -- -t 3
if json_valid "$TMP/json.out"; then pass "$T: -j output is valid JSON"; else fail "$T: -j output is valid JSON" "$(head -2 "$TMP/json.out")"; fi
w=$(tail -n +2 "$TMP/json.trig" | while read -r kind pid rest; do echo "$pid ${JEXIT[$kind]}"; done | sort)
g=$(jq -r --argjson pp "$EPID" 'select(.ppid == $pp and .comm == "exiter" and .uid == 0 and .age_ns >= 0 and .age_ns < 10000000000)
	| "\(.pid) \(.code) \(.signal) \(.core_dumped) \(.status)"' "$TMP/json.out" | sort)
expect_eq "$T: -j has one exact record per child (code, signal, core_dumped, status)" "$g" "$w"

# -x --threads: the threads that exited with 0 and exiter itself are left out.
run_case failed -x --threads -- -t 3
w=$(want_threads failed | awk '$3 != "0"'); g=$(got_threads failed)
n=$(awk -v p="$EPID" '$2 == p' "$TMP/failed.out" | wc -l)
expect_eq "$T: -x leaves out exits with 0" "$g/$n" "$w/0"

no_leaks "$T: no BPF program or link is left behind"
