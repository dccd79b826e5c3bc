#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# oomkill against tests/triggers/oomer in a 32 MiB memory cgroup: exactly one
# kill, with the exact victim and trigger.
. "$(dirname "$0")/../lib.sh"
T=oomkill
HOLD=24		# MiB the victim holds; the trigger allocates 24 more
CG_NAME=bpfkit-oom-test

expect_exit "$T: a stray argument is a usage error" 64 "$BIN/$T" extra
expect_exit "$T: -p is not an option of $T" 64 "$BIN/$T" -p 1
expect_exit "$T: -d 0 is a usage error" 64 "$BIN/$T" -d 0
expect_exit "$T: -d 1x is a usage error" 64 "$BIN/$T" -d 1x
expect_exit "$T: an unknown --force-path is a usage error" 64 "$BIN/$T" --force-path=nope
expect_exit "$T: --help exits 0" 0 "$BIN/$T" --help
man_options_match "$T: man page options match --help" $T

# Programs of this tool, by name (others may load theirs meanwhile).
OWN='^handle_(mark_victim|oom_kill)'

# A 32 MiB memory cgroup without swap: cgroup v2 where its memory controller
# is (enabled in the root's subtree_control if it was not), else cgroup v1.
CG=
CG_ENABLED=
setup_cgroup() {
	local v2 v1
	v2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
	v1=$(awk '$3 == "cgroup" && $4 ~ /(^|,)memory(,|$)/ { print $2; exit }' /proc/mounts)
	if [ -n "$v2" ] && grep -qw memory "$v2/cgroup.controllers" 2>/dev/null; then
		if ! grep -qw memory "$v2/cgroup.subtree_control"; then
			echo +memory >"$v2/cgroup.subtree_control" || return 1
			CG_ENABLED=$v2
		fi
		CG=$v2/$CG_NAME
		mkdir -p "$CG" && echo 32M >"$CG/memory.max" || return 1
		[ ! -e "$CG/memory.swap.max" ] || echo 0 >"$CG/memory.swap.max"
	elif [ -n "$v1" ]; then
		CG=$v1/$CG_NAME
		mkdir -p "$CG" && echo 32M >"$CG/memory.limit_in_bytes" || return 1
		[ ! -e "$CG/memory.memsw.limit_in_bytes" ] || echo 32M >"$CG/memory.memsw.limit_in_bytes"
	else
		return 1
	fi
}
cleanup_cgroup() {
	[ -n "$CG" ] && rmdir "$CG" 2>/dev/null
	[ -n "$CG_ENABLED" ] && echo -memory >"$CG_ENABLED/cgroup.subtree_control"
}
trap 'cleanup_cgroup; rm -rf "$TMP"; [ -n "${TOOL_PID:-}" ] && kill -9 "$TOOL_PID" 2>/dev/null' EXIT

# oom NAME: runs oomer inside the cgroup and waits for what is left of it to
# exit; sets VICTIM and TRIGGER.
oom() {
	# The subshell keeps bash's "Killed" notice out of the test's output.
	( bash -c 'echo $$ >"$1/cgroup.procs" && exec "$2" -H "$3"' oom "$CG" "$TRIG/oomer" $HOLD \
		>"$TMP/$1.oomer" 2>&1; true ) 2>/dev/null
	for i in $(seq 1 200); do
		[ -z "$(cat "$CG/cgroup.procs")" ] && break
		sleep 0.1
	done
	VICTIM=$(awk '$1 == "victim" { print $2 }' "$TMP/$1.oomer")
	TRIGGER=$(awk '$1 == "trigger" { print $2 }' "$TMP/$1.oomer")
}

if ! setup_cgroup; then
	skip "$T: OOM kills" "no memory cgroup could be made here"
	for path in tracepoint fentry kprobe; do matrix $T $path n/a; done
	exit 0
