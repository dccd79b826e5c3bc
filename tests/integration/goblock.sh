#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# goblock against the Go target (tests/go): `target park N M K MS` makes the
# goroutine of one go statement wait exactly N times on a channel, M times
# on a mutex and K times in time.Sleep, MS ms each. Counts must be exact and
# every wait within 10% of MS, per line (--stream), per reason and site
# (summary) and per stack (-f), on plain and stripped PIE builds; and on the
# newest Go release of the ladder the reason names are the program's own.
. "$(dirname "$0")/../lib.sh"
host_only
T=goblock
GO=${GO_TARGETS:-$OUTPUT/tests/go}
N=3 M=2 K=4 MS=100

expect_exit "$T: --stream with an interval is a usage error" 64 "$BIN/$T" --stream -p 1 1
expect_exit "$T: --stream with -f is a usage error" 64 "$BIN/$T" --stream -f -p 1
expect_exit "$T: -f with -j is a usage error" 64 "$BIN/$T" -f -j -p 1
expect_exit "$T: a bad --min-us is a usage error" 64 "$BIN/$T" --min-us x -p 1
expect_exit "$T: a bad count is a usage error" 64 "$BIN/$T" -p 1 1 0
expect_exit "$T: a program not written in Go is one sentence, exit 1" 1 "$BIN/$T" "$BIN/$T"
grep -q 'not a Go program' "$TMP/exit.err" || fail "$T: says it is not a Go program" "$(cat "$TMP/exit.err")"

if [ ! -x "$GO/target" ]; then
	skip "$T: Go targets" "$GO/target is not built (tests/go/build.sh needs Go 1.19)"
	exit 0
fi
SRC=tests/go/target/main.go
LINE=$(grep -n 'go parker(' "$SRC" | cut -d: -f1)
[ -n "$LINE" ] || { fail "$T: the go statement of park mode is in $SRC" "not found"; exit 0; }
WANT="chan receive=$N semacquire=$M sleep=$K"

# park_run NAME BUILD TOOLARGS...: the tool on BUILD with -p, one park run.
park_run() {
	local name=$1 build=$2 rc=0; shift 2
	rm -f "$TMP/fifo"; mkfifo "$TMP/fifo"
	"$GO/$build" -wait park $N $M $K $MS <"$TMP/fifo" >"$TMP/$name.target" &
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
	expect_eq "$T: $name: the target's own output" "$rc $(cat "$TMP/$name.target")" "0 $((N + M + K))"
	wait_tool 20
	expect_eq "$T: $name: ends by itself with 0 when the process exits" "$TOOL_RC $TOOL_ALIVE" "0 0"
}

# Each wait as a JSON line: exact counts at the go statement, each within 10%.
for build in target target-pie-stripped; do
	park_run "stream-$build" $build --stream -j || continue
	f=$TMP/stream-$build.out
	json_valid "$f" || fail "$T: $build: valid JSON" "$(head -2 "$f")"
	got=$(jq -rs --arg site "main.go:$LINE" '[.[] | select(.func == "main.park" and
		(.site | endswith("/" + $site)))] | "\(group_by(.reason) | map("\(.[0].reason)=\(length)") |
		join(" ")) goids=\(map(.goid) | unique | length)"' "$f")
	expect_eq "$T: $build: --stream: each wait of parker at main.go:$LINE, one goroutine" \
		"$got" "$WANT goids=1"
	got=$(jq -rs --argjson ms $MS '[.[] | select(.func == "main.park") | .blocked_ns / 1e6 |
		select(. < $ms * 0.9 or . > $ms * 1.1)] | map(floor) | join(",")' "$f")
	expect_eq "$T: $build: --stream: every wait took ${MS} ms within 10%" "$got" ""
done

# Columns: the header and one line per wait.
if park_run cols target-stripped --stream; then
	grep -q '^TIME  *PID  *TID  *GOID  *BLOCKED  *REASON  *GO-SITE$' "$TMP/cols.out" &&
		pass "$T: cols: header" || fail "$T: cols: header" "$(sed -n 2p "$TMP/cols.out")"
	got=$(grep -c " target/main.go:$LINE (main.park)\$" "$TMP/cols.out")
	expect_eq "$T: cols: $((N + M + K)) waits at target/main.go:$LINE" "$got" $((N + M + K))
