#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# offcputime against tests/triggers/sleeper (20 sleeps of 50 ms in
# sleep_known): on every attach path, the time off CPU summed for the stacks
# through sleep_known is within 10% of what the sleeper measured and of 1 s;
# filters with matching and non-matching values; --state, --min-us, --max-us;
# -K, --user-only; text, JSON, flame graph; SIGTERM.
. "$(dirname "$0")/../lib.sh"
T=offcputime

expect_exit "$T: --state X is a usage error" 64 "$BIN/$T" --state X
expect_exit "$T: --min-us -1 is a usage error" 64 "$BIN/$T" --min-us -1
expect_exit "$T: --max-us 0 is a usage error" 64 "$BIN/$T" --max-us 0
expect_exit "$T: --max-us below --min-us is a usage error" 64 "$BIN/$T" --min-us 10 --max-us 5
expect_exit "$T: -K with --user-only is a usage error" 64 "$BIN/$T" -K --user-only
expect_exit "$T: -f with -j is a usage error" 64 "$BIN/$T" -f -j
expect_exit "$T: a third positional argument is a usage error" 64 "$BIN/$T" 1 2 3
expect_exit "$T: --help exits 0" 0 "$BIN/$T" --help

SLEEP=$TRIG/sleeper
# us FILE: microseconds summed over the folded stacks through sleep_known.
us() { awk '/;sleep_known(;|$| )/ { s += $NF } END { print s + 0 }' "$1"; }
# run NAME [SLEEPER-PREFIX...] -- TOOL-ARGS...: offcputime -f ARGS while the
# sleeper makes 20 sleeps of 50 ms; SLEPT is what the sleeper measured.
run() {
	local name=$1 pre=() a; shift
	while [ "$1" != -- ]; do pre+=("$1"); shift; done; shift
	mkfifo "$TMP/go.$name"
	"${pre[@]}" "$SLEEP" -w 20 50 <"$TMP/go.$name" >"$TMP/$name.sl" &
	local spid=$!
	exec 8>"$TMP/go.$name"
	for _ in $(seq 50); do [ -s "$TMP/$name.sl" ] && break; sleep 0.1; done
	read -r PID TID <"$TMP/$name.sl"
	a=("$@"); a=("${a[@]//@PID/$PID}"); a=("${a[@]//@TID/$TID}")
	start_tool "$name" $T "${a[@]}" || fail "$T: $name: did not attach" "$(tail -3 "$TMP/$name.err")"
	echo go >&8; exec 8>&-
	wait $spid
	stop_tool TERM
	[ "$TOOL_RC" = 0 ] || fail "$T: $name: SIGTERM exit status" "$TOOL_RC"
	SLEPT=$(tail -1 "$TMP/$name.sl")
}
# within NAME GOT: GOT within 10% of the sleeper's own total (a loaded machine
# oversleeps: 1.14 s for 1 s asked has been seen) and at least 0.9 s.
within() {
	if [ "$2" -ge $((SLEPT * 9 / 10)) ] && [ "$2" -le $((SLEPT * 11 / 10)) ] &&
	   [ "$2" -ge 900000 ]; then
		pass "$1 ($2 us; the sleeper measured $SLEPT us)"
	else
		fail "$1" "$2 us for sleep_known, the sleeper measured $SLEPT us: $(sort -t' ' -k2 -rn "$TMP/$3.out" 2>/dev/null | head -2 | cut -c1-200)"
	fi
}

for path in tp_btf raw_tp tracepoint; do
	if ! "$BIN/$T" --force-path=$path -d 0.1 >/dev/null 2>"$TMP/probe.err"; then
		if grep -q 'not available on this kernel' "$TMP/probe.err"; then
			skip "$T: $path path" "$(cat "$TMP/probe.err")"
			matrix $T $path n/a
			continue
		fi
	fi
	run "p-$path" -- -f -p @PID --force-path=$path
	got=$(us "$TMP/p-$path.out")
	within "$T: $path: -p: 20 sleeps of 50 ms in sleep_known" "$got" "p-$path"
	ok=$(awk -v g="$got" -v s="$SLEPT" 'BEGIN { print (g >= s * 0.9 && g <= s * 1.1) ? "pass" : "fail" }')
	matrix $T $path "$ok"
done
last=$(ls -t "$TMP"/p-*.out | head -1)
if grep -q ';sleep_known;-;.*nanosleep_\[k\];' "$last"; then
	pass "$T: -p: the stack names sleep_known and the kernel's nanosleep"
else
	fail "$T: -p: the stack names sleep_known and the kernel's nanosleep" "$(grep sleep_known "$last" | head -2 | cut -c1-300)"
fi
expect_eq "$T: the tracing frames (bpf_prog_*, bpf_trace_run*, perf_trace_*) are left out" \
	"$(grep -cE 'bpf_prog_|bpf_trace_run|perf_trace_' "$TMP/p-tracepoint.out")" 0

