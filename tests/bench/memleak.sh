#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#
# memleak's case of make bench: what each tracer adds per malloc(64)+free()
# pair of `bkbench malloc`, against empty BPF programs on the same probe
# points (bkbench empty: malloc's entry and return and free's entry), in the
# same run, interleaved. The floor is the uprobe traps' cost; a tracer's
# added cost minus the floor's is its own work per pair. Tracers: bpfkit's
# memleak and libbpf-tools' memleak, both -p LOADPID -O BKBENCH (uprobes
# for that process only; libbpf-tools' is Debian trixie's, fetched once by
# trixie-libbpf-tools.sh, as bookworm's has none), and bpftrace running
# tests/bench/memleak.bt (the same accounting) on the same functions. The
# load is a static copy of bkbench, which carries its own malloc (glibc's):
# the probes are in that file only, so no other process on the machine
# traps (with libc's, every process's malloc would, slowing the whole machine
# and mixing other processes' runs into the BPF statistics). It starts
# stopped (bkbench malloc N stop): each tracer attaches to its PID before the
# first pair.
# Appends a table to $OUTPUT/bench/results.md and rows to $OUTPUT/bench/raw.memleak.csv.
#
#   BENCH_MALLOCS (200000), BENCH_MEMLEAK_REPS (7), BENCH_LOAD_CPU (0), BENCH_TOOL_CPU (1)
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
OUTPUT=${OUTPUT:-build}
B=$OUTPUT/bench
N=${BENCH_MALLOCS:-200000}
REPS=${BENCH_MEMLEAK_REPS:-7}
LOAD_CPU=${BENCH_LOAD_CPU:-0}
TOOL_CPU=${BENCH_TOOL_CPU:-1}
mkdir -p "$B"
RAW=$B/raw.memleak.csv
: >"$RAW"
BK=$B/bkbench
[ -x "$BK" ] && [ "$BK" -nt tests/bench/bkbench.c ] ||
	gcc -O2 -g -Wall -Wextra -D_GNU_SOURCE $(pkg-config --cflags libbpf 2>/dev/null) \
		tests/bench/bkbench.c -o "$BK" -lpthread -lbpf || exit 1
command -v bpftrace >/dev/null || { echo "bench: memleak: bpftrace is missing" >&2; exit 1; }
# libbpf-tools' memleak: if it cannot be had, one line and the other rows.
LIBBPF=$(bash tests/bench/trixie-libbpf-tools.sh "$B/trixie" memleak) || LIBBPF=

# The load, static (bkbench for its comm), and the file offsets of its malloc and free.
mkdir -p "$B/static"
LOADBIN=$PWD/$B/static/bkbench
[ -x "$LOADBIN" ] && [ "$LOADBIN" -nt tests/bench/bkbench.c ] ||
	gcc -O2 -g -Wall -Wextra -D_GNU_SOURCE -static tests/bench/bkbench.c -o "$LOADBIN" \
		-lpthread -lbpf -lelf -lz || { echo "bench: memleak: no static bkbench" >&2; exit 1; }

sed -e "s|uprobe:libc:|uprobe:$LOADBIN:|" -e "s|uretprobe:libc:|uretprobe:$LOADBIN:|" \
	tests/bench/memleak.bt >"$B/memleak-static.bt"
# sym_off SYMBOL: the symbol's file offset (its address, through its PT_LOAD segment).
sym_off() {
	local a off va sz
	a=$(readelf -W -s "$LOADBIN" | awk -v s="$1" '$4 == "FUNC" && ($8 == s || index($8, s "@@") == 1) { print $2; exit }')
	[ -n "$a" ] || return 1
	while read -r off va sz; do
		if (( 0x$a >= va && 0x$a < va + sz )); then
			printf '0x%x\n' $(( 0x$a - va + off ))
			return 0
		fi
	done < <(readelf -lW "$LOADBIN" | awk '$1 == "LOAD" { print $2, $3, $5 }')
	return 1
}
MALLOC=$(sym_off malloc)
FREE=$(sym_off free)
[ -n "$LOADBIN" ] && [ -n "$MALLOC" ] && [ -n "$FREE" ] ||
	{ echo "bench: memleak: no malloc/free offsets in '$LOADBIN'" >&2; exit 1; }

