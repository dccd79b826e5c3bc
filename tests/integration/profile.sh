#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# profile against tests/triggers/burner (C: plain, and stripped with a debug
# file found by .gnu_debuglink) and tests/go/burner (a stripped PIE Go binary):
# the large majority of the burner's samples end in its burning function, by
# name, in folded, text and JSON output and in the flame graph; each filter
# with a matching and a non-matching value; -K, --user-only, -I; lost stacks
# reported; intervals; SIGTERM.
. "$(dirname "$0")/../lib.sh"
T=profile

expect_exit "$T: -F 0 is a usage error" 64 "$BIN/$T" -F 0
expect_exit "$T: -F 12abc is a usage error" 64 "$BIN/$T" -F 12abc
expect_exit "$T: -K with --user-only is a usage error" 64 "$BIN/$T" -K --user-only
expect_exit "$T: -f with -j is a usage error" 64 "$BIN/$T" -f -j
expect_exit "$T: --stack-storage 1 is a usage error" 64 "$BIN/$T" --stack-storage 1
expect_exit "$T: interval 0 is a usage error" 64 "$BIN/$T" 0
expect_exit "$T: a third positional argument is a usage error" 64 "$BIN/$T" 1 2 3
expect_exit "$T: --help exits 0" 0 "$BIN/$T" --help
expect_exit "$T: --svg to a missing directory is one sentence, exit 1" 1 "$BIN/$T" -d 0.2 --svg /nonexistent/dir/x.svg

if [ -e /sys/bus/event_source/devices/cpu ] || [ -e /sys/bus/event_source/devices/cpu_core ]; then
	skip "$T: --cycles without a PMU" "this machine has a PMU"
else
	expect_exit "$T: --cycles without a PMU is one sentence, exit 1" 1 "$BIN/$T" --cycles -d 1
	grep -q 'no hardware CPU cycle counter' "$TMP/exit.err" || fail "$T: --cycles says why" "$(cat "$TMP/exit.err")"
fi

# A copy under a name of this run's own, so that no other process can count as
# it; in a directory user 65534 may run it from.
BC=bkburn-$$
chmod 711 "$TMP"
mkdir -m 755 "$TMP/bin"
cp "$TRIG/burner" "$TMP/bin/$BC"
BURN=$TMP/bin/$BC
# Leaks are checked by name: other tools may load programs meanwhile.
# share FILE COMM FUNC: "N M": of the M samples of COMM in folded FILE, N end
# (in user space: the last frame before the kernel part that is not an
# inlined call) in FUNC.
share() {
	awk -v c="$2" -v f="$3" '{
		n = $NF; s = $0; sub(/ [0-9]+$/, "", s)
		k = split(s, fr, ";"); if (fr[1] != c) next
		leaf = ""; for (i = 2; i <= k; i++) { if (fr[i] == "-") break; if (fr[i] !~ /_\[i\]$/) leaf = fr[i] }
		tot += n; if (leaf == f) hit += n
	} END { printf "%d %d\n", hit, tot }' "$1"
}
# majority NAME FILE COMM FUNC MIN: at least 80% of at least MIN samples.
majority() {
	local hit tot
	read -r hit tot < <(share "$2" "$3" "$4")
	if [ "$tot" -ge "$5" ] && [ $((hit * 100)) -ge $((tot * 80)) ]; then
		pass "$1 ($hit of $tot samples)"
	else
		fail "$1" "$hit of $tot samples end in $4: $(sort -t' ' -k2 -rn "$2" 2>/dev/null | head -3 | cut -c1-200)"
	fi
}
# run_burn NAME BURNER-CMD... : profile -F 499 ARGS while the burner burns (499 Hz:
# enough samples even when the burner gets a small share of a busy machine).
# The tool starts first; the burner waits for a line (burner -w).
PROFILE_ARGS=
run_burn() {
	local name=$1; shift
	mkfifo "$TMP/go.$name"
	"$@" <"$TMP/go.$name" >"$TMP/$name.pid" &
	local bpid=$!
	exec 8>"$TMP/go.$name"
	for _ in $(seq 50); do [ -s "$TMP/$name.pid" ] && break; sleep 0.1; done
	read -r PID TID <"$TMP/$name.pid"
	eval "local args=($PROFILE_ARGS)"
	start_tool "$name" $T -F 499 "${args[@]}" || fail "$T: $name: did not attach" "$(tail -3 "$TMP/$name.err")"
	echo go >&8; exec 8>&-
	wait $bpid
	stop_tool TERM
	[ "$TOOL_RC" = 0 ] || fail "$T: $name: SIGTERM exit status" "$TOOL_RC"
}

