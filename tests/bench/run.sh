#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#
# make bench: bpfkit's tools side by side with Debian's bcc libbpf-tools and
# bpftrace, interleaved run by run. Writes $OUTPUT/bench/results.md (printed at
# the end) and $OUTPUT/bench/raw.csv. How to read it: tests/bench/README.md.
#
# Settings (environment): BENCH_REPS (overhead runs, 5), BENCH_STARTUP_REPS (10),
# BENCH_FLOOD_REPS (3), BENCH_FLOOD_S (10), BENCH_FLOOD_THREADS (4),
# BENCH_OPENS (1000000), BENCH_EXECS (5000), BENCH_READS (2000000),
# BENCH_SWITCHES (400000), BENCH_SPINS (1000), BENCH_CONNS (20000), BENCH_DIOS (20000),
# BENCH_MALLOCS (200000),
# BENCH_CASES (which of "overhead startup flood", all by default),
# BENCH_ONLY (tool names, all of the table by default), BENCH_LOAD_CPU (0),
# BENCH_TOOL_CPU (1).
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
OUTPUT=${OUTPUT:-build}
TOOLS=${TOOLS:-$(make -s print-tools)}
B=$OUTPUT/bench
BASE=$B/baselines/usr/sbin
REPS=${BENCH_REPS:-5}
STARTUP_REPS=${BENCH_STARTUP_REPS:-10}
FLOOD_REPS=${BENCH_FLOOD_REPS:-3}
FLOOD_S=${BENCH_FLOOD_S:-10}
FLOOD_THREADS=${BENCH_FLOOD_THREADS:-4}
OPENS=${BENCH_OPENS:-1000000}
EXECS=${BENCH_EXECS:-5000}
READS=${BENCH_READS:-2000000}
SWITCHES=${BENCH_SWITCHES:-400000}
SPINS=${BENCH_SPINS:-1000}
CONNS=${BENCH_CONNS:-20000}
DIOS=${BENCH_DIOS:-20000}
MALLOCS=${BENCH_MALLOCS:-200000}
# The loopback port of the connect load; its sessions' lines name it.
CONN_PORT=40777
CASES_RUN=${BENCH_CASES:-overhead startup flood}
ONLY=${BENCH_ONLY:-}
LOAD_CPU=${BENCH_LOAD_CPU:-0}
TOOL_CPU=${BENCH_TOOL_CPU:-1}

# The benchmark table: one line per tool, fields separated by '|':
#   tool | load | marker | cases | bpfkit args | libbpf-tools command | bpftrace script
# load: open (BENCH_OPENS open()+close() of one file), exec (BENCH_EXECS execs of
# /bin/true), read (BENCH_READS one-byte reads; for summary tools), pread
# (BENCH_READS reads of one cached 4 KiB page of a file: page-cache hits), switch
# (BENCH_SWITCHES context switches of two threads on one CPU), spin (BENCH_SPINS
# units of pure CPU work, for samplers: a sample costs what bpf_stats says),
# connect (BENCH_CONNS loopback TCP sessions, each connected, accepted and
# closed: two session ends to show), connect0 (the same for a tool that should
# show none of them: tcpretrans, with nothing lost on loopback), dio (BENCH_DIOS
# O_DIRECT 4 KiB writes and reads in turn of a loop device the script makes,
# each one request; its lines name the device), diosum (the same for a tool
# that prints a summary, not a line per I/O), malloc (BENCH_MALLOCS
# malloc(64)+free() pairs through libc: ns per allocation). marker: how
# the harness sees that a tool is attached: open or exec (a marker event shows
# up on its stdout), none (wait 2 s). An empty baseline is not run; a baseline
# that fails to start here (e.g. it needs kprobes) is shown as n/a.
TABLE='
opensnoop | open | open | overhead startup flood |     | opensnoop     | opensnoop.bt
execsnoop | exec | exec | overhead startup       |     | execsnoop     | execsnoop.bt
vfsstat   | read | none | overhead               | 1   | vfsstat 1     | vfsstat.bt
syscount  | read | none | overhead               | 1   | syscount -i 1 | syscount.bt
profile   | spin | none | overhead               | -F 99 -f |            | profile99.bt
offcputime | switch | none | overhead            | -f  | offcputime    |
tcplife   | connect  | none | overhead          |     | tcplife       | tcplife.bt
tcpretrans | connect0 | none | overhead         |     | tcplife       | tcpretrans.bt
cachestat | pread | none | overhead               | 1   | cachestat 1   |
biolatency | diosum | none | overhead              | 1   | biolatency 1  |
biosnoop  | dio  | none | overhead               |     | biosnoop      |
memleak   | malloc | none | overhead              | -O c -n bkbench |   | memleak.bt
'
IMPLS="bpfkit libbpf-tools bpftrace"