fi

# The summary in columns, then --min-us above MS: nothing of parker.
if park_run summary target; then
	for rs in "chan receive $N" "semacquire $M" "sleep $K"; do
		r=${rs% *} n=${rs##* }
		grep -q "^$r, go statement target/main.go:$LINE (main.park): $n waits, average" \
			"$TMP/summary.out" && pass "$T: summary: $r: $n waits" ||
			fail "$T: summary: $r: $n waits" "$(grep -v '^ ' "$TMP/summary.out" | head -8)"
	done
fi
if park_run min target -j --min-us $((MS * 1100)); then
	expect_eq "$T: --min-us above every wait: no row of main.park" \
		"$(jq -s 'map(select(.func == "main.park")) | length' "$TMP/min.out")" 0
fi

# -f: blocked time by stack (us), the waits under parker, and --svg.
if park_run folded target-pie -f --svg "$TMP/park.svg"; then
	got=$(awk -F';' '/;main\.parker;/ {
		n = split($NF, a, " "); us = a[n]
		if (/runtime\.chanrecv1;/) c += us; else if (/sync\.\(\*Mutex\)\.Lock/) m += us;
		else if (/;time\.Sleep;/) s += us }
		END { printf "%d %d %d", c / 1000, m / 1000, s / 1000 }' "$TMP/folded.out")
	lo="$((N * MS * 9 / 10)) $((M * MS * 9 / 10)) $((K * MS * 9 / 10))"
	read -r c m s <<<"$got"
	if [ "$c" -ge $((N * MS * 9 / 10)) ] && [ "$c" -le $((N * MS * 11 / 10)) ] &&
	   [ "$m" -ge $((M * MS * 9 / 10)) ] && [ "$m" -le $((M * MS * 11 / 10)) ] &&
	   [ "$s" -ge $((K * MS * 9 / 10)) ] && [ "$s" -le $((K * MS * 11 / 10)) ]; then
		pass "$T: -f: ms under parker by chanrecv1, Mutex.Lock, time.Sleep: $got"
	else
		fail "$T: -f: ms under parker by chanrecv1, Mutex.Lock, time.Sleep" "got $got, want 10% above $lo"
	fi
	grep -q '<svg' "$TMP/park.svg" && grep -q 'main.parker' "$TMP/park.svg" &&
		pass "$T: --svg: a flame graph with parker" || fail "$T: --svg: a flame graph" "$(head -c 200 "$TMP/park.svg")"
fi

# The newest release of the ladder: its own reason table (Go 1.26 renumbered
# them: chan receive is 19 there, 14 in Go 1.19), and the program's output
# unchanged. Which of its goroutines park, and how often, is the scheduler's
# choice: no exact count there (the target above gives them).
LADDER=${GO_LADDER:-$OUTPUT/tests/go-ladder}
newest=$(bash tests/go/ladder.sh "$LADDER" 2>/dev/null | grep -- '-amd64-lefthook$' | tail -1)
if [ -z "$newest" ] || [ ! -x "$newest" ]; then
	skip "$T: the newest ladder binary" "npm could not fetch it"
	exit 0
fi
name=$(basename "$newest")
plain=$("$newest" version 2>&1)
for try in 1 2 3; do
	start_tool ladder $T --stream -j "$newest" || { fail "$T: $name: did not attach" "$(tail -2 "$TMP/ladder.err")"; break; }
	traced=$("$newest" version 2>&1)
	stop_tool TERM
	[ "$(jq -s 'length' "$TMP/ladder.out")" -gt 0 ] && break
done
expect_eq "$T: $name: exit 0, output unchanged" "$TOOL_RC $traced" "0 $plain"
got=$(jq -rs '[.[] | "\(.reason)/\(.reason_id)"] | unique | join(" ")' "$TMP/ladder.out")
case " $got " in
*" chan receive/19 "*) pass "$T: $name: the program's own reason names ($got)" ;;
*) fail "$T: $name: chan receive is reason 19 there" "got '$got'" ;;
esac
