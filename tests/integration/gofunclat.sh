#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# gofunclat against the Go target (tests/go): exact call counts of a recursive
# function on plain, stripped, PIE and stripped-PIE builds.
. "$(dirname "$0")/../lib.sh"
T=gofunclat
GO=${GO_TARGETS:-$OUTPUT/tests/go}

expect_exit "$T: no arguments is a usage error" 64 "$BIN/$T"
expect_exit "$T: a binary without a pattern is a usage error" 64 "$BIN/$T" "$GO/target"
expect_exit "$T: -p without a pattern is a usage error" 64 "$BIN/$T" -p 1
expect_exit "$T: -p and --binary together are a usage error" 64 "$BIN/$T" -p 1 --binary "$GO/target" main.recurse
expect_exit "$T: a bad interval is a usage error" 64 "$BIN/$T" "$GO/target" main.recurse 0
expect_exit "$T: a bad count is a usage error" 64 "$BIN/$T" "$GO/target" main.recurse 1 x
expect_exit "$T: a stray argument is a usage error" 64 "$BIN/$T" "$GO/target" main.recurse 1 2 3
expect_exit "$T: a bad --goid-offset is a usage error" 64 "$BIN/$T" --goid-offset=-8 "$GO/target" main.recurse
expect_exit "$T: -u is a UID filter, not microseconds" 64 "$BIN/$T" -u "$GO/target" main.recurse
expect_exit "$T: a missing binary is one sentence, exit 1" 1 "$BIN/$T" /nonexistent/prog main.recurse
expect_exit "$T: a program not written in Go is one sentence, exit 1" 1 "$BIN/$T" "$BIN/$T" main.recurse
grep -q 'not a Go program' "$TMP/exit.err" || fail "$T: says it is not a Go program" "$(cat "$TMP/exit.err")"
expect_exit "$T: a pattern matching nothing is one sentence, exit 1" 1 "$BIN/$T" "$GO/target" 'main.nosuch*'

if [ ! -x "$GO/target" ]; then
	skip "$T: Go targets" "$GO/target is not built (tests/go/build.sh needs Go 1.19)"
	exit 0
fi

# A release whose runtime code disagrees with its known goid offset (the
# stripped build, which has no DWARF to say, patched to call itself go1.23,
# whose goid is at 160) is refused, unless --goid-offset says where goid is.
sed 's/go1\.19\.8/go1.23.8/g' "$GO/target-stripped" >"$TMP/t99" 2>/dev/null; chmod +x "$TMP/t99"
if [ "$(wc -c <"$TMP/t99")" = "$(wc -c <"$GO/target-stripped")" ] && grep -q 'go1\.23\.8' "$TMP/t99"; then
	expect_exit "$T: a release whose code disagrees on goid is refused in one sentence" 1 "$BIN/$T" "$TMP/t99" main.recurse
	grep -q 'go1.23.8.*--goid-offset' "$TMP/exit.err" && pass "$T: the refusal names the version and --goid-offset" ||
		fail "$T: the refusal names the version and --goid-offset" "$(cat "$TMP/exit.err")"
	start_tool t99 $T -j --goid-offset 152 "$TMP/t99" main.recurse
	"$TMP/t99" recurse 9 >/dev/null
	stop_tool TERM
	expect_eq "$T: --goid-offset 152 makes it work" "$(jq -r .count "$TMP/t99.out")" 10
else
	skip "$T: unknown Go version" "could not patch the version string with sed here"
fi

N=60	# recurse(60): 61 calls, 61 returns
for build in target target-stripped target-pie target-pie-stripped; do
	# Every process running the binary; its PID tells its output apart.
	start_tool "$build" $T -j "$GO/$build" main.recurse ||
		{ fail "$T: $build: did not attach" "$(tail -3 "$TMP/$build.err")"; continue; }
	res=$("$GO/$build" recurse $N)
	stop_tool TERM
	expect_eq "$T: $build: the target's result" "$res" $N
	[ "$TOOL_RC" = 0 ] || { fail "$T: $build: SIGTERM exit status" "$TOOL_RC"; }
	got=$(jq -r 'select(.func == "main.recurse") | "\(.count) \(.unit) \([.hist[].count] | add) \(.avg_ns > 0)"' "$TMP/$build.out")
	if [ "$got" = "$((N + 1)) usecs $((N + 1)) true" ]; then
		pass "$T: $build: exactly $((N + 1)) calls of main.recurse in JSON"
	else
		fail "$T: $build: exactly $((N + 1)) calls in JSON" "got '$got': $(head -c 300 "$TMP/$build.out")"
	fi