# C, with symbols: -p matching.
PROFILE_ARGS='-f -p $PID'
run_burn c "$BURN" -w 3
majority "$T: -p: the C burner's samples end in burn_cpu" "$TMP/c.out" "$BC" burn_cpu 20
expect_eq "$T: -p: nothing but that process" "$(cut -d';' -f1 "$TMP/c.out" | sort -u)" "$BC"

# Kernel-independent (user-space symbols, filters shared with every tool) or
# slow under emulation: on the host only. The VM runs the attach path, the
# exact attribution, the output forms, lost stacks and the signals.
if [ "$IN_VM" = 1 ]; then
	skip "$T: debug files, Go, the filters, -I, intervals" "kernel-independent: checked on the host"
else
# C, stripped, with its debug file next to it (.gnu_debuglink).
mkdir -p "$TMP/dbg"
objcopy --only-keep-debug "$BURN" "$TMP/dbg/burnstrip.debug"
strip --strip-all -o "$TMP/dbg/burnstrip" "$BURN"
objcopy --add-gnu-debuglink="$TMP/dbg/burnstrip.debug" "$TMP/dbg/burnstrip"
if nm "$TMP/dbg/burnstrip" 2>&1 | grep -q burn_cpu; then
	fail "$T: stripped C burner" "strip left symbols"
fi
PROFILE_ARGS='-f -n burnstrip'
run_burn stripped "$TMP/dbg/burnstrip" -w 3
majority "$T: -n: a stripped C binary gets names from its debuglink file" "$TMP/stripped.out" burnstrip burn_cpu 20

# Go, stripped PIE: names from pclntab.
GOB=${GO_TARGETS:-$OUTPUT/tests/go}/burner-pie-stripped
if [ -x "$GOB" ]; then
	PROFILE_ARGS='-f -p $PID'
	run_burn go "$GOB" -w 3
	majority "$T: a stripped PIE Go binary's samples end in main.burnCPU" "$TMP/go.out" burner-pie-stri main.burnCPU 20
	grep -q 'main\.main;main\.burnCPU' "$TMP/go.out" && pass "$T: Go: the caller main.main is named too" ||
		fail "$T: Go: the caller main.main is named too" "$(head -2 "$TMP/go.out" | cut -c1-200)"
	# mix() is inlined into burnCPU's loop: pclntab's inline tree names it.
	read -r hit tot < <(awk '/;main\.burnCPU;main\.mix_\[i\]( |;)/ { h += $NF } { t += $NF } END { print h + 0, t + 0 }' "$TMP/go.out")
	if [ "$tot" -gt 0 ] && [ $((hit * 100)) -ge $((tot * 10)) ]; then
		pass "$T: Go: the inlined main.mix shows as main.burnCPU;main.mix_[i] ($hit of $tot samples)"
	else
		fail "$T: Go: the inlined main.mix shows as an inlined frame" "$hit of $tot: $(head -3 "$TMP/go.out" | cut -c1-200)"
	fi
else
	skip "$T: Go burner" "$GOB not built (tests/go/build.sh)"
fi

# JIT code named only in /tmp/perf-PID.map; then the same in a new pid
# namespace, where the process calls itself 1 and writes /tmp/perf-1.map.
PROFILE_ARGS='-f -p $PID'
run_burn jit "$TRIG/jitter" -w 3
majority "$T: JIT code is named from /tmp/perf-PID.map" "$TMP/jit.out" jitter 'jitted_spin_[j]' 20
if command -v unshare >/dev/null && unshare --pid --fork true 2>/dev/null; then
	PROFILE_ARGS='-f -n jitter'
	run_burn jitns unshare --pid --fork "$TRIG/jitter" -w 3
	expect_eq "$T: jitter in a new pid namespace calls itself 1" "$PID" 1
	majority "$T: in a pid namespace, the map of its own pid (NSpid) names it" "$TMP/jitns.out" jitter 'jitted_spin_[j]' 20
else
	skip "$T: JIT in a pid namespace" "unshare --pid is not available here"
fi

