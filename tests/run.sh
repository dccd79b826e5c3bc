#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#
# Runs every test and ends with one line "N passed, N failed".
#
# Each test file prints lines "PASS name", "FAIL name: why", "SKIP name: why"
# and "MATRIX tool path result"; a file that exits non-zero without printing a
# FAIL line counts as one failure, so a crash can never pass.
#
#   T=substr    only the test files whose name contains substr
#   VM=0        skip the VMs: the kernel matrix (tests/vm) and the arm64 VM
#   ARM64=0     skip the arm64 VM run (tests/vm/arm64.sh); it is part of the
#               whole run and of T=arm64 (even with VM=0); ARM64=1 adds it to
#               any run
#   LANES=0     the lanes below one after the other, at normal priority
#               (about 45 min for the whole run instead of 28), to tell
#               whether a failure comes from running side by side
#
# By default three lanes run at once (tests/README.md, "Time budget"): the
# host's tests in the foreground; the emulated VMs (the kernel matrix, then
# arm64), and the host files that only compute (fuzz, package.sh,
# repro.sh), in the background in the idle scheduling class: they take only
# CPU time the host's tests leave, so a test that times something on the
# host is not delayed by them.
set -u
cd "$(dirname "$0")/.."
OUTPUT=${OUTPUT:-build}
export OUTPUT
TOOLS=${TOOLS:-$(make -s print-tools)}
T=${T:-}
VM=${VM:-}
LOGDIR=$OUTPUT/test-logs
mkdir -p "$LOGDIR"
: >"$LOGDIR/matrix.txt"
: >"$LOGDIR/over.txt"
npass=0 nfail=0 nskip=0
failures=()
kernel="host-$(uname -r | cut -d- -f1)"

