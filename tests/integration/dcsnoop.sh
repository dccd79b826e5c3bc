#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# dcsnoop: on a kernel without fentry and kprobes, one sentence and exit 1;
# elsewhere, the dcache misses of directories tests/triggers/fileops makes
# under new names (mkdir looks the name up with d_lookup first), by name, on
# each attach path; with -a, the lookups of a path walk.
. "$(dirname "$0")/../lib.sh"
. tests/fslib.sh
T=dcsnoop


D=$TMP/d
mkdir -p "$D"
: >"$D/holder"
N=dc$$
OPS="mkdir:$D/$N-1 mkdir:$D/$N-2 mkdir:$D/$N-3 rmdir:$D/$N-1 rmdir:$D/$N-2 rmdir:$D/$N-3"
any=0
for path in fentry kprobe; do
	if ! "$BIN/$T" --force-path=$path -d 0.1 >/dev/null 2>"$TMP/probe.err"; then
		skip "$T: $path path" "$(cat "$TMP/probe.err")"
		matrix $T $path n/a
		continue
	fi
	any=1
	ok=0
	if traced "miss-$path" $T -j -p @PID@ --force-path=$path -- "$TRIG/fileops" -w "$D/holder" $OPS; then
		got=$(jq -s -c --argjson pid "$TRIG_PID" --arg n "$N" '
			map(select(.pid == $pid and .comm == "fileops" and .type == "miss" and
				(.name | startswith($n)))) | map(.name)' "$TMP/miss-$path.out")
		expect_eq "$T: $path: a miss for each new directory's name" "$got" "[\"$N-1\",\"$N-2\",\"$N-3\"]"
		[ "$got" = "[\"$N-1\",\"$N-2\",\"$N-3\"]" ] && ok=1
	fi
	matrix $T $path $([ $ok = 1 ] && echo pass || echo fail)
done
if [ $any = 0 ]; then
	expect_exit "$T: without fentry and kprobes, one sentence, exit 1" 1 "$BIN/$T"
	exit 0
fi
host_only

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
