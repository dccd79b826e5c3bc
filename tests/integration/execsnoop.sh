#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# execsnoop against tests/triggers/execer: exact execs, PIDs, PPIDs, results
# and argv, on each path this kernel has. The checks every tool gets come
# from its row in tests/tools.table.
. "$(dirname "$0")/../lib.sh"
T=execsnoop

expect_exit "$T: --max-args 0 is a usage error" 64 "$BIN/$T" --max-args 0
expect_exit "$T: --max-args 61 is a usage error" 64 "$BIN/$T" --max-args 61
expect_exit "$T: --max-args 3x is a usage error" 64 "$BIN/$T" --max-args 3x

# The exec'd program: a copy of execer under a name nothing else uses.
TN=bkxtarget
TGT=$TMP/$TN
cp "$TRIG/execer" "$TGT"
ARGV=("$TGT" "hello world" "it's" 'say "hi"' $'esc\033x' "")
# ARGV as the ARGS column shows it (bk_escape_arg), and as a JSON array.
WANT_COL="$TGT \"hello world\" \"it's\" \"say \\\"hi\\\"\" esc\\x1bx \"\""
WANT_JSON=$(jq -cn '$ARGS.positional' --args "${ARGV[@]}")
# ARGS starts after PCOMM(16) PID(7) PPID(7) RET(3) and their spaces.
ACOL=38

# run_case NAME TOOL-ARGS... -- EXECER-ARGS...: trace one run of execer, SIGTERM.
run_case() {
	local name=$1 targs=() ; shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do targs+=("$1"); shift; done
	shift
	start_tool "$name" $T "${targs[@]}" || { fail "$T: $name: did not attach" "$(tail -3 "$TMP/$name.err")"; return 1; }
	"$TRIG/execer" "$@" >"$TMP/$name.trig"
	EPID=$(head -1 "$TMP/$name.trig")
	stop_tool TERM
	[ "$TOOL_RC" = 0 ] || fail "$T: $name: SIGTERM exit status" "$TOOL_RC"
}

# want NAME [enoent]: "pid ret comm" of every exec execer's children made.
want() {
	tail -n +2 "$TMP/$1.trig" | while read -r kind pid fd; do
		case $kind in
		execve|execveat) echo "$pid 0 $TN" ;;
		enoent) [ "${2:-}" = enoent ] && echo "$pid -2 execer" ;;
		esac
	done | sort
}

# got_cols NAME: "pid ret comm" of the lines whose PPID is execer and whose
# ARGS column is exactly WANT_COL. Before 6.13 a program run through execveat
# with AT_EMPTY_PATH is named after the fd; that name is taken as $TN.
got_cols() {
	A=$WANT_COL awk -v pp="$EPID" -v tn=$TN -v c=$ACOL \
		'$3 == pp && substr($0, c) == ENVIRON["A"] { if ($1 ~ /^[0-9]+$/) $1 = tn; print $2, $4, $1 }' \
		"$TMP/$1.out" | sort
}

AVAILABLE=
for path in tracepoint tp_btf; do
	# load.sh reports a path this kernel lacks.
	"$BIN/$T" --force-path=$path -d 0.1 >/dev/null 2>"$TMP/probe.err" ||
		! grep -q 'not available on this kernel' "$TMP/probe.err" || continue
	AVAILABLE="$AVAILABLE $path"
	run_case "cols-$path" --force-path=$path -- -n 3 "$TGT" "${ARGV[@]}"
	# tp_btf sees successful execs only.
	[ $path = tracepoint ] && e=enoent || e=
	ok=1
	w=$(want "cols-$path" $e); g=$(got_cols "cols-$path")
	[ "$(echo "$w" | wc -l)" = "$([ $path = tracepoint ] && echo 7 || echo 6)" ] || { ok=0; fail "$T: $path: trigger ran" "$(cat "$TMP/cols-$path.trig")"; }
	[ "$w" = "$g" ] || { ok=0; fail "$T: $path: exact execs" "want [$w] got [$g]: $(head -3 "$TMP/cols-$path.out")"; }
	n=$(awk -v pp="$EPID" '$3 == pp' "$TMP/cols-$path.out" | wc -l)
	[ "$n" = "$(echo "$w" | wc -l)" ] || { ok=0; fail "$T: $path: no other lines for execer's children" "$n lines"; }
	[ $ok = 1 ] && pass "$T: $path: 3 execve + 3 execveat$([ $path = tracepoint ] && echo ' + 1 ENOENT'): PIDs, PPID, RET, PCOMM, ARGS"
done