# tracer IMPL: starts IMPL in the background (TPID) for the stopped load
# LPID, waits until attached; TUP: its start-up time in ms.
tracer() {
	local t0=$(date +%s%N)
	case $1 in
	empty)
		taskset -c "$TOOL_CPU" "$BK" empty "$LOADBIN" "$MALLOC" "r$MALLOC" "$FREE" >"$B/memleak.$1.out" 2>&1 & ;;
	bpfkit)
		taskset -c "$TOOL_CPU" "$OUTPUT/bin/memleak" -v -p "$LPID" -O "$LOADBIN" >"$B/memleak.$1.out" 2>&1 & ;;
	libbpf-tools)
		# Its -O keeps 31 characters of a path: a short one, from the load's folder.
		(cd "$(dirname "$LOADBIN")" && exec taskset -c "$TOOL_CPU" stdbuf -oL "$LIBBPF" -p "$LPID" -O ./bkbench) \
			>"$B/memleak.$1.out" 2>&1 & ;;
	bpftrace)
		taskset -c "$TOOL_CPU" bpftrace "$B/memleak-static.bt" >"$B/memleak.$1.out" 2>&1 & ;;
	esac
	TPID=$!
	TUP=
	for _ in $(seq 1 400); do
		grep -qE 'empty: attached|attached via|^Tracing outstanding|^Attaching [0-9]+ probes' "$B/memleak.$1.out" && break
		kill -0 $TPID 2>/dev/null || return 1
		sleep 0.05
	done
	TUP=$(( ($(date +%s%N) - t0) / 1000000 ))
	# bpftrace says "Attaching" before it attaches.
	[ "$1" = bpftrace ] && sleep 2
	kill -0 $TPID 2>/dev/null
}

# load_start: the load, stopped (LPID); load_run: continues it and sets NS to
# "WALL,CPU": its ns per pair by the clock and in its own CPU time (the traps
# and programs run on its CPU time; other people's work on the machine does
# not, which makes it the steadier figure here).
load_start() {
	taskset -c "$LOAD_CPU" "$LOADBIN" malloc "$N" stop >"$B/memleak.load.out" 2>&1 &
	LPID=$!
	for _ in $(seq 1 200); do
		[ "$(awk '{ print $3 }' /proc/$LPID/stat 2>/dev/null)" = T ] && return 0
		sleep 0.01
	done
	return 1
}
load_run() {
	kill -CONT $LPID
	wait $LPID
	NS=$(sed -n 's/^ns_per_op=\([0-9.]*\) .*cpuns=\([0-9.]*\).*/\1,\2/p' "$B/memleak.load.out")
}
# stop: SIGINT to the tracer, SIGKILL 10 s later (bpftrace 0.17 may miss a
# SIGINT), then reaped.
stop() {
	kill -INT $TPID 2>/dev/null
	for _ in $(seq 1 100); do kill -0 $TPID 2>/dev/null || break; sleep 0.1; done
	kill -9 $TPID 2>/dev/null
	wait $TPID 2>/dev/null
}

