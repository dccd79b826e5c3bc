#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#
# common.sh [TOOL...]: the checks every tool gets from its row in
# tests/tools.table (all rows without arguments), on this machine only: they
# do not depend on the kernel. tests/README.md lists them. The row's trigger
# is run through tests/triggers/gate, which puts it in a cgroup, under
# another user or command name; the row's count says how many of its events
# the tool showed.
. "$(dirname "$0")/../lib.sh"
. tests/generic.sh

# Checks that fail on main today because the defect is being fixed on
# another branch (issue 9): "TOOL:CHECK reason" (TOOL may be *). Such a
# check is a SKIP while it fails, and a FAIL once it passes, so the line is
# removed with the fix.
KNOWN_DEFECTS=(
	"*:pidmax -p above pid_max is accepted; being fixed on the core branch"
	"*:btf --btf '' is not a usage error; being fixed on the core branch"
	"*:cgroup --cgroup of a missing directory is not a usage error; being fixed on the core branch"
	"*:stdout-closed a closed stdout does not end the tool; being fixed on the core branch"
	"*:stdout-full a write error does not end the tool; being fixed on the core branch"
)

# report CHECK NAME OK WHY: one result line, turned around for a known defect.
report() {
	local id=$1 name=$2 ok=$3 why=$4 k known=
	for k in "${KNOWN_DEFECTS[@]}"; do
		# shellcheck disable=SC2053
		[[ "$G_TOOL:$id" == ${k%% *} ]] && known=${k#* }
	done
	if [ "$ok" = 1 ] && [ -n "$known" ]; then
		fail "$name" "passes now: remove '${k%% *}' from KNOWN_DEFECTS in tests/integration/common.sh"
	elif [ "$ok" = 1 ]; then
		pass "$name"
	elif [ -n "$known" ]; then
		skip "$name" "known defect ($known): $why"
	else
		fail "$name" "$why"
	fi
}

# usage CHECK NAME ARG...: the tool with ARGs exits 64 with one line on stderr.
usage() {
	local id=$1 name=$2 rc=0 n
	shift 2
	# A value the tool wrongly accepts would start tracing: 3 s at most.
	(timeout -k 5 3 "$BIN/$G_TOOL" "$@" >"$TMP/usage.out" 2>"$TMP/usage.err" </dev/null; exit $?) 2>/dev/null || rc=$?
	n=$(grep -c . "$TMP/usage.err")
	if [ "$rc" = 64 ] && [ "$n" = 1 ]; then
		report "$id" "$G_TOOL: usage: $name: exit 64, one line" 1 ""
	else
		report "$id" "$G_TOOL: usage: $name: exit 64, one line" 0 \
			"exit status $rc, $n lines: $(head -c 300 "$TMP/usage.err" | tr '\n' '|')"
	fi
}

# The shared letters and their long names (STYLE.md).
declare -A LONG=([p]=pid [t]=tid [u]=uid [n]=name [x]=failed [T]=timestamp [U]=print-uid
	[d]=duration [m]=milliseconds [P]=per-process [L]=per-thread [j]=json)

check_usage() {
	local t=$G_TOOL pidmax
	# Values the row's args may use ($pid, $PORT): valid ones.
	I_PID[a]=$$ I_RUN[a]=$WDIR I_PORT[a]=$(free_port)
	tool_args
	local args=("${TARGS[@]}")
	tool_args -p
	local pargs=("${TARGS[@]}")
	usage opt "an unknown option" "${args[@]}" --no-such-option
	[ "$G_varargs" = 1 ] || usage stray "stray arguments" "${args[@]}" bk-stray-1 bk-stray-2 bk-stray-3
	usage btf "--btf ''" "${args[@]}" --btf ''
	if tab_has "$t" p; then
		usage p "-p 12abc" "${pargs[@]}" -p 12abc
		pidmax=$(cat /proc/sys/kernel/pid_max)
		usage pidmax "-p above pid_max ($((pidmax + 1)))" "${pargs[@]}" -p $((pidmax + 1))
	fi
	tab_has "$t" t && usage t "-t 12abc" "${args[@]}" -t 12abc
	tab_has "$t" u && usage u "-u of an unknown user" "${args[@]}" -u no-such-user-bpfkit
	tab_has "$t" n && usage n "-n of 16 characters" "${args[@]}" -n abcdefghijklmnop
	tab_has "$t" d && usage d "-d 0" "${args[@]}" -d 0
	tab_has "$t" cgroup && usage cgroup "--cgroup /nonexistent" "${args[@]}" --cgroup /nonexistent/bpfkit
	if [ -n "$G_paths" ]; then
		usage force-path "an unknown --force-path" "${args[@]}" --force-path=no-such-path
		local listed
		listed=$(sed -n 's/.*this tool has //p' "$TMP/usage.err" | tr -d ',')
		report paths "$t: --force-path lists the table's paths" \
			"$([ "$listed" = "$G_paths" ] && echo 1 || echo 0)" "it lists '$listed', the table '$G_paths'"
	fi
}

check_help() {
	local t=$G_TOOL rc=0 l long have=() bad= got want
	"$BIN/$t" --help >"$TMP/help.out" 2>&1 || rc=$?
	report help "$t: --help exits 0" "$([ $rc = 0 ] && [ -s "$TMP/help.out" ] && echo 1 || echo 0)" "exit status $rc"
	rc=0
	"$BIN/$t" --version >"$TMP/version.out" 2>&1 || rc=$?
	got=$(cat "$TMP/version.out")
	report version "$t: --version exits 0 and names the tool" \
		"$([ $rc = 0 ] && [[ $got == "$t (bpfkit) "* ]] && echo 1 || echo 0)" "exit status $rc: $got"
	man_options_match "$t: man page options match --help, short and long" "$t"
	# Each shared letter --help shows, with its long name: the table's letters.
	for l in "${!LONG[@]}"; do
		long=$(grep -oE -- "^ +-$l, --[a-z-]+" "$TMP/help.out" | sed 's/.*--//')
		[ -z "$long" ] && continue
		if [ "$long" != "${LONG[$l]}" ]; then
			bad="$bad -$l means --$long here, --${LONG[$l]} in STYLE.md;"
			continue
		fi
		have+=("$l")
	done
	grep -qE -- '^ +--cgroup=' "$TMP/help.out" && have+=(cgroup)
	got=$(printf '%s\n' "${have[@]}" | sort | tr '\n' ' ')
	want=$(printf '%s\n' $G_letters | sort | tr '\n' ' ')
	[ "$got" = "$want" ] || bad="$bad --help has the shared letters '$got', the table '$want';"
	if grep -qE -- '^ +--force-path=' "$TMP/help.out"; then
		[ -n "$G_paths" ] || bad="$bad --help has --force-path, the table no paths;"
	else
		[ -z "$G_paths" ] || bad="$bad the table has paths, --help no --force-path;"
	fi
	report letters "$t: the table's letters and paths match --help" "$([ -z "$bad" ] && echo 1 || echo 0)" "$bad"
}

# expect_run CHECK NAME WANT [ALIVE]: judges the last gen_run: it saw WANT
# (the row's want, or NOTHING), exited 0, and was running when signalled
# when ALIVE is 1.
expect_run() {
	local id=$1 name=$2 want=$3 alive=${4:-0} why=
	if [ "$RUN_OK" != 1 ]; then
		why=$RUN_WHY
	elif [ "$GOT" != "$want" ]; then
		why="the count gave '$GOT', want '$want' (output: $(head -c 300 "$TMP/$id.out" | tr '\n' '|'))"
	elif [ "$TOOL_RC" != 0 ]; then
		why="exit status $TOOL_RC: $(grep -v 'attached via' "$TMP/$id.err" | head -c 300 | tr '\n' '|')"
	elif [ "$alive" = 1 ] && [ "$TOOL_ALIVE" != 1 ]; then
		why="it had ended before the signal"
	fi
	report "$id" "$G_TOOL: $name" "$([ -z "$why" ] && echo 1 || echo 0)" "$why"
}

# The filter letters the row has (p t u n cgroup) in FILTERS; CG, two
# cgroup v2 directories $CG-a and $CG-b, when the row has --cgroup.
filter_setup() {
	local l root
	FILTERS=() CG=
	for l in p t u n cgroup; do
		tab_has "$G_TOOL" $l || continue
		if [ $l = cgroup ]; then
			root=$(cgroup2_root)
			CG=$root/bpfkit-$UNIQ-$$
			if [ -z "$root" ] || ! mkdir "$CG-a" "$CG-b" 2>"$TMP/cg.err"; then
				skip "$G_TOOL: --cgroup" "no cgroup v2 directory could be made: $(head -1 "$TMP/cg.err")"
				CG=
				continue
			fi
		fi
		FILTERS+=($l)
	done
}

# start_matching [LETTER...]: trigger run "a" set up so that the letters'
# filters can name it: in thread mode (t), under another name (n), as user
# 65534 (u), in $CG-a (cgroup). Sets MATCH_OPTS, the tool's options naming it.
start_matching() {
	local l gate=() thread= rename=
	for l; do
		case $l in
		t) thread=1 ;;
		n) rename=bkother$UNIQ ;;
		u) gate+=(-u 65534) ;;
		cgroup) gate+=(-c "$CG-a") ;;
		esac
	done
	THREAD=$thread RENAME=$rename trig_start a "${gate[@]}" || return 1
	MATCH_OPTS=()
	for l; do
		case $l in
		p) MATCH_OPTS+=(-p "${I_PID[a]}") ;;
		t) MATCH_OPTS+=(-t "${I_TID[a]}") ;;
		n) MATCH_OPTS+=(-n "$rename") ;;
		u) MATCH_OPTS+=(-u 65534) ;;
		cgroup) MATCH_OPTS+=(--cgroup "$CG-a") ;;
		esac
	done
}

