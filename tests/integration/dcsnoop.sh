#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# dcsnoop: on a kernel without fentry and kprobes, one sentence and exit 1;
# elsewhere, the columns of the dcache misses of directories
# tests/triggers/fileops makes under new names (mkdir looks the name up with
# d_lookup first), and with -a, the lookups of a path walk. (The table row
# runs the misses on each attach path, in the VMs.) Its filters (-p -t -u
# -n --cgroup), each both ways, on one run of the row's trigger (common.sh's
# filter checks need the tool loaded: not on the host). All of it depends on
# the kernel: host_only is at the end.
. "$(dirname "$0")/../lib.sh"
. tests/fslib.sh
. tests/generic.sh
T=dcsnoop

if ! "$BIN/$T" -d 0.1 >/dev/null 2>"$TMP/probe.err"; then
	expect_exit "$T: without fentry and kprobes, one sentence, exit 1" 1 "$BIN/$T"
	kernel_unsupported $T "$TMP/exit.err" 1 && grep -q 'has no hook this tool can use' "$TMP/exit.err" ||
		fail "$T: the sentence says the kernel has no hook for it" "$(cat "$TMP/exit.err")"
	exit 0
fi
D=$TMP/d
mkdir -p "$D"
: >"$D/holder"
N=dc$$
OPS="mkdir:$D/$N-1 mkdir:$D/$N-2 mkdir:$D/$N-3 rmdir:$D/$N-1 rmdir:$D/$N-2 rmdir:$D/$N-3"

# Columns, and -a: the walk of a path to an existing file looks its name up.
if traced cols $T -p @PID@ -- "$TRIG/fileops" -w "$D/holder" $OPS; then
	got=$(awk -v pid="$TRIG_PID" '$1 == pid && $2 == "fileops" && $3 == "M" && index($4, "'$N'") == 1 { print $4 }' "$TMP/cols.out" | tr '\n' ' ')
	expect_eq "$T: columns: T and NAME of the misses" "$got" "$N-1 $N-2 $N-3 "
fi
if "$BIN/$T" -a -d 0.1 >/dev/null 2>"$TMP/all.err"; then
	if traced all $T -a -j -p @PID@ -- "$TRIG/fileops" -w "$D/holder" "stat:$D/holder"; then
		n=$(jq -s --argjson pid "$TRIG_PID" 'map(select(.pid == $pid and .type == "lookup" and .name == "holder")) | length' "$TMP/all.out")
		[ "$n" -ge 1 ] && pass "$T: -a: the lookup of the file's name" || fail "$T: -a: the lookup of the file's name" "$n"
	fi
else
	skip "$T: -a" "$(cat "$TMP/all.err")"
fi
table_read
gen_filters_once $T
host_only