say() { echo "bench: $*" >&2; }

# ---- set-up: the load generator and the baselines (idempotent) ----
mkdir -p "$B" || exit 1
gcc -O2 -g -Wall -Wextra -D_GNU_SOURCE $(pkg-config --cflags libbpf 2>/dev/null) tests/bench/bkbench.c \
	-o "$B/bkbench" -lpthread -lbpf || exit 1
BK=$B/bkbench
TARGET=$PWD/$B/bkbench.target
echo target >"$TARGET"

if [ ! -x "$BASE/opensnoop" ]; then
	say "unpacking Debian's libbpf-tools into $B/baselines (not installed, not on PATH)"
	rm -f "$B"/baselines/*.deb
	mkdir -p "$B/baselines"
	if ! (cd "$B/baselines" && apt-get download libbpf-tools >/dev/null 2>&1); then
		apt-get update -qq >/dev/null 2>&1
		(cd "$B/baselines" && apt-get download libbpf-tools >/dev/null 2>&1)
	fi
	dpkg-deb -x "$B"/baselines/libbpf-tools_*.deb "$B/baselines" || { say "no libbpf-tools"; exit 1; }
fi
need_pkg() {
	command -v "$1" >/dev/null && return 0
	say "installing $2"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null 2>&1 ||
		{ apt-get update -qq >/dev/null 2>&1; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null 2>&1; }
}
need_pkg bpftrace bpftrace
need_pkg stdbuf coreutils
need_pkg taskset util-linux
LIBBPF_TOOLS_VERSION=$(dpkg-deb -f "$B"/baselines/libbpf-tools_*.deb Version 2>/dev/null)
BPFTRACE_VERSION=$(bpftrace --version 2>/dev/null | awk '{print $2}')

bt_script() {
	local d
	for d in tests/bench /usr/sbin /usr/share/bpftrace/tools; do
		[ -r "$d/$1" ] && { echo "$d/$1"; return 0; }
	done
	return 1
}

RAW=$B/raw.csv
echo "case,tool,impl,rep,attach_ms,lines,matched,expected,exit_ms,rss_kb,status,ns_per_op,drops,generated,wakeups,cpu_ms,run_s,prog_ns,prog_runs" >"$RAW"
ERR=$B/stderr.txt

# drops IMPL FILE: the events the tool says it lost. bpfkit: the total in its
# last message ("... (T in all)" or "T events were lost in all"); libbpf-tools
# and bpftrace: the sum of their "Lost N events" lines.
drops() {
	local n
	if [ "$1" = bpfkit ]; then
		# Only ring-buffer drops: stacks lost to a stack map are reported in other words.
		n=$(grep 'ring buffer was full' "$2" | grep -oE '\([0-9]+ in all\)|[0-9]+ [a-z]+ were lost in all' | tail -1 | grep -oE '[0-9]+' | head -1)
		echo "${n:-0}"
	else
		grep -oiE 'lost [0-9]+ events' "$2" | awk '{s += $2} END {print s + 0}'
	fi
}

# cmd IMPL TOOL LINE_BUFFERED: the command line of one implementation, or nothing.
cmd() {
	local impl=$1 t=$2 lb=$3 sb=
	[ "$lb" = 1 ] && sb="stdbuf -oL"
	case $impl in
	bpfkit) echo "$OUTPUT/bin/$t ${T_ARGS[$t]}" ;;
	libbpf-tools) [ -n "${T_LBT[$t]}" ] && echo "$sb $BASE/${T_LBT[$t]}" ;;
	bpftrace) [ -n "${T_BT[$t]}" ] && s=$(bt_script "${T_BT[$t]}") && echo "$sb bpftrace $s" ;;
	esac
}

# one CASE TOOL IMPL REP EXPECTED [harness options...] -- COMMAND: one run, one CSV row.
one() {
	local c=$1 t=$2 impl=$3 rep=$4 expected=$5 out kv; shift 5
	out=$("$BK" run -c "$TOOL_CPU" -L "$LOAD_CPU" -e "$ERR" "$@")
	# A baseline that skipped probes it could not attach (bpftrace on kprobes
	# here) measured nothing: count it as failed.
	grep -qiE 'could not attach|failed to (auto-)?attach' "$ERR" && out="${out/status=exit0/status=noattach}"
	kv() { echo "$out" | grep -oE "(^| )$1=[^ ]*" | head -1 | cut -d= -f2; }
	echo "$c,$t,$impl,$rep,$(kv attach_ms),$(kv lines),$(kv matched),$expected,$(kv exit_ms),$(kv rss_kb),$(kv status),$(kv ns_per_op),$(drops "$impl" "$ERR"),$(kv generated),$(kv wakeups),$(kv cpu_ms),$(kv run_s),$(kv prog_ns),$(kv prog_runs)" >>"$RAW"
	# Keep the last stderr of each implementation for the reader.
	cp "$ERR" "$B/stderr.$c.$t.$impl.txt"
}

declare -A T_LOAD T_MARK T_CASES T_ARGS T_LBT T_BT
ORDER=()
while IFS='|' read -r t load mark cases args lbt bt; do
	t=$(echo $t)
	[ -z "$t" ] && continue
	T_LOAD[$t]=$(echo $load); T_MARK[$t]=$(echo $mark); T_CASES[$t]=$(echo $cases)
	T_ARGS[$t]=$(echo $args); T_LBT[$t]=$(echo $lbt); T_BT[$t]=$(echo $bt)
	ORDER+=("$t")
done <<<"$TABLE"

NOTES=()
RUN_TOOLS=()
for t in "${ORDER[@]}"; do
	[ -n "$ONLY" ] && ! [[ " $ONLY " == *" $t "* ]] && continue
	if ! [[ " $TOOLS " == *" $t "* ]] || [ ! -x "$OUTPUT/bin/$t" ]; then
		NOTES+=("$t: skipped, not built in $OUTPUT/bin (not in TOOLS yet)")
		continue
	fi
	RUN_TOOLS+=("$t")
done

# rotate REP ITEMS...: the items, starting at item REP-1 (mod their number), so
# that no implementation always runs first or right after another.
rotate() {
	local r=$1; shift
	local a=("$@") n=$# i
	for ((i = 0; i < n; i++)); do echo "${a[((i + r - 1) % n)]}"; done
}

# The direct-I/O load's device: a loop device over a file in /dev/shm (no
# second disk's requests behind it; $B where /dev/shm is missing), made once
# for the whole run, detached at the end.
DIO_DEV=
DIO_IMG=
for t in "${RUN_TOOLS[@]}"; do
	case ${T_LOAD[$t]} in dio|diosum) ;; *) continue ;; esac
	d=/dev/shm
	[ -d "$d" ] && [ -w "$d" ] || d=$B
	DIO_IMG=$d/bkbench-dio.$$.img
	if truncate -s 64M "$DIO_IMG" && DIO_DEV=$(losetup -f --show "$DIO_IMG"); then
		say "direct-I/O load on $DIO_DEV (over $DIO_IMG)"
		trap 'losetup -d "$DIO_DEV" 2>/dev/null; rm -f "$DIO_IMG"' EXIT
	else
		rm -f "$DIO_IMG"
		NOTES+=("no loop device for the direct-I/O load: the block tools were skipped")
		RUN_TOOLS=($(for x in "${RUN_TOOLS[@]}"; do case ${T_LOAD[$x]} in dio|diosum) ;; *) echo "$x" ;; esac; done))
	fi
	break
done

load_of() {	# load_of TOOL -> "harness -l argument|pattern|expected"
	case ${T_LOAD[$1]} in
	open) echo "open $OPENS $TARGET|bkbench.target|$OPENS" ;;
	exec) echo "exec $EXECS bkbench-exec-tag|bkbench-exec-tag|$EXECS" ;;
	read) echo "read $READS||" ;;
	pread) echo "pread $READS $TARGET||" ;;
	switch) echo "switch $SWITCHES||" ;;
	spin) echo "spin $SPINS||" ;;
	malloc) echo "malloc $MALLOCS||" ;;
	connect) echo "connect $CONNS $CONN_PORT|$CONN_PORT|$((2 * CONNS))" ;;
	connect0) echo "connect $CONNS $CONN_PORT||" ;;
	# The device's name and a space: loop1 is not loop10.
	dio) echo "dio $DIOS $DIO_DEV|${DIO_DEV#/dev/} |$DIOS" ;;
	diosum) echo "dio $DIOS $DIO_DEV||$DIOS" ;;
	esac
}
mark_opt() { [ "${T_MARK[$1]}" = none ] && echo "-m none -a 2000" || echo "-m ${T_MARK[$1]}"; }

# What bounds a bpfkit tool, for the notes: its ring-buffer size (from the fdinfo
# of its BPF maps, type 27) and whether libbpf read the kernel BTF for it.
declare -A P_RING P_BTF
for t in "${RUN_TOOLS[@]}"; do
	"$OUTPUT/bin/$t" -vv ${T_ARGS[$t]} >/dev/null 2>"$B/probe.$t.txt" </dev/null &
	pid=$!
	sleep 2
	P_RING[$t]=$(grep -l '^map_type:[[:space:]]*27$' /proc/$pid/fdinfo/* 2>/dev/null | head -1 |
		xargs -r awk '/^max_entries:/ { print $2 / 1024 }')
	kill -INT "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	grep -q 'loading kernel BTF' "$B/probe.$t.txt" && P_BTF[$t]=1 || P_BTF[$t]=0
done
BTF_COST=$("$BK" btf)
BTF_MS=$(echo "$BTF_COST" | grep -oE 'btf_ms=[0-9.]+' | cut -d= -f2)
BTF_MB=$(echo "$BTF_COST" | grep -oE 'btf_rss_kb=[0-9]+' | cut -d= -f2 | awk '{ printf "%.1f", $1 / 1024 }')

LOADAVG_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
OTHER_PROGS=$(bpftool prog show 2>/dev/null | grep -cE '^[0-9]+: (kprobe|tracepoint|raw_tracepoint|tracing|perf_event)')
T_START=$(date +%s)

# ---- per-event overhead: untraced and each tracer, interleaved ----
for t in "${RUN_TOOLS[@]}"; do
	[[ " $CASES_RUN " == *" overhead "* && " ${T_CASES[$t]} " == *" overhead "* ]] || continue
	IFS='|' read -r larg pat exp <<<"$(load_of "$t")"
	for rep in $(seq 1 "$REPS"); do
		say "overhead $t run $rep/$REPS"
		for impl in $(rotate "$rep" untraced $IMPLS); do
			if [ "$impl" = untraced ]; then
				ns=$(taskset -c "$LOAD_CPU" "$BK" $larg | grep -oE 'ns_per_op=[0-9.]+' | cut -d= -f2)
				echo "overhead,$t,untraced,$rep,,,,$exp,,,exit0,$ns,,,,,,," >>"$RAW"
				continue
			fi
			c=$(cmd "$impl" "$t" 0) || continue
			[ -z "$c" ] && continue
			# -s 500: let a tracer print what it still holds before SIGINT.
			one overhead "$t" "$impl" "$rep" "$exp" $(mark_opt "$t") -s 500 \
				${pat:+-p "$pat"} -l "$larg" -- $c
		done
	done
done

# ---- start-up: spawn to the first marker event on stdout; idle RSS ----
for t in "${RUN_TOOLS[@]}"; do
	[[ " $CASES_RUN " == *" startup "* && " ${T_CASES[$t]} " == *" startup "* ]] || continue
	for rep in $(seq 1 "$STARTUP_REPS"); do
		say "startup $t run $rep/$STARTUP_REPS"
		for impl in $(rotate "$rep" $IMPLS); do
			c=$(cmd "$impl" "$t" 1) || continue
			[ -z "$c" ] && continue
			# -s 200: bpftrace 0.17 may ignore a SIGINT that comes right
			# after its first event and has to be killed.
			one startup "$t" "$impl" "$rep" "" -m "${T_MARK[$t]}" -s 200 -- $c
		done
	done
done

# ---- flood: threads open as fast as they can; RSS, exit after SIGINT, drops ----
for t in "${RUN_TOOLS[@]}"; do
	[[ " $CASES_RUN " == *" flood "* && " ${T_CASES[$t]} " == *" flood "* ]] || continue
	for rep in $(seq 1 "$FLOOD_REPS"); do
		say "flood $t run $rep/$FLOOD_REPS"
		for impl in $(rotate "$rep" $IMPLS); do
			c=$(cmd "$impl" "$t" 0) || continue
			[ -z "$c" ] && continue
			# bpfkit filters on the load's name so that its drop count is
			# exactly the load's; the baselines trace everything. The load
			# runs on every CPU; SIGINT goes out the moment it ends.
			[ "$impl" = bpfkit ] && c="$c -n bkbench"
			LOAD_CPU=-1 one flood "$t" "$impl" "$rep" "" -m "${T_MARK[$t]}" -p bkbench.target \
				-l "flood $FLOOD_THREADS $FLOOD_S $TARGET" -- $c
		done
	done
done
T_END=$(date +%s)

# ---- the table ----
# col CASE TOOL IMPL FIELD: the values of FIELD, one per line.
col() {
	awk -F, -v c="$1" -v t="$2" -v i="$3" -v f="$4" '
		NR == 1 { for (k = 1; k <= NF; k++) idx[$k] = k; next }
		$1 == c && $2 == t && $3 == i && $idx["status"] == "exit0" && $idx[f] != "" { print $idx[f] }' "$RAW"
}
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print ""; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
maxv() { sort -g | tail -1; }
med() { col "$@" | median; }
fmt() { [ -z "$1" ] && echo "n/a" || awk -v v="$1" -v d="${2:-0}" 'BEGIN { printf "%.*f", d, v }'; }
ratio() { [ -z "$1" ] || [ -z "$2" ] && { echo "n/a"; return; }
	awk -v a="$1" -v b="$2" 'BEGIN { if (b <= 0) print "n/a"; else printf "%.2f", a / b }'; }
runs() { col "$1" "$2" "$3" status | wc -l; }
failed() { awk -F, -v c="$1" -v t="$2" -v i="$3" '$1 == c && $2 == t && $3 == i && $11 != "exit0"' "$RAW" | wc -l; }
# how CASE TOOL IMPL: the statuses of its failed runs, e.g. "2 noattach, 1 signal9".
how() { awk -F, -v c="$1" -v t="$2" -v i="$3" '$1 == c && $2 == t && $3 == i && $11 != "exit0" { n[$11]++ }
	END { for (k in n) printf "%s%d %s", (s++ ? ", " : ""), n[k], k }' "$RAW"; }

RES=$B/results.md
ROWS=()
# row CASE METRIC BK LBT BT [TARGET]: one table row with the two ratios.
row() {
	ROWS+=("| $1 | $2 | $(fmt "$3" "${DEC:-0}") | $(fmt "$4" "${DEC:-0}") | $(fmt "$5" "${DEC:-0}") | $(ratio "$3" "$4") | $(ratio "$3" "$5") | ${6:-} |")
}
verdict() { case $1 in 1) echo "met" ;; 0) echo "**MISSED** (see notes)" ;; *) echo "n/a" ;; esac; }
# le A B: 1 if A <= B, 0 if not, nothing if either is missing.
le() { [ -n "$1" ] && [ -n "$2" ] && awk -v a="$1" -v b="$2" 'BEGIN { print (a <= b) ? 1 : 0 }'; }

for t in "${RUN_TOOLS[@]}"; do
	if [[ " $CASES_RUN " == *" overhead "* && " ${T_CASES[$t]} " == *" overhead "* ]]; then
		base=$(med overhead "$t" untraced ns_per_op)
		declare -A add=() seen=() lost=() rss=() ex=()
		for impl in $IMPLS; do
			n=$(med overhead "$t" "$impl" ns_per_op)
			add[$impl]=$( [ -n "$n" ] && awk -v a="$n" -v b="$base" 'BEGIN { print a - b }')
			seen[$impl]=$(col overhead "$t" "$impl" matched | sort -g | head -1)
			lost[$impl]=$(col overhead "$t" "$impl" drops | maxv)
			rss[$impl]=$(med overhead "$t" "$impl" rss_kb)
			ex[$impl]=$(med overhead "$t" "$impl" exit_ms)
			f=$(failed overhead "$t" "$impl")
			[ "$f" -gt 0 ] && NOTES+=("$t overhead, $impl: $f run(s) left out: $(how overhead "$t" "$impl") (see $B/stderr.overhead.$t.$impl.txt)")
		done
		IFS='|' read -r larg pat exp <<<"$(load_of "$t")"
		nl=$(col overhead "$t" bpfkit drops | awk '$1 > 0' | wc -l)
		[ "$nl" -gt 0 ] && NOTES+=("$t overhead: bpfkit lost events in $nl of $(runs overhead "$t" bpfkit) runs (reported on stderr): its ${P_RING[$t]:-?} KB ring buffer filled while its reader was off the CPU; a larger ring buffer or smaller records absorb longer stalls.")
		tgt=
		if [ "$t" = opensnoop ]; then
			ok=$(le "${add[bpfkit]}" 1500); [ -n "$ok" ] && [ "${lost[bpfkit]:-1}" != 0 ] && ok=0
			tgt="<= 1500 ns, none lost: $(verdict "$ok")"
		fi
		spread=$(col overhead "$t" untraced ns_per_op | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.0f-%.0f", lo, hi }')
		row "$t overhead" "added ns per ${T_LOAD[$t]} (untraced $(fmt "$base") ns, runs $spread)" \
			"${add[bpfkit]}" "${add[libbpf-tools]}" "${add[bpftrace]}" "$tgt"
		if [ -n "$pat" ]; then
			row "$t overhead" "events printed of $exp (worst run)" "${seen[bpfkit]}" \
				"${seen[libbpf-tools]}" "${seen[bpftrace]}"
			row "$t overhead" "events lost, as reported (worst run)" "${lost[bpfkit]}" \
				"${lost[libbpf-tools]}" "${lost[bpftrace]}"
		fi
		DEC=1 row "$t overhead" "peak RSS under load, MB" "$(awk -v k="${rss[bpfkit]}" 'BEGIN { if (k != "") print k / 1024 }')" \
			"$(awk -v k="${rss[libbpf-tools]}" 'BEGIN { if (k != "") print k / 1024 }')" \
			"$(awk -v k="${rss[bpftrace]}" 'BEGIN { if (k != "") print k / 1024 }')" \
			"<= libbpf-tools: $(verdict "$(le "${rss[bpfkit]}" "${rss[libbpf-tools]}")")"
		row "$t overhead" "exit after SIGINT, ms" "${ex[bpfkit]}" "${ex[libbpf-tools]}" "${ex[bpftrace]}"
		declare -A pns=()
		for impl in $IMPLS; do
			pns[$impl]=$(awk -F, -v t="$t" -v i="$impl" '$1 == "overhead" && $2 == t && $3 == i && $11 == "exit0" && $19 > 0 { print $18 / $19 }' "$RAW" | median)
		done
		if [ -n "${pns[bpfkit]}${pns[libbpf-tools]}${pns[bpftrace]}" ]; then
			tgt=
			case $t in profile|offcputime)
				tgt="< libbpf-tools (or bpftrace where it has none): $(verdict "$(le "${pns[bpfkit]}" "${pns[libbpf-tools]:-${pns[bpftrace]}}")")" ;;
			esac
			row "$t overhead" "BPF program ns per run (bpf_stats: per ${T_LOAD[$t]/spin/sample})" \
				"${pns[bpfkit]}" "${pns[libbpf-tools]}" "${pns[bpftrace]}" "$tgt"
		fi
		if [[ ${T_LOAD[$t]} == dio* ]]; then
			# Per I/O, whatever the number of programs a request runs
			# (queue, issue, completion): their run time over the load's I/Os.
			declare -A pio=()
			for impl in $IMPLS; do
				pio[$impl]=$(awk -F, -v t="$t" -v i="$impl" -v e="$exp" '$1 == "overhead" && $2 == t && $3 == i && $11 == "exit0" && $19 > 0 { print $18 / e }' "$RAW" | median)
			done
			row "$t overhead" "BPF programs' ns per I/O (bpf_stats: all its programs, over the $exp I/Os)" \
				"${pio[bpfkit]}" "${pio[libbpf-tools]}" "${pio[bpftrace]}" \
				"< libbpf-tools: $(verdict "$(le "${pio[bpfkit]}" "${pio[libbpf-tools]}")")"
		fi
		if [ -n "$exp" ]; then
			declare -A cpu=() wk=()
			for impl in $IMPLS; do
				cpu[$impl]=$(awk -F, -v t="$t" -v i="$impl" -v e="$exp" '$1 == "overhead" && $2 == t && $3 == i && $11 == "exit0" { print $16 * 1e6 / e }' "$RAW" | median)
				wk[$impl]=$(awk -F, -v t="$t" -v i="$impl" '$1 == "overhead" && $2 == t && $3 == i && $11 == "exit0" && $17 > 0 { print $15 / $17 }' "$RAW" | median)
			done
			row "$t overhead" "tracer CPU time per event, ns (user+sys)" "${cpu[bpfkit]}" "${cpu[libbpf-tools]}" "${cpu[bpftrace]}"
			row "$t overhead" "tracer wake-ups per second (voluntary switches)" "${wk[bpfkit]}" "${wk[libbpf-tools]}" "${wk[bpftrace]}"
		fi
	fi
	if [[ " $CASES_RUN " == *" startup "* && " ${T_CASES[$t]} " == *" startup "* ]]; then
		declare -A st=() rs=() sc=()
		for impl in $IMPLS; do
			st[$impl]=$(med startup "$t" "$impl" attach_ms)
			sc[$impl]=$(med startup "$t" "$impl" cpu_ms)
			rs[$impl]=$(med startup "$t" "$impl" rss_kb)
			f=$(failed startup "$t" "$impl")
			[ "$f" -gt 0 ] && NOTES+=("$t startup, $impl: $f run(s) left out: $(how startup "$t" "$impl")")
		done
		half=$( [ -n "${st[libbpf-tools]}" ] && awk -v v="${st[libbpf-tools]}" 'BEGIN { print v / 2 }')
		DEC=1 row "$t start-up" "spawn to first event, ms (median of $STARTUP_REPS)" \
			"${st[bpfkit]}" "${st[libbpf-tools]}" "${st[bpftrace]}" \
			"<= half of libbpf-tools: $(verdict "$(le "${st[bpfkit]}" "$half")")"
		# CPU time is steadier than wall time on a shared machine (it includes 0.2 s
		# of tracing whatever the machine does).
		DEC=1 row "$t start-up" "CPU time, start to exit 0.2 s after the first event, ms" \
			"${sc[bpfkit]}" "${sc[libbpf-tools]}" "${sc[bpftrace]}"
		DEC=1 row "$t start-up" "RSS when attached and idle, MB" \
			"$(awk -v k="${rs[bpfkit]}" 'BEGIN { if (k != "") print k / 1024 }')" \
			"$(awk -v k="${rs[libbpf-tools]}" 'BEGIN { if (k != "") print k / 1024 }')" \
			"$(awk -v k="${rs[bpftrace]}" 'BEGIN { if (k != "") print k / 1024 }')" \
			"<= libbpf-tools: $(verdict "$(le "${rs[bpfkit]}" "${rs[libbpf-tools]}")")"
	fi
	if [[ " $CASES_RUN " == *" flood "* && " ${T_CASES[$t]} " == *" flood "* ]]; then
		declare -A fr=() fx=() fg=() fp=() fl=()
		for impl in $IMPLS; do
			f=$(failed flood "$t" "$impl")
			[ "$f" -gt 0 ] && NOTES+=("$t flood, $impl: $f run(s) left out: $(how flood "$t" "$impl")")
			fr[$impl]=$(col flood "$t" "$impl" rss_kb | maxv)
			fx[$impl]=$(col flood "$t" "$impl" exit_ms | maxv)
			fg[$impl]=$(med flood "$t" "$impl" generated)
			fp[$impl]=$(med flood "$t" "$impl" matched)
			fl[$impl]=$(med flood "$t" "$impl" drops)
		done
		# bpfkit's drop count must equal generated - printed in every run.
		exact=$(awk -F, -v t="$t" '$1 == "flood" && $2 == t && $3 == "bpfkit" {
				n++; if ($14 - $7 == $13) ok++ } END { printf "%d/%d", ok, n }' "$RAW")
		row "$t flood" "opens generated in ${FLOOD_S} s ($FLOOD_THREADS threads, median)" "${fg[bpfkit]}" "${fg[libbpf-tools]}" "${fg[bpftrace]}"
		row "$t flood" "events printed (median)" "${fp[bpfkit]}" "${fp[libbpf-tools]}" "${fp[bpftrace]}"
		row "$t flood" "events lost, as reported (median)" "${fl[bpfkit]}" "${fl[libbpf-tools]}" "${fl[bpftrace]}" \
			"bpfkit: lost = generated - printed in $exact runs"
		DEC=1 row "$t flood" "peak RSS, MB (worst run)" \
			"$(awk -v k="${fr[bpfkit]}" 'BEGIN { if (k != "") print k / 1024 }')" \
			"$(awk -v k="${fr[libbpf-tools]}" 'BEGIN { if (k != "") print k / 1024 }')" \
			"$(awk -v k="${fr[bpftrace]}" 'BEGIN { if (k != "") print k / 1024 }')" \
			"<= libbpf-tools: $(verdict "$(le "${fr[bpfkit]}" "${fr[libbpf-tools]}")")"
		row "$t flood" "exit after SIGINT, ms (worst run)" "${fx[bpfkit]}" "${fx[libbpf-tools]}" "${fx[bpftrace]}" \
			"<= 1000 ms: $(verdict "$(le "${fx[bpfkit]}" 1000)")"
	fi
done

{
	echo "# bpfkit benchmarks"
	echo
	echo "$(date -u '+%F %H:%M UTC'), kernel $(uname -r), $(nproc) CPUs; libbpf-tools $LIBBPF_TOOLS_VERSION" \
	     "(Debian, unpacked in $B/baselines), bpftrace $BPFTRACE_VERSION; $((T_END - T_START)) s."
	echo
	echo "| case | metric | bpfkit | libbpf-tools | bpftrace | bpfkit / libbpf-tools | bpfkit / bpftrace | target |"
	echo "|---|---|---|---|---|---|---|---|"
	printf '%s\n' "${ROWS[@]}"
	echo
	echo "Notes:"
	echo "- Runs interleave: each repetition runs untraced, bpfkit, libbpf-tools, bpftrace in turn,"
	echo "  the order rotated by one each repetition;"
	echo "  figures are medians ($REPS overhead runs, $STARTUP_REPS start-up runs, $FLOOD_REPS flood runs) unless marked."
	echo "- Pinning: the load on CPU $LOAD_CPU, the tracer (and the harness reading its stdout through a"
	echo "  pipe, as \`tool | grep\` would) on CPU $TOOL_CPU; the flood load runs on every CPU."
	echo "- Overhead: added ns = median traced ns per operation - median untraced ns per operation."
	echo "  Baselines keep their own stdout buffering (block-buffered into the pipe); start-up runs them"
	echo "  under \`stdbuf -oL\` so that the first event is not held in a buffer. bpfkit runs as is."
	echo "- Start-up: from fork of the tool to its first event on stdout, with a marker open (or exec)"
	echo "  issued every 1 ms from the spawn on; RSS is ru_maxrss of the tool (wait4)."
	echo "- Flood: bpfkit runs with \`-n bkbench\` (the load's name) so that every drop it counts is the"
	echo "  load's; the baselines trace everything. SIGINT is sent as the load ends."
	echo "- Runs left out of the medians: died (exited before attaching), noattach (never showed"
	echo "  the marker, or skipped probes it could not attach), signal9 (killed 10 s after SIGINT)."
	echo "- Machine load: load average $LOADAVG_BEFORE before, $(cut -d' ' -f1-3 /proc/loadavg) after;"
	echo "  $OTHER_PROGS other tracing BPF programs were loaded when it started (other users of the machine)."
	for t in "${RUN_TOOLS[@]}"; do
		echo "- bpfkit $t: $([ -n "${P_RING[$t]}" ] && echo "ring buffer ${P_RING[$t]} KB" || echo "no ring buffer");" \
		     "$([ "${P_BTF[$t]}" = 1 ] && echo "libbpf reads the whole kernel BTF at start (the object has CO-RE relocations): $BTF_MS ms and $BTF_MB MB of RSS here (\`bkbench btf\`), most of a small tool's start-up and RSS." || echo "no kernel BTF read at start.")"
	done
	for n in "${NOTES[@]}"; do echo "- $n"; done
} >"$RES"
cat "$RES"

# memleak: each tracer's own work per allocation, against empty programs on
# the same libc probes in the same run (tests/bench/memleak.sh appends its table).
if [[ " ${RUN_TOOLS[*]} " == *" memleak "* && " $CASES_RUN " == *" overhead "* ]]; then
	bash tests/bench/memleak.sh || say "the memleak floor case failed"
fi

# The Go tools: cost per probed call against an empty uprobe program on the
# same function, in the same run (tests/bench/go.sh appends its table).
case " $TOOLS " in
*" gofunclat "*)
	if [ -z "$ONLY" ] || [[ " $ONLY " == *" go "* ]]; then
		bash tests/bench/go.sh || say "the Go case failed"
	fi ;;
esac