# run_file LABEL KERNEL CMD...: run one test file, count its results.
run_file() {
	local label=$1 kern=$2; shift 2
	local log="$LOGDIR/$(echo "$kern-$label" | tr '/ ' '__').log"
	local rc=0 t0 secs
	t0=$(date +%s%N)
	"$@" >"$log" 2>&1 </dev/null || rc=$?
	secs=$(awk -v a="$t0" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')
	local p f s
	p=$(grep -c '^PASS ' "$log")
	f=$(grep -c '^FAIL ' "$log")
	s=$(grep -c '^SKIP ' "$log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "FAIL $label: exited with status $rc (log: $log)" >>"$log"
		f=1
	fi
	grep '^MATRIX ' "$log" | sed "s/\$/ $kern/" >>"$LOGDIR/matrix.txt"
	grep '^OVER ' "$log" | sed "s/^OVER /$kern /" >>"$LOGDIR/over.txt"
	npass=$((npass + p)) nfail=$((nfail + f)) nskip=$((nskip + s))
	# A result read from a log (a VM's, or a background file's): its time is
	# the one recorded there (TIME line).
	case "$1" in cat|replay) secs=$(sed -n 's/^TIME //p' "$log" | tail -1) ;; esac
	printf '  %-7s %-34s %3d passed, %d failed, %d skipped  %6s s\n' "$kern" "$label" "$p" "$f" "$s" "${secs:-?}"
	if [ "$f" -gt 0 ]; then
		while read -r line; do
			failures+=("$kern $line")
		done < <(grep '^FAIL ' "$log")
	fi
}

# Go test targets (plain, stripped, PIE, cgo) are built here, during the run.
if [ -x tests/go/build.sh ]; then
	bash tests/go/build.sh "$OUTPUT/tests/go" >"$LOGDIR/go-build.log" 2>&1 ||
		{ nfail=$((nfail + 1)); failures+=("building Go test targets failed: $LOGDIR/go-build.log"); }
fi
export GO_TARGETS=$OUTPUT/tests/go
LANES=${LANES:-1}

# replay LOG: prints what a background file printed and ends as it ended
# (LOG.rc), for run_file to count.
replay() {
	cat "$1"
	return "$(cat "$1.rc" 2>/dev/null || echo 1)"
}
# bg_file LOG CMD...: runs CMD with its output in LOG, its status in LOG.rc
# and its time as a last "TIME s" line of LOG.
bg_file() {
	local log=$1 t0 rc=0; shift
	t0=$(date +%s%N)
	"$@" >"$log" 2>&1 </dev/null || rc=$?
	awk -v a="$t0" -v b="$(date +%s%N)" 'BEGIN { printf "TIME %.1f\n", (b - a) / 1e9 }' >>"$log"
	echo "$rc" >"$log.rc"
}
# lane CMD...: CMD in the background, in the idle scheduling class
# (SCHED_IDLE: it gets the CPU only when nothing else wants it, and anything
# waking up preempts it), in a process group of its own (job control) so
# that it can be stopped whole; LANE_PID is its PID. Not in a session of its
# own: with autogroups (kernel.sched_autogroup_enabled) each session is a
# group the scheduler shares the CPU between as equals, SCHED_IDLE or not,
# and the host's tests got a third of it (setsid did that: a bash loop ran
# at a tenth of its speed beside the lanes). With LANES=0 the lanes run one
# after the other instead, at normal priority, before the host's tests (to
# tell whether a failure comes from running side by side).
lane() {
	set -m
	if [ "$LANES" = 0 ]; then "$@" </dev/null & else chrt --idle 0 "$@" </dev/null & fi
	LANE_PID=$!
	set +m
}
# lane_started PID: with LANES=0, waits for the lane.
lane_started() {
	[ "$LANES" = 0 ] && wait "$1"
	return 0
}

# The VM lane: the kernel matrix (tests/vm/run.sh), then the arm64 run: in
# the whole run unless ARM64=0 or VM=0; with T=arm64 (even with VM=0); with
# ARM64=1. Not with another T: a targeted run stays short.
run_vms=0 run_arm64=0
[ "$VM" != 0 ] && [ -x tests/vm/run.sh ] && [ "$(id -u)" -eq 0 ] && [ "$T" != arm64 ] && run_vms=1
ARM64=${ARM64:-}
if [ "$ARM64" = 1 ] || [ "$T" = arm64 ] || { [ -z "$ARM64" ] && [ -z "$T" ] && [ "$VM" != 0 ]; }; then
	run_arm64=1
fi
BG=$LOGDIR/bg
rm -rf "$BG"
mkdir -p "$BG"
vm_lane() {
	if [ $run_vms = 1 ]; then
		T="$T" bash tests/vm/run.sh "$LOGDIR" >"$BG/vm-results" 2>"$LOGDIR/vm-runner.log"
		echo "RUNNER_RC $?" >>"$BG/vm-results"
	fi
	[ $run_arm64 = 1 ] && bg_file "$BG/arm64.log" timeout 2400 bash tests/vm/arm64.sh
}
vm_pid=
if [ $run_vms = 1 ] || [ $run_arm64 = 1 ]; then
	lane bash -c "$(declare -f bg_file vm_lane); $(declare -p T LOGDIR BG run_vms run_arm64); vm_lane"
	vm_pid=$LANE_PID
	lane_started "$vm_pid"
fi

# The compute lane: host files that only compute (they build, fuzz) and do
# not time anything, one after the other, beside the host's last files and
# the VMs. It starts once the tools' own files are done: its compilers make
# thousands of distinct stacks, and a tool tracing the whole system
# (offwaketime's row) lost its trigger's stack to a hash-bucket collision in
# the stack map with them running. In the idle class they share what the
# host leaves with the VMs: package.sh's build, 112 s alone, took over 600 s
# on a machine busy with other work, so their limit is 30 minutes (it is
# there for a hang, not for speed).
COMPUTE_FILES="package repro"
compute_pid=
compute_lane() {
	local t n
	if [ -x tests/fuzz/run.sh ] && [ -z "$T" -o "$T" = fuzz ]; then
		bg_file "$BG/fuzz.log" timeout 1800 bash tests/fuzz/run.sh
	fi
	[ "$is_root" = 1 ] || return 0
	for n in $COMPUTE_FILES; do
		t=tests/integration/$n.sh
		[ -f "$t" ] || continue
		case "$t" in *"$T"*) ;; *) continue ;; esac
		bg_file "$BG/$n.log" timeout 1800 bash "$t"
	done
}
is_root=0
[ "$(id -u)" -eq 0 ] && is_root=1
start_compute_lane() {
	lane bash -c "$(declare -f bg_file compute_lane); $(declare -p T BG COMPUTE_FILES is_root); compute_lane"
	compute_pid=$LANE_PID
	lane_started "$compute_pid"
}
# An interrupted run stops its lanes (each is its own process group: QEMU too).
stop_lanes() {
	local p
	for p in $vm_pid $compute_pid; do kill -TERM -- "-$p" 2>/dev/null; done
}
trap 'stop_lanes; exit 130' INT TERM
trap stop_lanes EXIT

