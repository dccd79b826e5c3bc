#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#
# Test trigger for oomkill: exactly one OOM kill. Makes a 32 MiB memory
# cgroup without swap (cgroup v2 where its memory controller is, enabled in
# the root's subtree_control if it was not; else cgroup v1), runs
# tests/triggers/oomer in it (victim and trigger, see oomer.c), waits for
# what is left of it, removes the cgroup. Prints oomer's "victim PID" and
# "trigger PID" lines, then "kills N", the kills the cgroup counted.
#
#   TRIG=DIR oom.sh [HOLD_MIB]
#   oom.sh --check          exit 0 if a memory cgroup can be made here, else 2
#
# TRIG is where the built triggers are (build/tests/triggers by default).
TRIG=${TRIG:-build/tests/triggers}
HOLD=${1:-24}	# MiB the victim holds; the trigger allocates 24 more
name=bpfkit-oom-$$
cg= enabled=

v2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
v1=$(awk '$3 == "cgroup" && $4 ~ /(^|,)memory(,|$)/ { print $2; exit }' /proc/mounts)
if [ "${1:-}" = --check ]; then
	[ -n "$v1" ] || grep -qw memory "$v2/cgroup.controllers" 2>/dev/null || exit 2
	exit 0
fi
if [ -n "$v2" ] && grep -qw memory "$v2/cgroup.controllers" 2>/dev/null; then
	if ! grep -qw memory "$v2/cgroup.subtree_control"; then
		echo +memory >"$v2/cgroup.subtree_control" || exit 2
		enabled=$v2
	fi
	cg=$v2/$name
	mkdir "$cg" && echo 32M >"$cg/memory.max" || exit 2
	[ ! -e "$cg/memory.swap.max" ] || echo 0 >"$cg/memory.swap.max"
elif [ -n "$v1" ]; then
	cg=$v1/$name
	mkdir "$cg" && echo 32M >"$cg/memory.limit_in_bytes" || exit 2
	[ ! -e "$cg/memory.memsw.limit_in_bytes" ] || echo 32M >"$cg/memory.memsw.limit_in_bytes"
else
	echo "oom.sh: no memory cgroup controller here" >&2
	exit 2
fi

# The subshell keeps bash's "Killed" notice out of the output.
( bash -c 'echo $$ >"$1/cgroup.procs" && exec "$2" -H "$3"' oom "$cg" "$TRIG/oomer" "$HOLD" \
	>"/tmp/$name.out" 2>&1; true ) 2>/dev/null
for _ in $(seq 1 200); do
	[ -z "$(cat "$cg/cgroup.procs")" ] && break
	sleep 0.1
done
cat "/tmp/$name.out"
rm -f "/tmp/$name.out"
# The kernel's own count of kills in the cgroup: one, normally; a kernel may
# kill the trigger too while it has not uncharged the victim's pages yet.
if [ -e "$cg/memory.events" ]; then
	awk '$1 == "oom_kill" { print "kills", $2 }' "$cg/memory.events"
else
	awk '$1 == "oom_kill" { print "kills", $2 }' "$cg/memory.oom_control"
fi
rmdir "$cg"
[ -n "$enabled" ] && echo -memory >"$enabled/cgroup.subtree_control" 2>/dev/null
exit 0
