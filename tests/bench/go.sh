#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#
# The Go case of make bench: what each Go tool adds per probed call against
# empty BPF programs on the same probe points (bkbench empty: the entry and
# every RET of main.greet, on one multi-uprobe link as the tools use), in the
# same run, interleaved: the ratio is bpfkit's own work, not the trap's.
# Loads: the Go test target calling main.greet BENCH_GO_CALLS times
# (gofunclat, gotrace with a string argument and a string result), and
# starting BENCH_GO_CALLS goroutines (gospawn -c, on runtime.newproc1's
# entry only). Appends a table to $OUTPUT/bench/results.md and rows to
# $OUTPUT/bench/raw.go.csv. Targets: gofunclat and gospawn -c at most 1.15
# times the floor's added cost, gotrace 1.3.
#
#   BENCH_GO_CALLS (20000), BENCH_REPS (5), BENCH_LOAD_CPU (0), BENCH_TOOL_CPU (1)
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
OUTPUT=${OUTPUT:-build}
B=$OUTPUT/bench
CALLS=${BENCH_GO_CALLS:-20000}
REPS=${BENCH_REPS:-5}
LOAD_CPU=${BENCH_LOAD_CPU:-0}
TOOL_CPU=${BENCH_TOOL_CPU:-1}
GO=$OUTPUT/tests/go
mkdir -p "$B"
bash tests/go/build.sh "$GO" >/dev/null 2>&1 || { echo "bench: go: building the Go targets failed" >&2; exit 1; }
BIN=$PWD/$GO/target
RAW=$B/raw.go.csv
: >"$RAW"
BK=$B/bkbench
[ -x "$BK" ] && [ "$BK" -nt tests/bench/bkbench.c ] ||
	gcc -O2 -g -Wall -Wextra -D_GNU_SOURCE $(pkg-config --cflags libbpf 2>/dev/null) \
		tests/bench/bkbench.c -o "$BK" -lpthread -lbpf || exit 1

# The probes' file offsets, as gofunclat -vv says them: "entry, RETs".
offsets() {
	"$OUTPUT/bin/gofunclat" -vv -d 0.1 "$BIN" "$1" 2>&1 >/dev/null |
		sed -n "s/.*$1: entry and [0-9]* returns (file offsets \([^)]*\)).*/\1/p" | tr -d ','
}
GREET_OFFS=$(offsets main.greet)
NEWPROC_OFF=$(offsets runtime.newproc1 | awk '{ print $1 }')
[ -n "$GREET_OFFS" ] && [ -n "$NEWPROC_OFF" ] ||
	{ echo "bench: go: gofunclat -vv gave no probe offsets" >&2; exit 1; }

# tracer IMPL: starts IMPL on BIN in the background, waits until attached.
tracer() {
	case $1 in
	empty2)
		taskset -c "$TOOL_CPU" "$BK" empty "$BIN" $GREET_OFFS >"$B/go.$1.out" 2>&1 & ;;
	empty1)
		taskset -c "$TOOL_CPU" "$BK" empty "$BIN" "$NEWPROC_OFF" >"$B/go.$1.out" 2>&1 & ;;
	gofunclat)
		taskset -c "$TOOL_CPU" "$OUTPUT/bin/gofunclat" -v "$BIN" 'main.greet' >"$B/go.$1.out" 2>&1 & ;;
	gotrace)
		taskset -c "$TOOL_CPU" "$OUTPUT/bin/gotrace" -v "$BIN" \
			'main.greet(name string, year int) string' >"$B/go.$1.out" 2>&1 & ;;
	gospawn)
		taskset -c "$TOOL_CPU" "$OUTPUT/bin/gospawn" -c -v "$BIN" >"$B/go.$1.out" 2>&1 & ;;
	esac
	TPID=$!
	for _ in $(seq 1 200); do
		grep -qE 'empty: attached|attached via' "$B/go.$1.out" && return 0
		kill -0 $TPID 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

# load WHAT: ns per call of main.greet (greet) or per goroutine started
# (spawn), the process's whole run divided by CALLS.
load() {
	local s e
	s=$(date +%s%N)
	if [ "$1" = greet ]; then
		taskset -c "$LOAD_CPU" "$BIN" greet gopher 2009 "$CALLS" >/dev/null
	else
		taskset -c "$LOAD_CPU" "$BIN" spawn "$CALLS" >/dev/null
	fi
	e=$(date +%s%N)
	echo $(( (e - s) / CALLS ))
}