echo "unit tests"
for t in "$OUTPUT"/tests/unit/test_*; do
	[ -x "$t" ] || continue
	case "$t" in *"$T"*) ;; *) continue ;; esac
	run_file "unit/${t##*/}" host timeout 300 "$t"
done

[ -z "$T" ] && run_file "docs" host bash tests/docs.sh


echo "integration tests on this kernel ($(uname -r))"
if [ "$(id -u)" -ne 0 ]; then
	echo "  (not root: integration tests need root and were not run)"
	nfail=$((nfail + 1))
	failures+=("integration tests need root")
	start_compute_lane
else
	# Each tool: its attach paths, the checks from its row in
	# tests/tools.table and its own tests (tests/tool.sh). Then the files
	# that are not a tool's.
	for t in $TOOLS; do
		case "$t" in *"$T"*) ;; *) continue ;; esac
		run_file "$t" "$kernel" timeout 900 bash tests/tool.sh "$t"
	done
	start_compute_lane
	for t in tests/integration/*.sh; do
		n=${t##*/}
		n=${n%.sh}
		case " $TOOLS common load $COMPUTE_FILES " in *" $n "*) continue ;; esac
		case "$t" in *"$T"*) ;; *) continue ;; esac
		run_file "${t#tests/}" "$kernel" timeout 600 bash "$t"
	done
fi

# The compute lane's results, in the order it ran them.
if [ -n "$compute_pid" ]; then
	wait "$compute_pid"
	[ -f "$BG/fuzz.log" ] && run_file "fuzz" host replay "$BG/fuzz.log"
	for n in $COMPUTE_FILES; do
		[ -f "$BG/$n.log" ] && run_file "integration/$n.sh" "$kernel" replay "$BG/$n.log"
	done
fi

if [ -n "$vm_pid" ]; then
	echo "integration tests in VMs"
	wait "$vm_pid"
fi
if [ $run_vms = 1 ]; then
	while read -r line; do
		case "$line" in
		"RUNNER_RC "*)
			vm_rc=${line#RUNNER_RC } ;;
		"RESULT "*)
			# RESULT <kernel> <label> <log file>
			set -- $line
			run_file "$3" "$2" cat "$4" ;;
		esac
	done <"$BG/vm-results"
	if grep -q '^RUNNER_FAILED' "$LOGDIR/vm-runner.log" 2>/dev/null; then
		nfail=$((nfail + 1))
		failures+=("vm: $(grep '^RUNNER_FAILED' "$LOGDIR/vm-runner.log" | head -1)")
	elif [ "${vm_rc:-1}" != 0 ]; then
		nfail=$((nfail + 1))
		failures+=("vm: the VM runner exited with status ${vm_rc:-?} (log: $LOGDIR/vm-runner.log)")
	fi
fi
# The arm64 run (cross-built tools in an emulated arm64 VM, tests/vm/arm64.sh).
[ $run_arm64 = 1 ] && run_file "vm/arm64.sh" "arm64-6.1" replay "$BG/arm64.log"

if [ -s "$LOGDIR/matrix.txt" ]; then
	echo
	echo "attach paths (tool x kernel):"
	bash tests/matrix.sh "$LOGDIR/matrix.txt"
fi

if [ -s "$LOGDIR/over.txt" ]; then
	echo
	echo "over their VM budget (not failures; tests/README.md, \"Time budget\"):"
	sed 's/^/  /' "$LOGDIR/over.txt"
fi

if [ ${#failures[@]} -gt 0 ]; then
	echo
	echo "failures:"
	printf '  %s\n' "${failures[@]}"
fi
echo
echo "$npass passed, $nfail failed, $nskip skipped"
[ "$nfail" -eq 0 ]
