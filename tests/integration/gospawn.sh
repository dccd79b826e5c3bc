#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# gospawn against the Go target (tests/go): `target spawn 23` starts exactly 23
# goroutines from one `go` statement; every one must be seen with its function,
# its file:line and distinct goroutine ids, on plain, stripped and PIE builds,
# in columns, JSON and -c counts.
. "$(dirname "$0")/../lib.sh"
T=gospawn
GO=${GO_TARGETS:-$OUTPUT/tests/go}
N=23

expect_exit "$T: no arguments is a usage error" 64 "$BIN/$T"
expect_exit "$T: -p and a binary together are a usage error" 64 "$BIN/$T" -p 1 "$GO/target"
expect_exit "$T: an interval without -c is a usage error" 64 "$BIN/$T" "$GO/target" 1
expect_exit "$T: a bad interval is a usage error" 64 "$BIN/$T" -c "$GO/target" 0
expect_exit "$T: a bad count is a usage error" 64 "$BIN/$T" -c -p 1 1 x
expect_exit "$T: a stray argument is a usage error" 64 "$BIN/$T" -c "$GO/target" 1 2 3
expect_exit "$T: -s with -c is a usage error" 64 "$BIN/$T" -s -c "$GO/target"
expect_exit "$T: a bad --goid-offset is a usage error" 64 "$BIN/$T" --goid-offset=-8 "$GO/target"
expect_exit "$T: a missing binary is one sentence, exit 1" 1 "$BIN/$T" /nonexistent/prog
expect_exit "$T: a program not written in Go is one sentence, exit 1" 1 "$BIN/$T" "$BIN/$T"
grep -q 'not a Go program' "$TMP/exit.err" || fail "$T: says it is not a Go program" "$(cat "$TMP/exit.err")"

if [ ! -x "$GO/target" ]; then
	skip "$T: Go targets" "$GO/target is not built (tests/go/build.sh needs Go 1.19)"
	exit 0
fi

# The `go` statement of spawn mode, from the source the targets were built from.
SRC=tests/go/target/main.go
LINE=$(grep -n 'go worker(i, &wg)' "$SRC" | cut -d: -f1)
[ -n "$LINE" ] || { fail "$T: the spawn line is in $SRC" "not found"; exit 0; }
# `go worker(i, &wg)` passes arguments, so since Go 1.17 the goroutine starts
# in a closure the compiler wraps the call in, named after spawn; FUNC names
# the function it calls, the one in the statement.
FUNC=main.$(sed -n "${LINE}s/.*go \([a-z]*\)(.*/\1/p" "$SRC")
START_RE='^main\.spawn\.func[0-9]+$'

# spawn_wait NAME BUILD TOOLARGS...: runs BUILD -wait spawn N, attaches the
# tool with -p to it, lets it go and stops the tool. Sets WPID.
spawn_wait() {
	local name=$1 build=$2 rc=0; shift 2
	rm -f "$TMP/fifo"; mkfifo "$TMP/fifo"
	"$GO/$build" -wait spawn $N <"$TMP/fifo" >/dev/null &
	WPID=$!
	exec 7>"$TMP/fifo"
	wait_exec "$WPID"
	if ! start_tool "$name" $T "$@" -p "$WPID"; then
		exec 7>&-; wait $WPID
		fail "$T: $name: did not attach" "$(tail -3 "$TMP/$name.err")"
		return 1
	fi
	echo go >&7; exec 7>&-
	wait $WPID || rc=$?
	[ $rc = 0 ] || fail "$T: $name: the target exited with $rc"
	wait_tool 20
	expect_eq "$T: $name: ends by itself with 0 when the process exits" "$TOOL_RC $TOOL_ALIVE" "0 0"
}