# -p, -n, -t, -u, --cgroup: non-matching values see nothing of the burner.
"$BURN" 60 >"$TMP/idle.pid" & IDLE=$!   # burns later, only as a decoy pid
PROFILE_ARGS="-f -p 1"
run_burn nop "$BURN" -w 2
expect_eq "$T: -p of another process: none of the burner's samples" "$(share "$TMP/nop.out" "$BC" burn_cpu)" "0 0"
kill $IDLE 2>/dev/null; wait $IDLE 2>/dev/null
PROFILE_ARGS="-f -n nosuchcomm"
run_burn non "$BURN" -w 2
expect_eq "$T: -n of another name: none of the burner's samples" "$(share "$TMP/non.out" "$BC" burn_cpu)" "0 0"
PROFILE_ARGS='-f -t $TID'
run_burn tid "$BURN" -t -w 3
majority "$T: -t: the burning thread's samples" "$TMP/tid.out" "$BC" burn_cpu 20
PROFILE_ARGS='-f -t $PID'
run_burn tidno "$BURN" -t -w 2
expect_eq "$T: -t of the sleeping main thread: none of the burning" "$(share "$TMP/tidno.out" "$BC" burn_cpu | cut -d' ' -f1)" 0
if command -v setpriv >/dev/null; then
	PROFILE_ARGS='-f -u 65534'
	run_burn uid setpriv --reuid=65534 --regid=65534 --clear-groups "$BURN" -w 3
	majority "$T: -u: a user's samples" "$TMP/uid.out" "$BC" burn_cpu 20
	PROFILE_ARGS='-f -u 0'
	run_burn uidno setpriv --reuid=65534 --regid=65534 --clear-groups "$BURN" -w 2
	expect_eq "$T: -u of another user: none of the burner's" "$(share "$TMP/uidno.out" "$BC" burn_cpu)" "0 0"
fi
CG=$(cgroup2_root)/bpfkit-profile-$$
if [ "$CG" != "/bpfkit-profile-$$" ] && mkdir "$CG" 2>/dev/null; then
	PROFILE_ARGS="-f --cgroup $CG"
	run_burn cg sh -c "echo \$\$ > $CG/cgroup.procs && exec $BURN -w 3"
	majority "$T: --cgroup: samples inside the cgroup" "$TMP/cg.out" "$BC" burn_cpu 20
	PROFILE_ARGS="-f --cgroup $CG"
	run_burn cgno "$BURN" -w 2
	expect_eq "$T: --cgroup: none from outside it" "$(share "$TMP/cgno.out" "$BC" burn_cpu)" "0 0"
	rmdir "$CG"
else
	skip "$T: --cgroup" "no cgroup v2 hierarchy to make a test cgroup in"
fi

fi

# Text and JSON output, and the flame graph, of one run.
PROFILE_ARGS='-p $PID'
run_burn text "$BURN" -w 2
if awk -v c="$BC" '/^    burn_cpu$/ { b = 1 } b && $1 == "-" && $2 == c && $3 ~ /^\([0-9]+\)$/ { ok = 1 } END { exit !ok }' "$TMP/text.out"; then
	pass "$T: text: a block ends in burn_cpu and names burner (PID)"
else
	fail "$T: text output" "$(tail -8 "$TMP/text.out")"