done
json_valid "$TMP/target.out" && pass "$T: -j output is valid JSON" || fail "$T: -j output is valid JSON" "$(head -2 "$TMP/target.out")"

# Columns, -p through /proc/PID/exe, and a glob matching two functions.
mkfifo "$TMP/fifo"
"$GO/target-stripped" -wait recurse $N <"$TMP/fifo" >"$TMP/w.out" &
wpid=$!
exec 7>"$TMP/fifo"
wait_exec "$wpid"
if start_tool cols $T -p "$wpid" 'main.[gr][re]*'; then
	"$GO/target-stripped" recurse 5 >/dev/null	# another process: filtered out
	echo go >&7; exec 7>&-
	wait $wpid
	wait_tool 20
	expect_eq "$T: -p: ends by itself with 0 when the process exits" "$TOOL_RC $TOOL_ALIVE" "0 0"
	grep -q "probing 2 functions of .*target-stripped (go1\.19" "$TMP/cols.err" &&
		pass "$T: -p: the glob matched main.greet and main.recurse" ||
		fail "$T: -p: the glob matched two functions" "$(grep probing "$TMP/cols.err")"
	got=$(grep -c "^main.recurse: $((N + 1)) calls, average [0-9.]* usecs\$" "$TMP/cols.out")
	expect_eq "$T: -p: columns show that process's $((N + 1)) calls only" "$got" 1
	grep -q '^ *usecs *: count *distribution$' "$TMP/cols.out" &&
		pass "$T: -p: a histogram in microseconds" || fail "$T: -p: a histogram" "$(cat "$TMP/cols.out")"
	grep -q '^main.greet' "$TMP/cols.out" && fail "$T: -p: uncalled main.greet is not shown" "$(cat "$TMP/cols.out")"
else
	exec 7>&-; kill $wpid 2>/dev/null; wait $wpid 2>/dev/null
	fail "$T: -p: did not attach" "$(tail -3 "$TMP/cols.err")"
fi

# -m and --ns change the unit; interval and count end the tool by itself.
start_tool ms $T -m -j "$GO/target" main.recurse
"$GO/target" recurse 3 >/dev/null
stop_tool TERM
expect_eq "$T: -m: milliseconds" "$(jq -r '"\(.unit) \(.count)"' "$TMP/ms.out")" "msecs 4"
start=$(date +%s%N)
"$BIN/$T" --ns -j "$GO/target" main.recurse 0.5 2 >"$TMP/iv.out" 2>&1; rc=$?
el=$(( ($(date +%s%N) - start) / 1000000 ))
if [ $rc = 0 ] && [ $el -ge 1000 ] && [ $el -lt 8000 ]; then pass "$T: interval 0.5 count 2 ends after a second with 0"
else fail "$T: interval 0.5 count 2 ends by itself" "rc=$rc after ${el}ms: $(head -2 "$TMP/iv.out")"; fi

# Panics: mayPanic(odd) sleeps 20 ms and panics (recovered above it), so its
# RET never runs; the even calls (1 ms) must pair with their own entry, never
# with the stale start of the call before them (which gave 21 ms and more).
start_tool panic $T -j -m "$GO/target" main.mayPanic
res=$("$GO/target" panic 20)
stop_tool TERM
got=$(jq -r 'select(.func == "main.mayPanic" and .count) | "\(.count) \([.hist[] | select(.low >= 16) | .count] | add // 0)"' "$TMP/panic.out")
expect_eq "$T: panics: 10 returning calls of 20, none paired with a panicked start" "$res $got" "890 10 0"