# check_json NAME FILE PID: the N spawns of PID in FILE (JSON lines).
check_json() {
	local name=$1 f=$2 pid=$3 got
	got=$(jq -rs --arg re "$START_RE" --arg fn "$FUNC" --argjson pid "$pid" '
		[.[] | select(.pid == $pid and .func == $fn and (.start_func | test($re)))] |
		"\(length) \([.[].start_func] | unique | length) \([.[].site] | unique | map(sub(".*/"; "")) | join(","))" +
		" \([.[].line] | unique | join(",")) \([.[].goid] | unique | length) \(all(.[]; .goid > 0))" +
		" \([.[].parent_goid] | unique | join(","))"' "$f")
	want="$N 1 main.go:$LINE $LINE $N true 1"
	if [ "$got" = "$want" ]; then
		pass "$T: $name: $N spawns of $FUNC at main.go:$LINE, distinct goids, parent 1"
	else
		fail "$T: $name: $N spawns of one function at main.go:$LINE" "got '$got', want '$want'"
		return 1
	fi
}

# Every process running the binary; the target's PID tells its spawns apart.
for build in target target-stripped target-pie target-pie-stripped; do
	start_tool "$build" $T -j "$GO/$build" ||
		{ fail "$T: $build: did not attach" "$(tail -3 "$TMP/$build.err")"; continue; }
	"$GO/$build" spawn $N >/dev/null &
	tpid=$!
	wait $tpid
	stop_tool TERM
	[ "$TOOL_RC" = 0 ] || { fail "$T: $build: SIGTERM exit status" "$TOOL_RC"; }
	json_valid "$TMP/$build.out" || { fail "$T: $build: valid JSON" "$(head -2 "$TMP/$build.out")"; }
	check_json "$build" "$TMP/$build.out" $tpid
	got=$(jq -s --argjson pid $tpid 'any(.[]; .pid == $pid and .func == "runtime.main" and
		.goid == 1 and .parent_goid == 0)' "$TMP/$build.out")
	expect_eq "$T: $build: the main goroutine's start is seen too" "$got" true
done

# Columns, with -p (through /proc/PID/exe) on the stripped build.
if spawn_wait cols target-stripped; then
	grep -q '^TIME  *PID  *PARENT_GOID  *GOID  *FUNC  *SITE$' "$TMP/cols.out" &&
		pass "$T: cols: header" || fail "$T: cols: header" "$(head -1 "$TMP/cols.out")"
	got=$(awk -v pid=$WPID -v site="target/main.go:$LINE" -v fn="$FUNC" '
		$2 == pid && $5 == fn && $6 == site && $3 == 1 && $4 > 0 {
			n++; if (!seen[$4]++) d++ }
		END { print n + 0, d + 0 }' "$TMP/cols.out")
	expect_eq "$T: cols: $N rows at target/main.go:$LINE with distinct goids" "$got" "$N $N"
	expect_eq "$T: cols: only that process" "$(awk -v pid=$WPID 'NR > 1 && $2 != pid' "$TMP/cols.out" | wc -l)" 0
fi

# -s: the spawning goroutine's stack, by frame pointers, innermost first.
if spawn_wait stack target-pie -j -s; then
	got=$(jq -rs --arg fn "$FUNC" '[.[] | select(.func == $fn) | .stack[0:2] |
		map(sub(" .*/"; " ")) | join(" < ")] | unique | "\(length) \(.[0])"' "$TMP/stack.out")
	expect_eq "$T: -s: every spawn's stack starts at the go statement, then main.main" \
		"$got" "1 main.spawn main.go:$LINE < main.main main.go:$(grep -n 'spawn(atoi(args\[1\]))' "$SRC" | cut -d: -f1)"
fi

# -c: counts in the kernel (entry probe only), as JSON then as columns.
if spawn_wait count target-pie-stripped -c -j; then
	got=$(jq -rs --arg fn "$FUNC" '[.[] | select(.func == $fn)] |
		"\(length) \(.[0].count) \(.[0].site | sub(".*/"; ""))"' "$TMP/count.out")
	expect_eq "$T: -c -j: one row counting $N spawns at main.go:$LINE" "$got" "1 $N main.go:$LINE"
	grep -q 'at its entry and 0 returns' "$TMP/count.err" &&
		pass "$T: -c: no RET probes" || fail "$T: -c: no RET probes" "$(grep probing "$TMP/count.err")"
fi
if spawn_wait countcols target -c; then
	got=$(awk -v site="target/main.go:$LINE" -v fn="$FUNC" '$2 == fn && $3 == site { print $1 }' \
		"$TMP/countcols.out")
	expect_eq "$T: -c: columns count $N at target/main.go:$LINE" "$got" $N
	grep -q '^COUNT  *FUNC  *SITE$' "$TMP/countcols.out" && pass "$T: -c: header" ||
		fail "$T: -c: header" "$(cat "$TMP/countcols.out")"
fi

# A closure written in the program is no wrapper: FUNC is the closure itself.
CLINE=$(grep -n 'go func() { done <- deep' "$SRC" | cut -d: -f1)
if start_tool closure $T -j "$GO/target"; then
	"$GO/target" stackgrow 0.05 >/dev/null &
	tpid=$!
	wait $tpid
	stop_tool TERM
	got=$(jq -rs --argjson pid $tpid --argjson line "$CLINE" '[.[] | select(.pid == $pid and
		.line == $line)] | "\(length > 0) \(all(.[]; .func == .start_func and
		(.func | test("^main\\.stackgrow\\.func[0-9]+$"))))"' "$TMP/closure.out")
	expect_eq "$T: a go func(){...}() closure is shown as itself" "$got" "true true"
