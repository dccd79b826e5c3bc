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
#   VM=0        skip the VM kernel matrix (tests/vm)
#   ARM64=1     also the arm64 smoke run (tests/vm/arm64.sh)
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
	npass=$((npass + p)) nfail=$((nfail + f)) nskip=$((nskip + s))
	# A VM's result is read from its log: its time is the VM's (TIME line).
	[ "$1" = cat ] && secs=$(sed -n 's/^TIME //p' "$log" | tail -1)
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

echo "unit tests"
for t in "$OUTPUT"/tests/unit/test_*; do
	[ -x "$t" ] || continue
	case "$t" in *"$T"*) ;; *) continue ;; esac
	run_file "unit/${t##*/}" host timeout 300 "$t"
done

[ -z "$T" ] && run_file "docs" host bash tests/docs.sh

if [ -x tests/fuzz/run.sh ] && [ -z "$T" -o "$T" = fuzz ]; then
	run_file "fuzz" host timeout 600 bash tests/fuzz/run.sh
fi

echo "integration tests on this kernel ($(uname -r))"
if [ "$(id -u)" -ne 0 ]; then
	echo "  (not root: integration tests need root and were not run)"
	nfail=$((nfail + 1))
	failures+=("integration tests need root")
else
	# Each tool: its attach paths, the checks from its row in
	# tests/tools.table and its own tests (tests/tool.sh). Then the files
	# that are not a tool's.
	for t in $TOOLS; do
		case "$t" in *"$T"*) ;; *) continue ;; esac
		run_file "$t" "$kernel" timeout 900 bash tests/tool.sh "$t"
	done
	for t in tests/integration/*.sh; do
		n=${t##*/}
		n=${n%.sh}
		case " $TOOLS common load " in *" $n "*) continue ;; esac
		case "$t" in *"$T"*) ;; *) continue ;; esac
		run_file "${t#tests/}" "$kernel" timeout 600 bash "$t"
	done
	# The paths this kernel has, so that the VMs run only the others.
	awk -v k="$kernel" '$1 == "MATRIX" && $5 == k { print $2, $3, ($4 == "n/a" ? "no" : "yes") }' \
		"$LOGDIR/matrix.txt" >"$LOGDIR/host-paths"
fi

if [ "$VM" != 0 ] && [ -x tests/vm/run.sh ] && [ "$(id -u)" -eq 0 ]; then
	echo "integration tests in VMs"
	while read -r line; do
		case "$line" in
		"RUNNER_RC "*)
			vm_rc=${line#RUNNER_RC } ;;
		"RESULT "*)
			# RESULT <kernel> <label> <log file>
			set -- $line
			run_file "$3" "$2" cat "$4" ;;
		esac
	done < <(T="$T" BPFKIT_VM_HOST_PATHS="$LOGDIR/host-paths" bash tests/vm/run.sh "$LOGDIR" \
		2>"$LOGDIR/vm-runner.log"; echo "RUNNER_RC $?")
	if grep -q '^RUNNER_FAILED' "$LOGDIR/vm-runner.log" 2>/dev/null; then
		nfail=$((nfail + 1))
		failures+=("vm: $(grep '^RUNNER_FAILED' "$LOGDIR/vm-runner.log" | head -1)")
	elif [ "${vm_rc:-0}" != 0 ]; then
		nfail=$((nfail + 1))
		failures+=("vm: the VM runner exited with status $vm_rc (log: $LOGDIR/vm-runner.log)")
	fi
fi

# The arm64 smoke run (cross-built tools in an emulated arm64 VM): with
# ARM64=1, or T=arm64 alone.
if [ "${ARM64:-0}" = 1 ] || [ "$T" = arm64 ]; then
	run_file "vm/arm64.sh" "arm64-6.1" timeout 2400 bash tests/vm/arm64.sh
fi

if [ -s "$LOGDIR/matrix.txt" ]; then
	echo
	echo "attach paths (tool x kernel):"
	bash tests/matrix.sh "$LOGDIR/matrix.txt"
fi

if [ ${#failures[@]} -gt 0 ]; then
	echo
	echo "failures:"
	printf '  %s\n' "${failures[@]}"
fi
echo
echo "$npass passed, $nfail failed, $nskip skipped"
[ "$nfail" -eq 0 ]