# check_matching: one run with every filter naming the trigger, and -d 1
# when the row has -d (the tool must then end by itself, not earlier), else
# ended by SIGINT. When it fails, a run per letter says which one.
check_matching() {
	local t=$G_TOOL l start el why= dopt=() stop=INT name
	[ ${#FILTERS[@]} -gt 0 ] || tab_has "$t" d || return 0
	if tab_has "$t" d; then dopt=(-d 1); stop=self; fi
	name="${FILTERS[*]/#/-}"
	name=${name//-cgroup/--cgroup}${dopt[*]:+ ${dopt[*]}}
	start=$(date +%s%N)
	start_matching "${FILTERS[@]}" && gen_run match $stop "${dopt[@]}" "${MATCH_OPTS[@]}"
	el=$((($(date +%s%N) - start) / 1000000))
	if [ "$stop" = self ] && [ "$RUN_OK" = 1 ]; then
		if [ "$TOOL_ALIVE" = 1 ]; then why="-d 1: still running after ${el} ms"
		elif [ "$el" -lt 1000 ]; then why="-d 1: ended after ${el} ms"
		fi
	fi
	if [ -n "$why" ]; then
		report match "$t: ${name# } naming the trigger: sees it exactly, ends with 0" 0 "$why"
	else
		expect_run match "${name# } naming the trigger: sees it exactly, ends with 0" "$G_want" \
			"$([ $stop = INT ] && echo 1 || echo 0)"
	fi
	if [ "$RUN_OK" != 1 ] || [ "$GOT" != "$G_want" ]; then
		for l in "${FILTERS[@]}"; do
			start_matching $l && gen_run "match-$l" TERM "${MATCH_OPTS[@]}"
			expect_run "match-$l" "(diagnosis) ${l/#cgroup/-cgroup} alone, naming the trigger, sees it exactly" "$G_want"
		done
	fi
}

# check_other LETTER SIGNAL: the filter LETTER naming something else than the
# trigger: the tool sees nothing of it, and ends with 0 on SIGNAL.
check_other() {
	local l=$1 sig=$2 orig
	case $l in
	p)
		trig_start a && trig_start d && gen_run p-other "$sig" -p "${I_PID[d]}"
		expect_run p-other "-p of another process running the trigger sees nothing of it" "$NOTHING" 1
		trig_kill d
		;;
	t)
		if [ "$G_thread" = main ]; then
			THREAD=1 trig_start a && trig_start d && gen_run t-other "$sig" -t "${I_PID[d]}"
			expect_run t-other "-t of another process's thread sees nothing of the trigger" "$NOTHING" 1
			trig_kill d
		else
			THREAD=1 trig_start a && gen_run t-other "$sig" -t "${I_PID[a]}"
			expect_run t-other "-t of the trigger's main thread sees nothing of its working thread" "$NOTHING" 1
		fi
		;;
	u)
		trig_start a -u 65534 && gen_run u-other "$sig" -u 0
		expect_run u-other "-u 0 sees nothing of the trigger run as user 65534" "$NOTHING" 1
		;;
	n)
		eval "orig=( $G_trigger )"
		orig=${orig[0]##*/}
		RENAME=bkother$UNIQ trig_start a && gen_run n-other "$sig" -n "${orig:0:15}"
		expect_run n-other "-n of the trigger's own name sees nothing of it under another name" "$NOTHING" 1
		;;
	cgroup)
		trig_start a -c "$CG-a" && gen_run cgroup-other "$sig" --cgroup "$CG-b"
		expect_run cgroup-other "--cgroup of a sibling cgroup sees nothing of the trigger" "$NOTHING" 1
		;;
	esac
}