# JSON: exact argv arrays, checked with jq.
run_case json -j -- -n 3 "$TGT" "${ARGV[@]}"
if json_valid "$TMP/json.out"; then pass "$T: -j output is valid JSON"; else fail "$T: -j output is valid JSON" "$(head -2 "$TMP/json.out")"; fi
g=$(jq -r --argjson pp "$EPID" --argjson a "$WANT_JSON" --arg tn $TN \
	'select(.ppid == $pp and .args == $a and .args_truncated == false and .tid == .pid and .uid == 0)
	 | "\(.pid) \(.ret) \(if (.comm | test("^[0-9]+$")) then $tn else .comm end)"' "$TMP/json.out" | sort)
expect_eq "$T: -j has the 7 exact exec records (argv arrays, pid, tid, ppid, ret, comm)" "$g" "$(want json enoent)"

# -x: the failed exec only.
run_case failed -x -- -n 2 "$TGT" "${ARGV[@]}"
g=$(got_cols failed); n=$(awk 'NR > 1 && $4 == 0' "$TMP/failed.out" | wc -l)
expect_eq "$T: -x shows execer's one failed exec (RET -2) and no successful one" "$g/$n" "$(want failed enoent | grep ' -2 ')/0"

# --max-args 3 in JSON: three arguments and args_truncated.
run_case maxj -j --max-args 3 -- -n 1 "$TGT" "${ARGV[@]}"
g=$(jq -c --argjson pp "$EPID" 'select(.ppid == $pp) | [.ret, .args, .args_truncated]' "$TMP/maxj.out" | sort | uniq -c | sed 's/^ *//')
w=$(jq -cn '[0, $ARGS.positional[:3], true]' --args "${ARGV[@]}")
w2=$(jq -cn '[-2, $ARGS.positional[:3], true]' --args "${ARGV[@]}")
expect_eq "$T: --max-args 3 gives 3 arguments and args_truncated in JSON" "$g" "$(printf '1 %s\n2 %s' "$w2" "$w")"

# After an exec that worked, argv comes from the new program's stack: a
# 256-byte argument is whole, and argv is cut (and marked) only past 8 KB.
# After one that failed, it comes from the caller: each argument up to 255
# bytes, and the one that does not fit is the last, cut and marked.
Y255=$(printf 'y%.0s' $(seq 255)); Z256=$(printf 'z%.0s' $(seq 256))
run_case long -j -- -n 1 "$TGT" "$TGT" "$Y255" "$Z256" after
g=$(jq -c --argjson pp "$EPID" 'select(.ppid == $pp) | [.ret, (.args | map(length)), .args_truncated]' "$TMP/long.out" | sort | uniq -c | sed 's/^ *//' | tr '\n' ' ')
expect_eq "$T: a 256-byte argument is whole after an exec, cut (last, marked) after a failed one" "$g" \
	"1 [-2,[${#TGT},255,255],true] 2 [0,[${#TGT},255,256,5],false] "
run_case longc -- -n 1 "$TGT" "$TGT" "$Y255" "$Z256" after
expect_eq "$T: columns: the cut argument ends in '...'" \
	"$(awk -v pp="$EPID" '$3 == pp && $4 == -2 { print $NF }' "$TMP/longc.out")" "${Z256:0:255}..."
BIG=("$TGT"); for i in $(seq 1 40); do BIG+=("$(printf "%0250d" $i)"); done
run_case big -j --max-args 60 -- -n 1 "$TGT" "${BIG[@]}"
g=$(jq -c --argjson pp "$EPID" 'select(.ppid == $pp and .ret == 0) | [(.args | map(length) | add + length - 1), .args_truncated]' "$TMP/big.out" | sort -u)
expect_eq "$T: 10 KB of argv: the first 8 KB, marked as cut" "$g" "[8192,true]"

# argv in memory that is not paged in (execer -m): an exec that worked shows
# it whole, on every path; a failed one shows it, or says it was unreadable.
for path in tracepoint tp_btf; do
	case " $AVAILABLE " in *" $path "*) ;; *) continue ;; esac
	run_case "untouched-$path" -j --force-path=$path -- -m -n 1 "$TGT" "${ARGV[@]}"
	g=$(jq -r --argjson pp "$EPID" --argjson a "$WANT_JSON" \
		'select(.ppid == $pp) | "\(.ret) \(.args == $a or (.ret != 0 and .args_unreadable))"' "$TMP/untouched-$path.out" | sort | tr '\n' ' ')
	w="0 true 0 true "; [ $path = tracepoint ] && w="-2 true $w"
	expect_eq "$T: $path: argv not paged in: exact after an exec, never silently empty" "$g" "$w"
done

# -n with 25 arguments: the default of 20 is cut with '...', and only $TN is shown.
MANY=("$TGT"); for i in $(seq 1 24); do MANY+=("a$i"); done
run_case many -n $TN -- -n 2 "$TGT" "${MANY[@]}"
want_many="${MANY[*]:0:20} ..."
n=$(A=$want_many awk -v pp="$EPID" -v c=$ACOL '$3 == pp && substr($0, c) == ENVIRON["A"]' "$TMP/many.out" | wc -l)
m=$(awk 'NR > 1 && $1 != "'$TN'"' "$TMP/many.out" | wc -l)
f=$(grep -c ' -2 ' "$TMP/many.out")
# Before 6.13 the execveat children are named after their fd, so -n does not match them.
[ "$n" = 2 ] || [ "$n" = 4 ] && [ "$m" = 0 ] && [ "$f" = 0 ] && pass "$T: -n shows only $TN; 20 of 25 arguments, then '...'" ||
	fail "$T: -n shows only $TN; 20 of 25 arguments, then '...'" "n=$n m=$m f=$f: $(head -3 "$TMP/many.out")"

# -p: only execer's own exec, made by a second thread (which takes over the PID).
mkfifo "$TMP/fifo"
"$TRIG/execer" -w -s -t -n 2 "$TGT" "${ARGV[@]}" <"$TMP/fifo" >"$TMP/p.trig" &
wpid=$!
exec 7>"$TMP/fifo"
start_tool pid $T -j -p "$wpid"
echo go >&7; exec 7>&-
wait $wpid
stop_tool TERM
g=$(jq -c --argjson a "$WANT_JSON" '[.pid, .tid, .ret, .comm, .args == $a]' "$TMP/pid.out" | tr '\n' ' ')
expect_eq "$T: -p shows only that process's exec, also from a non-leader thread" "$g" "[$wpid,$wpid,0,\"$TN\",true] "

no_leaks "$T: no BPF program or link is left behind"
