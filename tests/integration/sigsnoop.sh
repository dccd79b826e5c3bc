#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# sigsnoop and killsnoop against tests/triggers/signaler: 5 SIGUSR1 to child
# a, an ignored SIGUSR2 to a, a SIGKILL to child b, a kill() of no process,
# a tgkill() and a tkill() of SIGUSR1 to a; each signal and each call
# exactly, with sender, target and result, in columns and JSON. The row in
# tests/tools.table checks sigsnoop's filters; this file killsnoop's too.
. "$(dirname "$0")/../lib.sh"
. tests/fslib.sh
T=sigsnoop
K=killsnoop

# a_b NAME: "A B", the children's PIDs the trigger printed.
a_b() { sed -n 's/^a \([0-9]*\) b \([0-9]*\)$/\1 \2/p' "$TMP/$1.trig"; }

# killsnoop's own programs (the syscall tracepoints) on this kernel: one run.
if traced kjson $K -j -p @PID@ -- "$TRIG/signaler" -w; then
	read -r A B <<<"$(a_b kjson)"
	got=$(jq -r --argjson pid "$TRIG_PID" --argjson a "$A" --argjson b "$B" '
		select(.pid == $pid and .tid == $pid and .comm == "signaler") |
		"\(.call) \(.signal) \(if .target_pid == $a then "a" elif .target_pid == $b then "b" else .target_pid end)" +
		" \(if .target_tid == $a then "a" else .target_tid end) \(.ret) \(.error)"' "$TMP/kjson.out" | tr '\n' ',')
	want='kill SIGUSR1 a null 0 null,kill SIGUSR1 a null 0 null,kill SIGUSR1 a null 0 null,kill SIGUSR1 a null 0 null,kill SIGUSR1 a null 0 null,'
	want+='kill SIGUSR2 a null 0 null,kill SIGKILL b null 0 null,kill SIGUSR1 2147483647 null -3 ESRCH,'
	want+='tgkill SIGUSR1 a a 0 null,tkill SIGUSR1 null a 0 null,'
	expect_eq "$K: -j: the ten calls in order, with targets and results" "$got" "$want"
fi
host_only

expect_exit "$T: -s of an unknown name is a usage error" 64 "$BIN/$T" -s SIGFOO
expect_exit "$T: -s 65 is a usage error" 64 "$BIN/$T" -s 65
expect_exit "$T: -s 0 is a usage error" 64 "$BIN/$T" -s 0
expect_exit "$T: --kill takes no value" 64 "$BIN/$T" --kill=1
expect_exit "$K: a stray argument is a usage error" 64 "$BIN/$K" 12

# sigsnoop, columns: one line per signal the trigger sent, exact fields.
if traced cols $T -p @PID@ -- "$TRIG/signaler" -w; then
	read -r A B <<<"$(a_b cols)"
	head -1 "$TMP/cols.out" | grep -q '^PID  *COMM  *SIG  *TPID  *TCOMM  *RESULT$' &&
		pass "$T: header" || fail "$T: header" "$(head -1 "$TMP/cols.out")"
	got=$(awk -v p="$TRIG_PID" -v a="$A" -v b="$B" '$1 == p && $3 != "SIGCHLD" {
		t = $4 == a ? "a" : $4 == b ? "b" : $4; print $2, $3, t, $5, $6, NF }' "$TMP/cols.out" | tr '\n' ',')
	want=$(printf 'signaler SIGUSR1 a signaler delivered 6,%.0s' 1 2 3 4 5)
	want+='signaler SIGUSR2 a signaler ignored 6,signaler SIGKILL b signaler delivered 6,'
	want+='signaler SIGUSR1 a signaler delivered 6,signaler SIGUSR1 a signaler delivered 6,'
	expect_eq "$T: columns: the nine signals in order (the ESRCH kill makes none)" "$got" "$want"
fi

# killsnoop, columns, with -T -U.
if traced kcols $K -T -U -p @PID@ -- "$TRIG/signaler" -w; then
	read -r A B <<<"$(a_b kcols)"
	head -1 "$TMP/kcols.out" | grep -q '^TIME  *UID  *PID  *COMM  *CALL  *SIG  *TARGET  *RESULT$' &&
		pass "$K: header with -T -U" || fail "$K: header with -T -U" "$(head -1 "$TMP/kcols.out")"
	got=$(awk -v p="$TRIG_PID" '$3 == p && $1 ~ /^[0-9][0-9]:[0-9][0-9]:[0-9][0-9]$/ && $2 == 0 {
		$1 = $2 = $3 = ""; print }' "$TMP/kcols.out" | sed "s/^ *//; s/\b$A\b/a/g; s/\b$B\b/b/g" | tr '\n' ',')
	want=$(printf 'signaler kill SIGUSR1 a 0,%.0s' 1 2 3 4 5)
	want+='signaler kill SIGUSR2 a 0,signaler kill SIGKILL b 0,signaler kill SIGUSR1 2147483647 ESRCH,'
	want+='signaler tgkill SIGUSR1 a/a 0,signaler tkill SIGUSR1 tid a 0,'
	expect_eq "$K: columns: the ten calls, with time, uid, target and result" "$got" "$want"
fi

# -x: sigsnoop keeps the ignored SIGUSR2, killsnoop the ESRCH kill.
if traced failed $T -j -x -p @PID@ -- "$TRIG/signaler" -w; then
	got=$(jq -r --argjson pid "$TRIG_PID" 'select(.pid == $pid) | "\(.signal) \(.result)"' "$TMP/failed.out" | tr '\n' ,)
	expect_eq "$T: -x: only the signal that was not delivered" "$got" "SIGUSR2 ignored,"
fi
if traced kfailed $K -j -x -p @PID@ -- "$TRIG/signaler" -w; then
	got=$(jq -r --argjson pid "$TRIG_PID" 'select(.pid == $pid) | "\(.call) \(.signal) \(.error)"' "$TMP/kfailed.out" | tr '\n' ,)
	expect_eq "$K: -x: only the failed call" "$got" "kill SIGUSR1 ESRCH,"
fi

# -s: by name and by number, in both modes; --kill is killsnoop.
if traced sig $T -j -s kill -p @PID@ -- "$TRIG/signaler" -w; then
	got=$(jq -r 'select(.pid > 0) | "\(.sig) \(.result)"' "$TMP/sig.out" | tr '\n' ,)
	expect_eq "$T: -s kill: only the SIGKILL" "$got" "9 delivered,"
fi
if traced ksig $T --kill -j -s 12 -p @PID@ -- "$TRIG/signaler" -w; then
	got=$(jq -r 'select(.pid > 0) | "\(.call) \(.signal) \(.ret)"' "$TMP/ksig.out" | tr '\n' ,)
	expect_eq "$T: --kill -s 12: only the kill() of SIGUSR2" "$got" "kill SIGUSR2 0,"
fi

no_leaks "$T: no BPF program or link is left behind"