# 20,000 calls in flight at once (goroutines blocked inside main.blocked):
# every one is timed; with a table too small for them, the shortfall is said.
# (2,000 and a table of 500 in the emulated VMs, ten times slower.)
NB=20000 SMALL=5000
[ "$IN_VM" = 1 ] && NB=2000 SMALL=500
start_tool block $T -j "$GO/target" main.blocked
res=$("$GO/target" block $NB)
stop_tool TERM
expect_eq "$T: $NB calls in flight at once: all timed" "$res $(jq -r .count "$TMP/block.out")" "$NB $NB"
grep -q 'not timed' "$TMP/block.err" && fail "$T: no call lost with the default table" "$(grep 'not timed' "$TMP/block.err")"
start_tool block2 $T -j --max-inflight $SMALL "$GO/target" main.blocked
"$GO/target" block $NB >/dev/null
stop_tool TERM
lost=$(sed -n "s/.*: \([0-9]*\) calls were not timed.* in all: the table of calls in flight was full.*/\1/p" "$TMP/block2.err")
got=$(jq -r .count "$TMP/block2.out")
expect_eq "$T: --max-inflight $SMALL: timed plus reported lost is exactly $NB" "$((got + ${lost:-0})) $((lost > 0))" "$NB 1"

# A wrong --goid-offset reads ids that cannot be real: one warning says so.
start_tool badgoid $T -j --goid-offset 200 "$GO/target" main.worker
"$GO/target" spawn 20 >/dev/null
stop_tool TERM
n=$(grep -c 'goroutine ids read at offset 200 of runtime.g cannot be right.*--goid-offset' "$TMP/badgoid.err")
expect_eq "$T: a wrong --goid-offset is said in one warning" "$n $TOOL_RC" "1 0"
grep -q 'cannot be right' "$TMP/target.err" "$TMP/block.err" &&
	fail "$T: right goroutine ids give no warning" "$(grep -h 'cannot be right' "$TMP/target.err" "$TMP/block.err")"

# Intervals diff the histograms (never reset them): calls made across many
# short intervals add up to the total.
start_tool iv2 $T -j "$GO/target" main.recurse 0.1
"$GO/target" recurse 2000 >/dev/null
sleep 0.3
stop_tool TERM
expect_eq "$T: across 0.1 s intervals every call is counted once" "$(jq -s '[.[].count] | add' "$TMP/iv2.out")" 2001

# Calls still running when their process exits never return: they are in no
# histogram, and are said, in JSON and on stderr (the ladder's esbuild exits,
# now and then, while a parseFile goroutine has sent its last result and not
# yet reached its RET).
start_tool exitinside $T -j "$GO/target" main.inside
"$GO/target" exitinside 3 >/dev/null
stop_tool TERM
got=$(jq -rs '"\(map(.count // 0) | add) \(map(select(.func == "main.inside") | .unreturned // 0) | add)"' "$TMP/exitinside.out")
expect_eq "$T: 3 calls in flight at the process's exit: none counted, 3 unreturned" "$got" "0 3"
expect_eq "$T: ... and said in one warning" \
	"$(grep -c '3 calls of main.inside had not returned when tracing ended' "$TMP/exitinside.err")" 1

# Hundreds of probes end promptly: one multi-uprobe link per program where
# the kernel has them (single uprobes took 54 s to detach 209 probes here;
# minutes in the emulated VMs, where only the host's kernel is checked).
if [ "$IN_VM" = 1 ]; then
	skip "$T: 200 probes end promptly" "a host check (single uprobes take minutes to detach here)"
else
start=$(date +%s%N)
"$BIN/$T" -v -d 1 "$GO/target" 'strconv.*' >/dev/null 2>"$TMP/many.err"; rc=$?
el=$(( ($(date +%s%N) - start) / 1000000 ))
if grep -q 'multi-uprobe links' "$TMP/many.err"; then
	[ $rc = 0 ] && [ $el -lt 10000 ] && pass "$T: 'strconv.*' (200 probes) on multi-uprobe links ends in ${el} ms" ||
		fail "$T: 'strconv.*' on multi-uprobe links ends within 10 s" "rc=$rc after ${el} ms: $(tail -2 "$TMP/many.err")"
else
	expect_eq "$T: 'strconv.*' with single uprobes exits 0" "$rc" 0
	skip "$T: 200 probes end promptly" "this kernel has no multi-uprobe links (${el} ms with single uprobes)"
fi
fi

# funclatency (for C functions) must refuse Go code: its uretprobes would crash it.
if [ -x "$BIN/funclatency" ]; then
	expect_exit "$T: funclatency refuses a Go function" 1 "$BIN/funclatency" -d 0.1 "$GO/target:main.recurse"
	grep -q 'Go program.*gofunclat' "$TMP/exit.err" && pass "$T: funclatency points to gofunclat" ||
		fail "$T: funclatency points to gofunclat" "$(cat "$TMP/exit.err")"
fi

no_leaks "$T: no BPF program or link is left behind"