# out_args: the row's args for a run in columns, with an interval for tools
# that print one every interval (so they write while the trigger runs).
out_args() {
	tool_args
	OARGS=("${TARGS[@]}")
	[ "$G_kind" = interval ] && OARGS+=(0.2)
}

# A closed stdout (tool | head -1) ends the tool within seconds, exit 0.
check_closed_stdout() {
	local t=$G_TOOL i pid rc=0 why= n
	trig_start a
	out_args
	trig_kill a
	rm -f "$TMP/pipe"
	mkfifo "$TMP/pipe"
	head -1 <"$TMP/pipe" >/dev/null &
	"$BIN/$t" -v "${OARGS[@]}" >"$TMP/pipe" 2>"$TMP/closed.err" </dev/null &
	pid=$!
	for i in $(seq 1 600); do
		grep -q 'attached via' "$TMP/closed.err" && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	record_ids "$pid"
	# Events to write, until the tool notices (three trigger runs, each
	# followed by 2 s for the tool to end).
	for n in 1 2 3; do
		kill -0 "$pid" 2>/dev/null || break
		trig_start a && trig_go a
		[ "$G_kind" = summary ] && kill -TERM "$pid" 2>/dev/null
		for i in $(seq 1 40); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.05
		done
	done
	if kill -0 "$pid" 2>/dev/null; then
		why="still running after three trigger runs and 2 s each with nowhere to write"
		kill -9 "$pid"
	fi
	wait "$pid" 2>/dev/null || rc=$?
	[ -z "$why" ] && [ "$rc" != 0 ] && why="exit status $rc: $(grep -v 'attached via' "$TMP/closed.err" | head -2)"
	report stdout-closed "$t: a closed stdout (| head -1) ends it with exit 0" \
		"$([ -z "$why" ] && echo 1 || echo 0)" "$why"
}

