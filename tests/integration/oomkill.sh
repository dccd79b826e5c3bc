#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# oomkill against tests/triggers/oom.sh (oomer in a 32 MiB memory cgroup):
# exactly one kill, with the exact victim, trigger and pages, in columns and
# JSON. The checks every tool gets (usage errors, signals, each attach path)
# come from its row in tests/tools.table.
. "$(dirname "$0")/../lib.sh"
T=oomkill
HOLD=24		# MiB the victim holds; the trigger allocates 24 more

expect_exit "$T: -d 1x is a usage error" 64 "$BIN/$T" -d 1x

# oom NAME: one OOM kill (tests/triggers/oom.sh); sets VICTIM, TRIGGER and
# KILLS, the kills the kernel counted in the cgroup: 1, or 2 when it killed
# the trigger as well (6.18 does, now and then, before it has uncharged the
# victim's pages).
oom() {
	TRIG=$TRIG bash tests/triggers/oom.sh $HOLD >"$TMP/$1.oomer" 2>&1
	VICTIM=$(awk '$1 == "victim" { print $2 }' "$TMP/$1.oomer")
	TRIGGER=$(awk '$1 == "trigger" { print $2 }' "$TMP/$1.oomer")
	KILLS=$(awk '$1 == "kills" { print $2 }' "$TMP/$1.oomer")
}

if ! bash tests/triggers/oom.sh --check; then
	skip "$T: OOM kills" "no memory cgroup could be made here"
	exit 0
fi

# Before Linux 6.8 the tracepoint names the victim by PID only.
full_tp=0
grep -q ' comm;' /sys/kernel/tracing/events/oom/mark_victim/format 2>/dev/null && full_tp=1

# Columns, on the path this kernel takes.
start_tool cols $T || fail "$T: did not attach" "$(tail -3 "$TMP/cols.err")"
oom cols
stop_tool TERM
out=$TMP/cols.out
kcomm=oomer; minpages=$((HOLD * 256))
[ "$ATTACH_PATH" = tracepoint ] && [ $full_tp = 0 ] && { kcomm='?'; minpages=0; }
n=$(awk -v k="$VICTIM" -v t="$TRIGGER" -v kc="$kcomm" -v mp=$minpages \
	'$2 == k && $3 == kc && $4 == t && $5 == "oomer-alloc" && ($6 == "-" ? mp == 0 : $6 + 0 >= mp) && $7 ~ /^[0-9]+\.[0-9][0-9]$/' "$out" | wc -l)
expect_eq "$T: $ATTACH_PATH: one kill of $VICTIM triggered by $TRIGGER, with its pages, in columns" "$n" 1
lines=$(awk -v k="$VICTIM" -v t="$TRIGGER" 'NR > 1 && ($2 == k || $2 == t || $4 == t)' "$out")
expect_eq "$T: $ATTACH_PATH: every kill of the trigger's processes the kernel counted, no other" \
	"$(printf '%s' "$lines" | grep -c .)" "${KILLS:-?}" "$lines"

# JSON, on the path this kernel takes, checked with jq.
start_tool json $T -j
oom json
stop_tool TERM
if json_valid "$TMP/json.out"; then pass "$T: -j output is valid JSON"; else fail "$T: -j output is valid JSON" "$(head -2 "$TMP/json.out")"; fi
n=$(jq -c --argjson k "$VICTIM" --argjson t "$TRIGGER" --argjson mp $((HOLD * 256)) \
	'select(.killed_pid == $k and .killed_comm == "oomer" and .killed_uid == 0
		and .trigger_pid == $t and .trigger_tid == $t and .trigger_comm == "oomer-alloc"
		and .pages >= $mp and (.loadavg | test("^[0-9.]+ [0-9.]+ [0-9.]+$")))' "$TMP/json.out" | wc -l)
expect_eq "$T: -j has the one exact kill ($ATTACH_PATH)" "$n" 1
lines=$(jq -c --argjson t "$TRIGGER" 'select(.trigger_pid == $t)' "$TMP/json.out")
expect_eq "$T: -j has every kill by the trigger the kernel counted, no other" \
	"$(printf '%s' "$lines" | grep -c .)" "${KILLS:-?}" "$lines"

no_leaks "$T: no BPF program or link is left behind"
