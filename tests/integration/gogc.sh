#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# gogc against the Go target (tests/go): `target gc N` forces exactly N GC
# cycles, each with two stop-the-world pauses (sweep and mark termination);
# `target memstats N` stops the world N times outside any cycle.
. "$(dirname "$0")/../lib.sh"
T=gogc
GO=${GO_TARGETS:-$OUTPUT/tests/go}
N=5

expect_exit "$T: no arguments is a usage error" 64 "$BIN/$T"
expect_exit "$T: -p and a binary together are a usage error" 64 "$BIN/$T" -p 1 "$GO/target"
expect_exit "$T: two binaries are a usage error" 64 "$BIN/$T" "$GO/target" "$GO/target"
expect_exit "$T: a bad --goid-offset is a usage error" 64 "$BIN/$T" --goid-offset=x "$GO/target"
expect_exit "$T: a missing binary is one sentence, exit 1" 1 "$BIN/$T" /nonexistent/prog
expect_exit "$T: a program not written in Go is one sentence, exit 1" 1 "$BIN/$T" "$BIN/$T"
grep -q 'not a Go program' "$TMP/exit.err" || fail "$T: says it is not a Go program" "$(cat "$TMP/exit.err")"

if [ ! -x "$GO/target" ]; then
	skip "$T: Go targets" "$GO/target is not built (tests/go/build.sh needs Go 1.19)"
	exit 0
fi