# A full disk (> /dev/full) ends it with exit 1 and one sentence.
check_full_stdout() {
	local t=$G_TOOL i pid rc=0 why= n
	trig_start a
	out_args
	"$BIN/$t" -v "${OARGS[@]}" >/dev/full 2>"$TMP/full.err" </dev/null &
	pid=$!
	for i in $(seq 1 600); do
		grep -q 'attached via' "$TMP/full.err" && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	record_ids "$pid"
	trig_go a
	for i in $(seq 1 60); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	# A tool that writes only at its end is told to end now.
	kill -TERM "$pid" 2>/dev/null
	for i in $(seq 1 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	kill -0 "$pid" 2>/dev/null && { why="still running after SIGTERM"; kill -9 "$pid"; }
	wait "$pid" 2>/dev/null || rc=$?
	n=$(sed '1,/attached via/d' "$TMP/full.err" | grep -c .)
	if [ -z "$why" ] && { [ "$rc" != 1 ] || [ "$n" != 1 ]; }; then
		why="exit status $rc, $n lines after the attach line: $(sed '1,/attached via/d' "$TMP/full.err" | head -3 | tr '\n' '|')"
	fi
	report stdout-full "$t: a full disk (> /dev/full) ends it with exit 1 and one sentence" \
		"$([ -z "$why" ] && echo 1 || echo 0)" "$why"
}

check_tool() {
	local t=$1 l sig=INT
	gen_setup "$t" || return
	check_usage
	check_help
	# (load.sh has run the trigger without filters on each path, ended
	# with SIGTERM.)
	filter_setup
	check_matching
	# Each filter naming something else; the first of these runs ends with SIGINT.
	for l in "${FILTERS[@]}"; do
		check_other $l $sig
		sig=TERM
	done
	if [ $sig = INT ]; then
		trig_start a && gen_run int INT
		expect_run int "sees its trigger exactly and exits 0 on SIGINT" "$G_want" 1
	fi
	[ -n "$CG" ] && rmdir "$CG-a" "$CG-b" 2>/dev/null
	check_closed_stdout
	check_full_stdout
	no_leaks "$t: no BPF program or link is left behind (ids from /proc/PID/fdinfo)"
	OWN_IDS=
}

table_read
for e in "${TAB_ERRORS[@]}"; do fail "table" "$e"; done
[ $# -gt 0 ] || set -- "${TAB_TOOLS[@]}"
for t in "$@"; do
	check_tool "$t"
done
