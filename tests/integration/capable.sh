#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# capable against tests/triggers/capper: exact checks, capabilities and verdicts.
. "$(dirname "$0")/../lib.sh"
T=capable
N=7

expect_exit "$T: -p 12abc is a usage error" 64 "$BIN/$T" -p 12abc
expect_exit "$T: -u with an unknown user is a usage error" 64 "$BIN/$T" -u no-such-user-bpfkit
expect_exit "$T: -d 0 is a usage error" 64 "$BIN/$T" -d 0
expect_exit "$T: a 16-character -n is a usage error" 64 "$BIN/$T" -n abcdefghijklmnop
expect_exit "$T: a stray argument is a usage error" 64 "$BIN/$T" extra
expect_exit "$T: an unknown option is a usage error" 64 "$BIN/$T" --no-such-option
expect_exit "$T: an unknown --force-path is a usage error" 64 "$BIN/$T" --force-path=nope
expect_exit "$T: --help exits 0" 0 "$BIN/$T" --help
man_options_match "$T: man page options match --help" $T

# Programs of this tool, by name (others may load theirs meanwhile).
OWN='^handle_capable'

# run_case NAME TOOL-ARGS...: trace capper (-n capper), N granted then N denied binds.
run_case() {
	local name=$1; shift
	start_tool "$name" $T -n capper "$@" || { fail "$T: $name: did not attach" "$(tail -3 "$TMP/$name.err")"; return 1; }
	CAPPER_PID=$("$TRIG/capper" -n $N | head -1)
	stop_tool TERM
	[ "$TOOL_RC" = 0 ] || fail "$T: $name: SIGTERM exit status" "$TOOL_RC"
}

# count_rows FILE VERDICT: column rows of capper's CAP_NET_BIND_SERVICE checks.
count_rows() {
	awk -v pid="$CAPPER_PID" -v v="$2" \
		'$1 == pid && $2 == "capper" && $3 == 10 && $4 == "CAP_NET_BIND_SERVICE" && $6 == v' "$1" | wc -l
}

before=$(named_ids "$OWN")
for path in tracepoint fentry kprobe; do
	if ! "$BIN/$T" --force-path=$path -d 0.1 >/dev/null 2>"$TMP/probe.err"; then
		if grep -q 'not available on this kernel' "$TMP/probe.err"; then
			skip "$T: $path path" "$(cat "$TMP/probe.err")"
			matrix $T $path n/a
			continue
		fi
	fi
	ok=1
	run_case "cols-$path" --force-path=$path
	out=$TMP/cols-$path.out
	n=$(count_rows "$out" allow)
	[ "$n" = $N ] || { ok=0; fail "$T: $path: $N granted CAP_NET_BIND_SERVICE checks" "got $n: $(head -3 "$out")"; }
	n=$(count_rows "$out" deny)
	[ "$n" = $N ] || { ok=0; fail "$T: $path: $N denied CAP_NET_BIND_SERVICE checks" "got $n"; }
	# The audit flag is known where the hook has cap_opt (not the tracepoint): ns_capable audits.
	want=1; [ $path = tracepoint ] && want=-
	n=$(awk -v pid="$CAPPER_PID" -v a=$want '$1 == pid && $3 == 10 && $5 == a' "$out" | wc -l)
	[ "$n" = $((2 * N)) ] || { ok=0; fail "$T: $path: AUDIT is $want" "got $n rows with it"; }
	n=$(grep -vc -e ' capper ' -e '^PID' "$out")
	[ "$n" = 0 ] || { ok=0; fail "$T: $path: -n filtered in the kernel" "$n other lines"; }
	[ $ok = 1 ] && pass "$T: $path: exact checks, capability and verdicts"
	matrix $T $path $([ $ok = 1 ] && echo pass || echo fail)
done

# -x: denied checks only.
run_case denied -x
n=$(count_rows "$TMP/denied.out" deny); m=$(grep -c ' allow$' "$TMP/denied.out")
expect_eq "$T: -x shows the $N denied checks only" "$n/$m" "$N/0"

# JSON, checked with jq.
run_case json -j
if json_valid "$TMP/json.out"; then pass "$T: -j output is valid JSON"; else fail "$T: -j output is valid JSON" "$(head -2 "$TMP/json.out")"; fi
for v in allow deny; do
	n=$(jq -c --argjson pid "$CAPPER_PID" --arg v $v \
		'select(.pid == $pid and .tid == $pid and .uid == 0 and .comm == "capper" and .cap == 10
			and .name == "CAP_NET_BIND_SERVICE" and .verdict == $v
			and (.ret == 0) == ($v == "allow") and .userns > 0)' "$TMP/json.out" | wc -l)
	expect_eq "$T: -j has $N exact '$v' records" "$n" $N
done

# -T and -U add the TIME and UID columns in front.
run_case tu -T -U
n=$(awk -v pid="$CAPPER_PID" '$1 ~ /^[0-9][0-9]:[0-9][0-9]:[0-9][0-9]$/ && $2 == 0 && $3 == pid && $6 == "CAP_NET_BIND_SERVICE"' "$TMP/tu.out" | wc -l)
expect_eq "$T: -T -U rows have time and UID" "$n" $((2 * N))

# --unique: one line per process and capability.
run_case unique --unique
n=$(awk -v pid="$CAPPER_PID" '$1 == pid && $3 == 10' "$TMP/unique.out" | wc -l)
m=$(awk -v pid="$CAPPER_PID" '$1 == pid' "$TMP/unique.out" | awk '{ print $3 }' | sort | uniq -d | wc -l)
expect_eq "$T: --unique shows CAP_NET_BIND_SERVICE once and no capability twice" "$n/$m" "1/0"

# -p: only the process named, started before its checks happen.
mkfifo "$TMP/fifo"
"$TRIG/capper" -w -n 3 <"$TMP/fifo" >/dev/null &
wpid=$!
exec 7>"$TMP/fifo"
start_tool pid $T -p "$wpid"
"$TRIG/capper" -n 2 >/dev/null
echo go >&7; exec 7>&-
wait $wpid
stop_tool TERM
n=$(awk -v pid=$wpid '$1 == pid && $3 == 10' "$TMP/pid.out" | wc -l); m=$(awk -v pid=$wpid 'NR > 1 && $1 != pid' "$TMP/pid.out" | wc -l)
expect_eq "$T: -p shows that process's 6 checks only" "$n/$m" "6/0"

# -u: another user's checks are not shown.
start_tool uid $T -u 4242 -n capper
"$TRIG/capper" -n 2 >/dev/null
stop_tool TERM
expect_eq "$T: -u 4242 hides root's checks" "$(grep -c capper "$TMP/uid.out")" 0

# SIGINT also ends cleanly; -d ends by itself.
start_tool int $T -n capper
stop_tool INT
expect_eq "$T: SIGINT exits 0" "$TOOL_RC" 0
start=$(date +%s%N)
"$BIN/$T" -d 1 -n capper >/dev/null 2>&1; rc=$?
el=$(( ($(date +%s%N) - start) / 1000000 ))
if [ $rc = 0 ] && [ $el -ge 1000 ] && [ $el -lt 5000 ]; then pass "$T: -d 1 ends after a second with 0"
else fail "$T: -d 1 ends after a second with 0" "rc=$rc after ${el}ms"; fi

no_leaks_named "$T: no BPF program or link is left behind" "$OWN" "$before"