# run_wait NAME BUILD MODE COUNT TOOLARGS...: runs BUILD -wait MODE COUNT,
# attaches the tool with -p to it, lets it go, and waits for the tool to end
# by itself once the process is gone.
# Sets WPID.
run_wait() {
	local name=$1 build=$2 mode=$3 count=$4 rc=0; shift 4
	rm -f "$TMP/fifo"; mkfifo "$TMP/fifo"
	"$GO/$build" -wait "$mode" "$count" <"$TMP/fifo" >/dev/null &
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

# JSON on a plain and a stripped PIE build: N forced cycles numbered 1..N, each
# with a sweep-termination then a mark-termination pause, nothing else; the
# summary's histogram counts the same 2N pauses.
for build in target target-pie-stripped; do
	run_wait "$build" $build gc $N -j || continue
	json_valid "$TMP/$build.out" || { fail "$T: $build: valid JSON" "$(head -2 "$TMP/$build.out")"; }
	got=$(jq -rs --argjson pid $WPID '[.[] | select(.pid == $pid and .event == "cycle")] |
		"\(length) \([.[].trigger] | unique | join(",")) \([.[].cycle] | map(tostring) | join(","))"' \
		"$TMP/$build.out")
	want="$N forced $(seq -s, 1 $N)"
	expect_eq "$T: $build: exactly $N cycles, forced, numbered" "$got" "$want"
	got=$(jq -rs --argjson pid $WPID '[.[] | select(.pid == $pid and .event == "stw")] |
		"\(length) \(all(.[]; .pause_ns > 0)) \([.[] | "\(.cycle)\(.phase)"] | join(" "))"' \
		"$TMP/$build.out")
	want="$((2 * N)) true $(for c in $(seq 1 $N); do printf '%ssweep-term %smark-term ' $c $c; done)"
	expect_eq "$T: $build: exactly $((2 * N)) pauses, two per cycle, non-zero" "$got" "${want% }"
	got=$(jq -rs '[.[] | select(.event == "summary")] | .[0] |
		"\(.cycles) \(.pauses) \([.hist[].count] | add) \(.unit) \(.max_ns > 0)"' "$TMP/$build.out")
	expect_eq "$T: $build: the summary histogram counts every pause" "$got" "$N $((2 * N)) $((2 * N)) usecs true"
done

# Columns on the stripped build.
if run_wait cols target-stripped gc $N; then
	grep -q '^TIME  *PID  *CYCLE  *TRIGGER  *PHASE  *PAUSE(us)$' "$TMP/cols.out" &&
		pass "$T: cols: header" || fail "$T: cols: header" "$(head -1 "$TMP/cols.out")"
	got=$(awk -v pid=$WPID '$2 == pid && $4 == "forced" && $5 == "start" && $6 == "-" { n++ }
		END { print n + 0 }' "$TMP/cols.out")
	expect_eq "$T: cols: $N forced cycle starts" "$got" $N
	got=$(awk -v pid=$WPID '$2 == pid && $4 == "forced" && $5 ~ /^(sweep|mark)-term$/ &&
		$6 ~ /^[0-9]+\.[0-9][0-9][0-9]$/ && $6 > 0 { n++; c[$3 $5]++ }
		END { k = 0; for (i in c) k++; print n + 0, k }' "$TMP/cols.out")
	expect_eq "$T: cols: $((2 * N)) pauses, one of each phase per cycle" "$got" "$((2 * N)) $((2 * N))"
	grep -q "^$N GC cycles, $((2 * N)) stop-the-world pauses, average [0-9.]* usecs, longest [0-9.]* usecs\$" \
		"$TMP/cols.out" && pass "$T: cols: summary line" ||
		fail "$T: cols: summary line" "$(tail -15 "$TMP/cols.out")"
	got=$(awk '/-> .*: [0-9]+ *\|/ { s += $5 } END { print s + 0 }' "$TMP/cols.out")
	expect_eq "$T: cols: the histogram holds $((2 * N)) pauses" "$got" $((2 * N))
fi

# The runtime's own clock: with GODEBUG=gctrace=1 the target prints, per
# cycle, "A+B+C ms clock": A the sweep-termination pause, C the mark
# termination (tMarkTerm to tEnd). gogc's pauses must be the same intervals:
# on average within 30 us of them (what the probes themselves cost: the
# runtime's clock also runs while gogc's probes trap), each within 0.1 ms
# plus a third. gogc ended mark termination when the world started, up to
# 180 times the runtime's figure.
M=10
if [ "$IN_VM" = 1 ]; then
	# Under emulation a probe costs a large part of a pause: the intervals
	# are the same, as the host run checks, but cannot be compared here.
	skip "$T: pauses match the runtime's gctrace clock" "a host check (emulated probes are slower than the pauses)"
else
rm -f "$TMP/fifo"; mkfifo "$TMP/fifo"
GODEBUG=gctrace=1 "$GO/target" -wait gc $M <"$TMP/fifo" >/dev/null 2>"$TMP/gctrace.txt" &
WPID=$!
exec 7>"$TMP/fifo"
if start_tool gctrace $T -j -p $WPID; then
	echo go >&7; exec 7>&-
	wait $WPID
	wait_tool 20
	sed -n 's/^gc \([0-9]*\) @[0-9.]*s [0-9]*%: \([0-9.]*\)+[0-9.]*+\([0-9.]*\) ms clock.*/\2 \3/p' \
		"$TMP/gctrace.txt" >"$TMP/rt.txt"
	jq -r --argjson pid $WPID 'select(.pid == $pid and .event == "stw") | "\(.phase) \(.pause_ns)"' \
		"$TMP/gctrace.out" | awk '$1 == "sweep-term" { s = $2 } $1 == "mark-term" { print s / 1e6, $2 / 1e6 }' \
		>"$TMP/ours.txt"
	got=$(paste -d' ' "$TMP/rt.txt" "$TMP/ours.txt" | awk -v m=$M '
		function abs(x) { return x < 0 ? -x : x }
		NF == 4 { n++; ds += abs($3 - $1); dm += abs($4 - $2)
			if (abs($3 - $1) > 0.1 + $1 / 3 || abs($4 - $2) > 0.1 + $2 / 3) bad++ }
		END { printf "%d %s %s %d", n, (n && ds / n <= 0.03) ? "sweep-ok" : "sweep-off",
			(n && dm / n <= 0.03) ? "mark-ok" : "mark-off", bad }')
	# The runtime prints a cycle's line after its mark termination, by then
	# possibly after runtime.GC() returned: the program may exit before the
	# last line (9 of 10 lines once). gogc has each of the M cycles.
	nrt=$(grep -c . "$TMP/rt.txt")
	expect_eq "$T: gogc has the $M cycles' pauses" "$(grep -c . "$TMP/ours.txt")" $M
	[ "$nrt" -ge $((M - 1)) ] || fail "$T: gctrace" "the runtime printed $nrt of $M cycles"
	expect_eq "$T: $nrt cycles' pauses match the runtime's gctrace clock" "$got" "$nrt sweep-ok mark-ok 0"
	[ "$got" = "$nrt sweep-ok mark-ok 0" ] ||
		echo "  runtime (ms) vs gogc (ms): $(paste -d' ' "$TMP/rt.txt" "$TMP/ours.txt" | tr '\n' ';')"
else
	exec 7>&-; wait $WPID
	fail "$T: gctrace: did not attach" "$(tail -3 "$TMP/gctrace.err")"
fi
fi

# Pauses outside GC: runtime.ReadMemStats stops the world once per call.
if run_wait memstats target-pie memstats 3 -j; then
	got=$(jq -rs --argjson pid $WPID '[.[] | select(.pid == $pid)] |
		"\([.[] | select(.event == "cycle")] | length) \([.[] | select(.event == "stw" and
		.phase == "other" and .cycle == null and .pause_ns > 0)] | length)"' "$TMP/memstats.out")
	expect_eq "$T: memstats: 3 pauses outside any cycle, no cycle" "$got" "0 3"
fi

# A binary path: every process running it.
if start_tool bin $T -j "$GO/target"; then
	"$GO/target" gc 2 >/dev/null &
	tpid=$!
	wait $tpid
	stop_tool TERM
	got=$(jq -rs --argjson pid $tpid '[.[] | select(.pid == $pid)] |
		"\([.[] | select(.event == "cycle")] | length) \([.[] | select(.event == "stw")] | length)"' \
		"$TMP/bin.out")
	expect_eq "$T: binary: 2 cycles and 4 pauses of a process started later" "$got" "2 4"
	got=$(jq -rs '[.[] | select(.event == "summary")] | "\(length) \(.[0].cycles)"' "$TMP/bin.out")
	expect_eq "$T: binary: SIGTERM gives the summary and exit 0" "$TOOL_RC $got" "0 1 2"
else
	fail "$T: binary: did not attach" "$(tail -3 "$TMP/bin.err")"
fi

no_leaks "$T: no BPF program or link is left behind"
