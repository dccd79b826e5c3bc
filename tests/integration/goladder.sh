#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# The Go tools on real, stripped Go programs built by each Go release from
# 1.17 to 1.27 (tests/go/ladder.list, fetched from npm into the build folder
# by tests/go/ladder.sh). One run of each program's workload is watched by
# gospawn -c, gofunclat and gogc at once, with GODEBUG=gctrace=1:
#   esbuild bundles an entry and 20 modules: 21 goroutines start in
#     bundler.parseFile, from bundler/bundler.go, 21 calls of it;
#   lefthook runs a hook of 5 commands in a scratch git repository: its
#     command executor's execute (whose package moved between releases)
#     runs 5 times;
# gogc counts as many finished cycles as the runtime prints, gospawn shows no
# compiler wrapper, and the program's output is byte-identical to an
# untraced run. gotrace --list reads every binary, arm64 ones too.
. "$(dirname "$0")/../lib.sh"
[ "$IN_VM" = 1 ] && { skip "goladder" "host only: the ladder does not depend on the kernel"; exit 0; }
T=goladder
LADDER=${GO_LADDER:-$OUTPUT/tests/go-ladder}

bins=$(bash tests/go/ladder.sh "$LADDER")
if [ -z "$bins" ] || [ "$(echo "$bins" | grep -vc '^SKIP')" = 0 ]; then
	skip "$T: the Go ladder" "npm could not fetch it: $(echo "$bins" | head -1)"
	exit 0
fi
echo "$bins" | grep '^SKIP' | while read -r _ name why; do skip "$T: $name" "$why"; done

# The esbuild workload: an entry importing a chain of 20 modules.
W=$TMP/ladder-work
mkdir -p "$W"
for i in $(seq 1 20); do
	if [ $i -lt 20 ]; then
		echo "import {f$((i + 1))} from './m$((i + 1)).js'; export function f$i(x) { return f$((i + 1))(x) + $i; }"
	else
		echo "export function f$i(x) { return x * 2; }"
	fi >"$W/m$i.js"
done
echo "import {f1} from './m1.js'; console.log(f1(3));" >"$W/entry.js"

# The lefthook workload: hook bk of 5 commands, only their output shown
# (output: for lefthook 1.7 and later, skip_output: before), in a git
# repository of its own.
LH=$TMP/ladder-lefthook
mkdir -p "$LH"
git -C "$LH" init -q . 2>/dev/null
{
	printf 'output:\n  - execution_out\nskip_output:\n  - meta\n  - summary\n  - execution_info\n'
	printf 'bk:\n  commands:\n'
	for i in 1 2 3 4 5; do printf '    c%d:\n      run: echo bk-%d\n' $i $i; done
} >"$LH/lefthook.yml"

# work BIN OUT: the workload, its output in OUT, the runtime's GC trace on stderr.
work() {
	case $1 in
	*esbuild) (cd "$W" && "$1" --bundle entry.js --log-level=warning --outfile="$2") ;;
	*lefthook) (cd "$LH" && "$1" run bk) >"$2" ;;
	esac
}