# Kernel-independent or slow under emulation: on the host only. The VM runs
# every attach path with the exact sum, --state, and the signals.
if [ "$IN_VM" != 1 ]; then
# Filters: -t, -n, -u, --cgroup, each matching and not.
run tid -- -f -t @TID
within "$T: -t: the sleeping thread" "$(us "$TMP/tid.out")" tid
run tidno -- -f -t @PID
expect_eq "$T: -t of the main thread: none of the sleeps" "$(us "$TMP/tidno.out")" 0
run comm -- -f -n sleeper
within "$T: -n sleeper" "$(us "$TMP/comm.out")" comm
run commno -- -f -n nosuchcomm
expect_eq "$T: -n of another name: nothing" "$(grep -c . "$TMP/commno.out")" 0
if command -v setpriv >/dev/null; then
	run uid setpriv --reuid=65534 --regid=65534 --clear-groups -- -f -u 65534
	within "$T: -u: that user's sleeps" "$(us "$TMP/uid.out")" uid
	run uidno setpriv --reuid=65534 --regid=65534 --clear-groups -- -f -u 0 -n sleeper
	expect_eq "$T: -u of another user: none of the sleeps" "$(us "$TMP/uidno.out")" 0
fi
CG=$(cgroup2_root)/bpfkit-offcpu-$$
if [ "$CG" != "/bpfkit-offcpu-$$" ] && mkdir "$CG" 2>/dev/null; then
	run cg sh -c "echo \$\$ > $CG/cgroup.procs && exec \"\$0\" \"\$@\"" -- -f --cgroup "$CG"
	within "$T: --cgroup: sleeps inside the cgroup" "$(us "$TMP/cg.out")" cg
	run cgno -- -f --cgroup "$CG" -n sleeper
	expect_eq "$T: --cgroup: none from outside it" "$(us "$TMP/cgno.out")" 0
	rmdir "$CG"
else
	skip "$T: --cgroup" "no cgroup v2 hierarchy to make a test cgroup in"
fi

fi

# --state, --min-us, --max-us.
run stateS -- -f -p @PID --state S
within "$T: --state S: nanosleep sleeps interruptibly" "$(us "$TMP/stateS.out")" stateS
run stateD -- -f -p @PID --state D
expect_eq "$T: --state D: none of the sleeps" "$(us "$TMP/stateD.out")" 0
if [ "$IN_VM" != 1 ]; then
run min -- -f -p @PID --min-us 40000
within "$T: --min-us 40000 keeps the 50 ms sleeps" "$(us "$TMP/min.out")" min
run minno -- -f -p @PID --min-us 60000
expect_eq "$T: --min-us 60000 leaves them out" "$(us "$TMP/minno.out")" 0
run maxno -- -f -p @PID --max-us 40000
expect_eq "$T: --max-us 40000 leaves them out" "$(us "$TMP/maxno.out")" 0

# -K: kernel frames only; --user-only: no kernel frame, sleep_known still.
run konly -- -f -p @PID -K
n=$(awk '{ s = $0; sub(/ [0-9]+$/, "", s); k = split(s, fr, ";"); for (i = 2; i <= k; i++) if (fr[i] !~ /_\[k\]$/) bad++ } END { print bad + 0 }' "$TMP/konly.out")
expect_eq "$T: -K: only kernel frames" "$n" 0
run uonly -- -f -p @PID --user-only
expect_eq "$T: --user-only: no kernel frame" "$(grep -c '_\[k\]' "$TMP/uonly.out")" 0
within "$T: --user-only: sleep_known" "$(us "$TMP/uonly.out")" uonly

# Text, JSON and the flame graph.
run text -- -p @PID
if awk '/^    sleep_known$/ { b = 1 } b && /^    -  +sleeper \([0-9]+\)$/ { ok = 1 } END { exit !ok }' "$TMP/text.out"; then
	pass "$T: text: a block has sleep_known and names sleeper (PID)"
else
	fail "$T: text output" "$(tail -8 "$TMP/text.out")"
fi
run json -- -j -p @PID --svg "$TMP/off.svg"
if json_valid "$TMP/json.out"; then pass "$T: -j output is valid JSON"; else fail "$T: -j output is valid JSON" "$(head -2 "$TMP/json.out")"; fi
within "$T: -j: the us of the stacks through sleep_known" \
	"$(jq -s '[.[] | select(.ustack | index("sleep_known")) | .us] | add // 0' "$TMP/json.out")" json
if python3 -c "import xml.etree.ElementTree as E, sys; E.parse(sys.argv[1])" "$TMP/off.svg" 2>"$TMP/svg.err" &&
   grep -q '<title>sleep_known ([0-9,]* us, ' "$TMP/off.svg"; then
	pass "$T: --svg writes a valid flame graph in us with sleep_known"
else
	fail "$T: --svg" "$(head -2 "$TMP/svg.err") $(ls -l "$TMP/off.svg" 2>&1)"
fi
read -r r g b < <(grep -o '<title>sleep_known ([^<]*</title><rect [^>]*fill="rgb([0-9]*,[0-9]*,[0-9]*)' "$TMP/off.svg" | sed 's/.*rgb(\([0-9]*\),\([0-9]*\),\([0-9]*\))/\1 \2 \3/')
if [ "${b:-0}" -gt "${r:-0}" ]; then pass "$T: --svg: off-CPU colours (blue)"; else fail "$T: --svg: off-CPU colours" "rgb($r,$g,$b)"; fi
fi

# SIGINT ends it with the summary.
start_tool int $T -f
sleep 0.5
stop_tool INT
if [ "$TOOL_RC" = 0 ] && [ -s "$TMP/int.out" ]; then pass "$T: SIGINT prints the stacks and exits 0"
else fail "$T: SIGINT" "rc=$TOOL_RC, $(wc -l <"$TMP/int.out") lines"; fi

no_leaks "$T: no BPF program or link is left behind"