# prog_ns PID: run time of the BPF programs PID holds, in ns (bkbench stats on).
prog_ns() {
	cat /proc/"$1"/fdinfo/* 2>/dev/null | awk '/^run_time_ns:/ { n += $2 } END { print n + 0 }'
}
"$BK" stats >/dev/null &
SPID=$!
trap 'kill $SPID 2>/dev/null' EXIT

for rep in $(seq 1 "$REPS"); do
	for l in greet:untraced greet:empty2 greet:gofunclat greet:gotrace spawn:untraced \
		 spawn:empty1 spawn:gospawn; do
		what=${l%%:*} impl=${l#*:}
		if [ "$impl" = untraced ]; then
			echo "$what.$impl,$(load "$what")" >>"$RAW"
			continue
		fi
		if tracer "$impl"; then
			n0=$(prog_ns $TPID)
			echo "$what.$impl,$(load "$what")" >>"$RAW"
			echo "$what.$impl.prog,$(( ($(prog_ns $TPID) - n0) / CALLS ))" >>"$RAW"
		else
			echo "bench: go: $impl did not attach: $(tail -2 "$B/go.$impl.out")" >&2
		fi
		kill -INT $TPID 2>/dev/null; wait $TPID 2>/dev/null
	done
done

med() { awk -F, -v i="$1" '$1 == i { print $2 }' "$RAW" | sort -n |
	awk '{ v[NR] = $1 } END { if (NR) print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
gu=$(med greet.untraced) ge=$(med greet.empty2) gf=$(med greet.gofunclat) gt=$(med greet.gotrace)
su=$(med spawn.untraced) se=$(med spawn.empty1) sg=$(med spawn.gospawn)
add() { [ -n "$1" ] && [ -n "$2" ] && echo $(( ${1%.*} - ${2%.*} )); }
age=$(add "$ge" "$gu") agf=$(add "$gf" "$gu") agt=$(add "$gt" "$gu")
ase=$(add "$se" "$su") asg=$(add "$sg" "$su")
pge=$(med greet.empty2.prog) pgf=$(med greet.gofunclat.prog) pgt=$(med greet.gotrace.prog)
pse=$(med spawn.empty1.prog) psg=$(med spawn.gospawn.prog)
# ratio ADDED FLOOR TARGET: the tool's added cost over the floor's, and the verdict.
ratio() {
	[ -n "$1" ] && [ -n "$2" ] && [ "$2" -gt 0 ] || { echo "n/a | n/a"; return; }
	awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { r = a / b; printf "%.2f | %s", r, r <= t ? "met" : "**MISSED**" }'
}
{
	echo
	echo "## Go: added cost per probed call against empty programs on the same probes ($CALLS calls, median of $REPS interleaved runs)"
	echo
	echo "| load | tracer | probes per call | ns per call | added ns | / empty programs | target | BPF run ns per call |"
	echo "|---|---|---|---|---|---|---|---|"
	echo "| main.greet | untraced | 0 | $gu | | | | |"
	echo "| main.greet | empty programs (bkbench empty) | 2 (entry, RET) | $ge | $age | 1.00 | | $pge |"
	echo "| main.greet | gofunclat | 2 (entry, RET) | $gf | $agf | $(ratio "$agf" "$age" 1.15) (1.15) | $pgf |"
	echo "| main.greet | gotrace, string argument and result | 2 (entry, RET) + an event | $gt | $agt | $(ratio "$agt" "$age" 1.3) (1.3) | $pgt |"
	echo "| go statement | untraced | 0 | $su | | | | |"
	echo "| go statement | empty program (bkbench empty) | 1 (newproc1 entry) | $se | $ase | 1.00 | | $pse |"
	echo "| go statement | gospawn -c | 1 (newproc1 entry) | $sg | $asg | $(ratio "$asg" "$ase" 1.15) (1.15) | $psg |"
	echo
	echo "The empty programs (r0 = 0; exit) sit on the same file offsets as the tools' probes,"
	echo "on one multi-uprobe link, so the ratio is what the tools' own BPF work adds to the"
	echo "trap. Load pinned to CPU $LOAD_CPU, tracers to CPU $TOOL_CPU. Each greet call includes"
	echo "the target's own work (a string format and a write to /dev/null). BPF run ns per call:"
	echo "the programs' own run time (kernel BPF statistics, held on by bkbench stats) over"
	echo "the calls: the part of the added cost that is the tools' BPF work; the rest of a"
	echo "tool's excess over the floor is its user side sharing the machine."
} | tee -a "$B/results.md"