for bin in $(echo "$bins" | grep -v '^SKIP'); do
	name=$(basename "$bin")
	rel=${name%%-*}
	case $name in
	*-arm64-*)
		# Not runnable here: the readers only (the arm64 VM runs the rest).
		n=$("$BIN/gotrace" --list "$bin" 'main.*' | grep -c '^main\.main ')
		expect_eq "$T: $name: gotrace --list reads it" "$n" 1
		continue ;;
	esac
	case $name in
	*esbuild) FUNC=github.com/evanw/esbuild/internal/bundler.parseFile CALLS=21
		SITE=github.com/evanw/esbuild/internal/bundler/bundler.go GOGC_RUN=5 ;;
	# lefthook's main ends in os.Exit, and a GC cycle may end after its
	# last trace line was written: no forced GCs. Its first run after a
	# change of lefthook.yml (or of release) syncs the git hooks and says
	# so: that run is not compared.
	*lefthook) FUNC=$("$BIN/gotrace" --list "$bin" \
			'github.com/evilmartians/lefthook*/exec.CommandExecutor.execute' | awk '{ print $1 }')
		CALLS=5 SITE= GOGC_RUN=100
		work "$bin" /dev/null 2>/dev/null ;;
	esac
	got=$("$BIN/gotrace" --list "$bin" "$FUNC" | awk '{ print $1 }')
	expect_eq "$T: $name: gotrace --list finds exactly $FUNC" "$got" "$FUNC"

	work "$bin" "$TMP/$name.plain" 2>/dev/null
	start_tool "$name.spawn" gospawn -c -j "$bin" || { fail "$T: $name: gospawn did not attach" "$(tail -2 "$TMP/$name.spawn.err")"; continue; }
	P1=$TOOL_PID
	start_tool "$name.lat" gofunclat -j "$bin" "$FUNC" || { fail "$T: $name: gofunclat did not attach" "$(tail -2 "$TMP/$name.lat.err")"; TOOL_PID=$P1; stop_tool; continue; }
	P2=$TOOL_PID
	start_tool "$name.gc" gogc -j "$bin" || { fail "$T: $name: gogc did not attach" "$(tail -2 "$TMP/$name.gc.err")"; TOOL_PID=$P1; stop_tool; TOOL_PID=$P2; stop_tool; continue; }
	P3=$TOOL_PID
	GOGC=$GOGC_RUN GODEBUG=gctrace=1 work "$bin" "$TMP/$name.traced" 2>"$TMP/$name.gctrace" &
	wpid=$!
	wait $wpid
	rcs=
	for p in $P1 $P2 $P3; do TOOL_PID=$p; stop_tool TERM; rcs="$rcs$TOOL_RC"; done
	expect_eq "$T: $name: the three tools end with 0 on SIGTERM" "$rcs" 000
	cmp -s "$TMP/$name.plain" "$TMP/$name.traced" &&
		pass "$T: $name: the traced run's output is byte-identical" ||
		fail "$T: $name: the traced run's output is byte-identical" "$(cmp "$TMP/$name.plain" "$TMP/$name.traced" 2>&1)"

	# gospawn -c: no wrapper left; esbuild's parse goroutines at its own line.
	got=$(jq -rs '[.[] | select(.func | test("gowrap[0-9]+$|\u00b7dwrap\u00b7")) | .func] | unique | join(" ")' "$TMP/$name.spawn.out")
	expect_eq "$T: $name ($rel): gospawn -c shows no go-statement wrapper" "$got" ""
	if [ -n "$SITE" ]; then
		got=$(jq -rs --arg fn "$FUNC" --arg site "$SITE" '[.[] | select(.func == $fn and
			(.site | startswith($site + ":")))] | "\(length) \(map(.count) | add)"' "$TMP/$name.spawn.out")
		expect_eq "$T: $name ($rel): gospawn -c: $CALLS goroutines in $FUNC from $SITE" "$got" "1 $CALLS"
	fi
	# A parseFile goroutine sends its result, then runs a deferred call
	# before its RET: the process may exit in between (twice in about 40
	# runs here, under load with GOGC=5). That call never returns; gofunclat
	# says so ("unreturned"), and with it the count is exact.
	got=$(jq -rs --arg fn "$FUNC" '[(map(select(.func == $fn) | .count // 0) | add // 0),
		(map(select(.func == $fn) | .unreturned // 0) | add // 0)] | "\(add) \(.[1])"' "$TMP/$name.lat.out")
	[ "${got#* }" = 0 ] || echo "goladder: $name: ${got#* } of $CALLS calls had not returned at the exit" >&2
	expect_eq "$T: $name ($rel): gofunclat: $CALLS calls of $FUNC, returned or said unreturned" "${got% *}" "$CALLS"
	# gctrace prints a cycle once its mark termination is over: a cycle
	# still running when the program exits is in neither count.
	want=$(grep -c '^gc [0-9]* @' "$TMP/$name.gctrace")
	got=$(jq -rs '[.[] | select(.event == "stw" and .phase == "mark-term") | .cycle] |
		unique | length' "$TMP/$name.gc.out")
	expect_eq "$T: $name ($rel): gogc counts the $want cycles gctrace prints" "$got" "$want"
done

for i in 1 2 3 4 5; do
	leaks=$(no_leaks "$T: no BPF program or link is left behind")
	case $leaks in PASS*) break ;; esac
	sleep 1
done
echo "$leaks"
