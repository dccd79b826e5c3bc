#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#
# The Go case of make bench: what gofunclat and gotrace cost per probed call,
# against an empty uprobe program on the same function (bpftrace's
# `uprobe:BIN:"main.greet" {}`), in the same run, interleaved. The load is the
# Go test target calling main.greet BENCH_GO_CALLS times. Appends a table to
# $OUTPUT/bench/results.md and rows to $OUTPUT/bench/raw.csv.
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

# tracer IMPL: starts IMPL on BIN in the background, waits until attached.
tracer() {
	case $1 in
	empty)
		taskset -c "$TOOL_CPU" bpftrace -e "uprobe:$BIN:\"main.greet\" {}" >"$B/go.$1.out" 2>&1 & ;;
	gofunclat)
		taskset -c "$TOOL_CPU" "$OUTPUT/bin/gofunclat" -v "$BIN" 'main.greet' >"$B/go.$1.out" 2>&1 & ;;
	gotrace)
		taskset -c "$TOOL_CPU" "$OUTPUT/bin/gotrace" -v "$BIN" \
			'main.greet(name string, year int) string' >"$B/go.$1.out" 2>&1 & ;;
	esac
	TPID=$!
	for _ in $(seq 1 200); do
		grep -qE 'Attaching 1 probe|attached via' "$B/go.$1.out" && return 0
		kill -0 $TPID 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

# load: ns per call of main.greet, the process's whole run divided by CALLS.
load() {
	local s e
	s=$(date +%s%N)
	taskset -c "$LOAD_CPU" "$BIN" greet gopher 2009 "$CALLS" >/dev/null
	e=$(date +%s%N)
	echo $(( (e - s) / CALLS ))
}

for rep in $(seq 1 "$REPS"); do
	echo "untraced,$(load)" >>"$RAW"
	for impl in empty gofunclat gotrace; do
		if tracer $impl; then
			echo "$impl,$(load)" >>"$RAW"
		else
			echo "bench: go: $impl did not attach: $(tail -2 "$B/go.$impl.out")" >&2
		fi
		kill -INT $TPID 2>/dev/null; wait $TPID 2>/dev/null
	done
done

med() { awk -F, -v i="$1" '$1 == i { print $2 }' "$RAW" | sort -n |
	awk '{ v[NR] = $1 } END { if (NR) print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
u=$(med untraced) e=$(med empty) f=$(med gofunclat) t=$(med gotrace)
add() { [ -n "$1" ] && [ -n "$u" ] && echo $(( ${1%.*} - ${u%.*} )); }
ae=$(add "$e") af=$(add "$f") at=$(add "$t")
ratio() { [ -n "$1" ] && [ -n "$ae" ] && [ "$ae" -gt 0 ] && awk -v a="$1" -v b="$ae" 'BEGIN { printf "%.2f", a / b }' || echo n/a; }
{
	echo
	echo "## Go: cost per probed call of main.greet ($CALLS calls, median of $REPS interleaved runs)"
	echo
	echo "| tracer | probes per call | ns per call | added ns per call | / empty uprobe |"
	echo "|---|---|---|---|---|"
	echo "| untraced | 0 | $u | | |"
	echo "| empty uprobe program (bpftrace) | 1 (entry) | $e | $ae | 1.00 |"
	echo "| gofunclat | 2 (entry, RET) | $f | $af | $(ratio "$af") |"
	echo "| gotrace | 2 (entry, RET) + an event | $t | $at | $(ratio "$at") |"
	echo
	echo "gofunclat and gotrace probe the entry and every RET instruction (main.greet has one"
	echo "reachable RET), never a uretprobe; the empty program probes the entry only. Load pinned"
	echo "to CPU $LOAD_CPU, tracers to CPU $TOOL_CPU. Each call includes the target's own work (a"
	echo "string format and a write to /dev/null)."
} | tee -a "$B/results.md"