else
	fail "$T: closure: did not attach" "$(tail -3 "$TMP/closure.err")"
fi

# A release this tool has no table entry for (the stripped build with its
# version string patched) works all the same: goid's offset comes from its
# runtime.newproc1. One whose code disagrees with its release's known offset
# (patched to say go1.23, whose goid is at 160) is refused in one sentence
# when goids are shown, and still counted by -c, which reads none.
sed 's/go1\.19\.8/go1.99.8/g' "$GO/target-stripped" >"$TMP/t99" 2>/dev/null; chmod +x "$TMP/t99"
sed 's/go1\.19\.8/go1.23.8/g' "$GO/target-stripped" >"$TMP/t23" 2>/dev/null; chmod +x "$TMP/t23"
if grep -q 'go1\.99\.8' "$TMP/t99" && grep -q 'go1\.23\.8' "$TMP/t23"; then
	start_tool u99 $T -j "$TMP/t99"
	"$TMP/t99" spawn $N >/dev/null
	stop_tool TERM
	got=$(jq -rs --arg fn "$FUNC" '[.[] | select(.func == $fn)] |
		"\(length) \([.[].goid] | unique | length) \(all(.[]; .goid > 0))"' "$TMP/u99.out")
	expect_eq "$T: an unknown release (go1.99.8) works: goid's offset from its code" \
		"$got $TOOL_RC" "$N $N true 0"
	expect_exit "$T: a release whose code disagrees with its known goid offset is refused" 1 \
		"$BIN/$T" "$TMP/t23"
	grep -q 'go1.23.8, whose runtime.newproc1 stores goid at offset 152 of runtime.g, not at 160' \
		"$TMP/exit.err" && pass "$T: the refusal names the release and both offsets" ||
		fail "$T: the refusal names the release and both offsets" "$(cat "$TMP/exit.err")"
	start_tool c23 $T -c -j "$TMP/t23"
	"$TMP/t23" spawn $N >/dev/null
	stop_tool TERM
	got=$(jq -r --arg fn "$FUNC" 'select(.func == $fn) | .count' "$TMP/c23.out")
	expect_eq "$T: -c counts that release's spawns all the same ($N)" "$got $TOOL_RC" "$N 0"
fi

# Interval and count end the tool by itself.
start=$(date +%s%N)
"$BIN/$T" -c -j "$GO/target" 0.5 2 >"$TMP/iv.out" 2>&1; rc=$?
el=$(( ($(date +%s%N) - start) / 1000000 ))
if [ $rc = 0 ] && [ $el -ge 1000 ] && [ $el -lt 8000 ]; then pass "$T: -c interval 0.5 count 2 ends after a second with 0"
else fail "$T: -c interval 0.5 count 2 ends by itself" "rc=$rc after ${el}ms: $(head -2 "$TMP/iv.out")"; fi

no_leaks "$T: no BPF program or link is left behind"
