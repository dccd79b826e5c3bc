#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# capable against tests/triggers/capper: exact checks, capabilities and
# verdicts. The checks every tool gets (usage errors, filters, signals, each
# attach path) come from its row in tests/tools.table.
. "$(dirname "$0")/../lib.sh"
T=capable
N=7

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

# Columns, on the path this kernel takes.
run_case cols
out=$TMP/cols.out
n=$(count_rows "$out" allow)
expect_eq "$T: $ATTACH_PATH: $N granted CAP_NET_BIND_SERVICE checks" "$n" $N
n=$(count_rows "$out" deny)
expect_eq "$T: $ATTACH_PATH: $N denied CAP_NET_BIND_SERVICE checks" "$n" $N
# The audit flag is known where the hook has cap_opt (not the tracepoint): ns_capable audits.
want=1; [ "$ATTACH_PATH" = tracepoint ] && want=-
n=$(awk -v pid="$CAPPER_PID" -v a=$want '$1 == pid && $3 == 10 && $5 == a' "$out" | wc -l)
expect_eq "$T: $ATTACH_PATH: AUDIT is $want" "$n" $((2 * N))
n=$(grep -vc -e ' capper ' -e '^PID' "$out")
expect_eq "$T: -n filtered in the kernel" "$n" 0

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

no_leaks "$T: no BPF program or link is left behind"