fi
PROFILE_ARGS='-j -p $PID --svg $TMP/cpu.svg'
run_burn json "$BURN" -w 2
if json_valid "$TMP/json.out"; then pass "$T: -j output is valid JSON"; else fail "$T: -j output is valid JSON" "$(head -2 "$TMP/json.out")"; fi
read -r hit tot < <(jq -s --argjson p "$PID" --arg c "$BC" '[.[] | select(.pid == $p and .comm == $c)] |
	"\([.[] | select(.ustack[0] == "burn_cpu") | .samples] | add // 0) \([.[].samples] | add // 0)"' -r "$TMP/json.out")
if [ "$tot" -ge 20 ] && [ $((hit * 100)) -ge $((tot * 80)) ]; then pass "$T: -j: ustack[0] is burn_cpu for most samples ($hit of $tot)"
else fail "$T: -j: ustack[0] is burn_cpu for most samples" "$hit of $tot"; fi
# (The XML parse is kernel-independent: the VM images have no python3.)
if { [ "$IN_VM" = 1 ] || python3 -c "import xml.etree.ElementTree as E, sys; E.parse(sys.argv[1])" "$TMP/cpu.svg" 2>"$TMP/svg.err"; } &&
   grep -q '<title>burn_cpu (' "$TMP/cpu.svg"; then
	pass "$T: --svg writes a valid flame graph with burn_cpu"
else
	fail "$T: --svg" "$(head -2 "$TMP/svg.err") $(ls -l "$TMP/cpu.svg" 2>&1)"
fi

# -K: kernel frames only; --user-only: no kernel frames.
PROFILE_ARGS='-f -K -p $PID'
run_burn konly sh -c "exec $BURN -w 2"
n=$(awk '{ s = $0; sub(/ [0-9]+$/, "", s); k = split(s, fr, ";"); for (i = 2; i <= k; i++) if (fr[i] !~ /_\[k\]$/) bad++ } END { print bad + 0 }' "$TMP/konly.out")
expect_eq "$T: -K: only kernel frames" "$n" 0
PROFILE_ARGS='-f --user-only -p $PID'
run_burn uonly "$BURN" -w 2
expect_eq "$T: --user-only: no kernel frame" "$(grep -c '_\[k\]' "$TMP/uonly.out")" 0
majority "$T: --user-only: still burn_cpu" "$TMP/uonly.out" "$BC" burn_cpu 20

if [ "$IN_VM" != 1 ]; then
# -I: the idle task shows up only with it (CPU 0's, at 999 Hz, unless the
# machine never idled meanwhile).
idle0() { awk '$1 == "cpu0" { print $5 }' /proc/stat; }
i0=$(idle0)
"$BIN/$T" -f -F 999 -K -I -n swapper/0 -d 2 >"$TMP/idle.out" 2>/dev/null
i1=$(idle0)
"$BIN/$T" -f -F 999 -K -n swapper/0 -d 1 >"$TMP/noidle.out" 2>/dev/null
n=$(grep -c '^swapper/0' "$TMP/idle.out"); m=$(grep -c . "$TMP/noidle.out")
if [ "$n" -gt 0 ] && [ "$m" = 0 ]; then pass "$T: -I counts the idle task, without it it is left out"
elif [ "$n" = 0 ] && [ $((i1 - i0)) -lt 2 ]; then skip "$T: -I" "CPU 0 never idled during the run"
else fail "$T: -I counts the idle task, without it it is left out" "$n lines with -I, $m without"; fi
fi

# A stack map far too small for hundreds of stacks: losses reported, and shown.
PROFILE_ARGS='-f -F 499 --stack-storage 64 -p $PID'
run_burn lost "$BURN" -m -w 3
if grep -q 'stacks were lost' "$TMP/lost.err" && grep -q 'missing user stack' "$TMP/lost.out"; then
	pass "$T: stacks lost to a small stack map are reported and shown as placeholders"
else
	fail "$T: lost stacks" "$(grep -v '^libbpf' "$TMP/lost.err" | tail -3)"
fi
# Whether 64 distinct stacks come up in 3 s depends on the scheduler: when
# fewer rows than the table's 64 came out, it never filled.
rows=$(grep -c . "$TMP/lost.out")
if grep -q 'samples were lost in all: the table of stacks was full' "$TMP/lost.err"; then
	pass "$T: samples lost to a full table of stacks are reported"
elif [ "$rows" -lt 64 ]; then
	skip "$T: samples lost to a full table" "the table of 64 never filled ($rows rows)"
else
	fail "$T: samples lost to a full table" "$(grep -v '^libbpf' "$TMP/lost.err" | tail -3)"
fi

# Intervals: two of them, then it ends by itself.
if [ "$IN_VM" != 1 ]; then
start=$(date +%s%N)
timeout 20 "$BIN/$T" -f -I 0.5 2 >"$TMP/iv.out" 2>&1; rc=$?
el=$(( ($(date +%s%N) - start) / 1000000 ))
if [ $rc = 0 ] && [ $el -lt 8000 ] && [ -s "$TMP/iv.out" ]; then pass "$T: interval and count end it with 0"
else fail "$T: interval and count" "rc=$rc after ${el}ms"; fi
fi

# SIGINT ends it with the summary.
PROFILE_ARGS='-f -p $PID'
start_tool int $T -f -I
sleep 0.5
stop_tool INT
if [ "$TOOL_RC" = 0 ] && [ -s "$TMP/int.out" ]; then pass "$T: SIGINT prints the stacks and exits 0"
else fail "$T: SIGINT" "rc=$TOOL_RC, $(wc -l <"$TMP/int.out") lines"; fi

no_leaks "$T: no BPF program or link is left behind"