# prog_stats PID: "run_time_ns run_cnt" of the BPF programs PID holds.
prog_stats() {
	cat /proc/"$1"/fdinfo/* 2>/dev/null |
		awk '/^run_time_ns:/ { t += $2 } /^run_cnt:/ { c += $2 } END { print t + 0, c + 0 }'
}
"$BK" stats >/dev/null &
SPID=$!
trap 'kill $SPID 2>/dev/null' EXIT

IMPLS="untraced empty bpfkit libbpf-tools bpftrace"
[ -n "$LIBBPF" ] || IMPLS="untraced empty bpfkit bpftrace"
for rep in $(seq 1 "$REPS"); do
	echo "bench: memleak run $rep/$REPS" >&2
	# Rotated each repetition: no tracer always runs first or after another.
	set -- $IMPLS
	for _ in $(seq 2 "$rep"); do set -- "${@:2}" "$1"; done
	for impl in "$@"; do
		load_start || { echo "bench: memleak: the load did not stop" >&2; exit 1; }
		if [ "$impl" = untraced ]; then
			load_run
			echo "untraced,$NS,,,," >>"$RAW"
			continue
		fi
		if tracer "$impl"; then
			read -r t0 c0 < <(prog_stats $TPID)
			load_run
			read -r t1 c1 < <(prog_stats $TPID)
			rss=$(awk '/^VmHWM:/ { print $2 }' /proc/$TPID/status)
			echo "$impl,$NS,$(( (t1 - t0) / N )),$(( c1 - c0 )),$TUP,$rss" >>"$RAW"
		else
			echo "bench: memleak: $impl did not attach: $(tail -2 "$B/memleak.$impl.out")" >&2
			kill -CONT $LPID
			wait $LPID
		fi
		stop
	done
done

# med IMPL FIELD: the median of a column (2 wall ns, 3 CPU ns, 4 BPF ns per
# pair, 6 start-up ms, 7 peak RSS KiB).
med() { awk -F, -v i="$1" -v f="$2" '$1 == i && $f != "" { print $f }' "$RAW" | sort -g |
	awk '{ v[NR] = $1 } END { if (NR) printf "%.0f\n", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
sub() { [ -n "$1" ] && [ -n "$2" ] && echo $(( $1 - $2 )); }
ratio() { [ -n "$1" ] && [ -n "$2" ] && awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }' || echo n/a; }
declare -A W C A O P U R
for impl in $IMPLS; do
	W[$impl]=$(med "$impl" 2)
	C[$impl]=$(med "$impl" 3)
	P[$impl]=$(med "$impl" 4)
	U[$impl]=$(med "$impl" 6)
	R[$impl]=$(med "$impl" 7)
	[ -n "${R[$impl]}" ] && R[$impl]=$(awk -v k="${R[$impl]}" 'BEGIN { printf "%.1f", k / 1024 }')
	A[$impl]=$(sub "${C[$impl]}" "${C[untraced]}")
done
for impl in bpfkit libbpf-tools bpftrace; do O[$impl]=$(sub "${A[$impl]}" "${A[empty]}"); done
own=$(ratio "${O[bpfkit]}" "${O[libbpf-tools]}")
ownbt=$(ratio "${O[bpfkit]}" "${O[bpftrace]}")
verdict=$(awk -v r="$own" 'BEGIN { if (r == "n/a") print "n/a"; else print (r <= 0.5) ? "met" : "**MISSED**" }')
row() { echo "| $2 | ${W[$1]} | ${C[$1]} | ${A[$1]} | ${O[$1]} | ${P[$1]} | ${U[$1]} | ${R[$1]} |"; }
{
	echo
	echo "## memleak: each tracer's own work per malloc(64)+free() pair, above empty programs on the same probes ($N pairs, median of $REPS interleaved runs)"
	echo
	echo "| tracer | wall ns per pair | CPU ns per pair | added CPU ns | own work: added - empty programs' | BPF run ns per pair | start-up ms | peak RSS MB |"
	echo "|---|---|---|---|---|---|---|---|"
	echo "| untraced | ${W[untraced]} | ${C[untraced]} | | | | | |"
	O[empty]=0
	row empty "empty programs (bkbench empty: malloc entry and return, free entry)"
	row bpfkit "bpfkit memleak -p LOADPID -O BKBENCH"
	if [ -n "$LIBBPF" ]; then
		row libbpf-tools "libbpf-tools memleak -p LOADPID -O BKBENCH (Debian trixie)"
	else
		echo "| libbpf-tools memleak | not run: Debian trixie's libbpf-tools could not be fetched or run | | | | | | |"
	fi
	row bpftrace "bpftrace memleak.bt"
	echo
	echo "bpfkit's own work / libbpf-tools': $own; target at most 0.5: $verdict. bpfkit's / bpftrace's: $ownbt."
	echo "libbpf-tools is Debian trixie's (0.31, bookworm's has no memleak), run through trixie's"
	echo "loader and libraries from $B/trixie (fetched once). CPU ns: the load thread's own CPU time"
	echo "per pair (CLOCK_THREAD_CPUTIME_ID), which holds the traps and the programs but not the"
	echo "time others' work took its CPU: on a shared machine the wall figure varies twofold"
	echo "between runs, this one much less. The load is a static bkbench with its own malloc, so"
	echo "only it traps; the empty programs (r0 = 0; exit) sit on the same offsets of it. BPF run"
	echo "ns per pair: the tracer's programs' run time (kernel BPF statistics) over the $N pairs:"
	echo "its own BPF work, without the traps. Start-up: from the tracer's launch to its 'attached'"
	echo "line (bpftrace: its 'Attaching' line). Peak RSS: the tracer's VmHWM after the load."
	echo "Load pinned to CPU $LOAD_CPU, tracers to CPU $TOOL_CPU."
} | tee -a "$B/results.md"