fi
# Before Linux 6.8 the tracepoint names the victim by PID only.
full_tp=0
grep -q ' comm;' /sys/kernel/tracing/events/oom/mark_victim/format 2>/dev/null && full_tp=1

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
	start_tool "cols-$path" $T --force-path=$path || { fail "$T: $path: did not attach" "$(tail -3 "$TMP/cols-$path.err")"; matrix $T $path fail; continue; }
	oom "cols-$path"
	stop_tool TERM
	[ "$TOOL_RC" = 0 ] || { ok=0; fail "$T: $path: SIGTERM exit status" "$TOOL_RC"; }
	out=$TMP/cols-$path.out
	kcomm=oomer; minpages=$((HOLD * 256))
	[ $path = tracepoint ] && [ $full_tp = 0 ] && { kcomm='?'; minpages=0; }
	n=$(awk -v k="$VICTIM" -v t="$TRIGGER" -v kc="$kcomm" -v mp=$minpages \
		'$2 == k && $3 == kc && $4 == t && $5 == "oomer-alloc" && ($6 == "-" ? mp == 0 : $6 + 0 >= mp) && $7 ~ /^[0-9]+\.[0-9][0-9]$/' "$out" | wc -l)
	[ "$n" = 1 ] || { ok=0; fail "$T: $path: one kill of $VICTIM triggered by $TRIGGER" "got $n: $(cat "$out" "$TMP/cols-$path.oomer")"; }
	# Under emulation (the VM) the kernel can be slow to free the victim's
	# memory, and the trigger, the only task left, may be killed after it.
	n=$(awk -v k="$VICTIM" -v t="$TRIGGER" -v vm="$IN_VM" \
		'NR > 1 && ($2 == k || $2 == t || $4 == t) && !(vm == 1 && $2 == t)' "$out" | wc -l)
	[ "$n" = 1 ] || { ok=0; fail "$T: $path: no other kill of the trigger's processes" "got $n lines"; }
	[ $ok = 1 ] && pass "$T: $path: the exact victim, trigger and pages"
	matrix $T $path $([ $ok = 1 ] && echo pass || echo fail)
done

# JSON, on the preferred path, checked with jq.
start_tool json $T -j
oom json
stop_tool TERM
if json_valid "$TMP/json.out"; then pass "$T: -j output is valid JSON"; else fail "$T: -j output is valid JSON" "$(head -2 "$TMP/json.out")"; fi
n=$(jq -c --argjson k "$VICTIM" --argjson t "$TRIGGER" --argjson mp $((HOLD * 256)) \
	'select(.killed_pid == $k and .killed_comm == "oomer" and .killed_uid == 0
		and .trigger_pid == $t and .trigger_tid == $t and .trigger_comm == "oomer-alloc"
		and .pages >= $mp and (.loadavg | test("^[0-9.]+ [0-9.]+ [0-9.]+$")))' "$TMP/json.out" | wc -l)
expect_eq "$T: -j has the one exact kill ($ATTACH_PATH)" "$n" 1
n=$(jq -c --argjson t "$TRIGGER" --argjson vm "$IN_VM" \
	'select(.trigger_pid == $t and ($vm == 0 or .killed_pid != $t))' "$TMP/json.out" | wc -l)
expect_eq "$T: -j has no other kill by the trigger" "$n" 1

# SIGINT also ends cleanly; -d ends by itself.
start_tool int $T
stop_tool INT
expect_eq "$T: SIGINT exits 0" "$TOOL_RC" 0
start=$(date +%s%N)
"$BIN/$T" -d 1 >/dev/null 2>&1; rc=$?
el=$(( ($(date +%s%N) - start) / 1000000 ))
if [ $rc = 0 ] && [ $el -ge 1000 ] && [ $el -lt 5000 ]; then pass "$T: -d 1 ends after a second with 0"
else fail "$T: -d 1 ends after a second with 0" "rc=$rc after ${el}ms"; fi

no_leaks_named "$T: no BPF program or link is left behind" "$OWN" "$before"
