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
	local t=$G_TOOL pidmax=$(cat /proc/sys/kernel/pid_max)
	# Values the row's args may use ($pid, $PORT): valid ones.
	I_PID[a]=$$ I_RUN[a]=$WDIR I_PORT[a]=$(free_port)
	tool_args
	local args=("${TARGS[@]}")
	tool_args -p
	local pargs=("${TARGS[@]}")
	usage opt "an unknown option" "${args[@]}" --no-such-option
	[ "$G_varargs" = 1 ] || usage stray "stray arguments" "${args[@]}" bk-stray-1 bk-stray-2 bk-stray-3
	[ "$G_kind" = filter ] || usage btf "--btf ''" "${args[@]}" --btf ''
	if tab_has "$t" p; then
		usage p "-p 12abc" "${pargs[@]}" -p 12abc
		usage pidmax "-p above pid_max ($((pidmax + 1)))" "${pargs[@]}" -p $((pidmax + 1))
		check_missing_pid
	fi
	if tab_has "$t" t; then
		usage t "-t 12abc" "${args[@]}" -t 12abc
		usage tidmax "-t above pid_max" "${args[@]}" -t $((pidmax + 1))
	fi
	tab_has "$t" u && usage u "-u of an unknown user" "${args[@]}" -u no-such-user-bpfkit
	tab_has "$t" n && usage n "-n of 16 characters" "${args[@]}" -n abcdefghijklmnop
	tab_has "$t" d && usage d "-d 0" "${args[@]}" -d 0
	tab_has "$t" cgroup && usage cgroup "--cgroup /nonexistent" "${args[@]}" --cgroup /nonexistent/bpfkit
	if [ -n "$G_paths" ]; then
		usage force-path "an unknown --force-path" "${args[@]}" --force-path=no-such-path
		local listed
		# "this tool has A, B, C" or (a path per pattern kind) "it takes A or B"
		listed=$(sed -n -E 's/.*(this tool has|it takes) //; T; s/ \(see --help\)$//; s/,? or / /g; s/,//g; p' "$TMP/usage.err")
		report paths "$t: --force-path lists the table's paths" \
			"$([ "$listed" = "$G_paths" ] && echo 1 || echo 0)" "it lists '$listed', the table '$G_paths'"
	fi
}

# -p of a process that does not exist: exit 1 and one line.
check_missing_pid() {
	local rc=0 n
	(timeout -k 5 10 "$BIN/$G_TOOL" "${pargs[@]}" -p "$(missing_pid)" >/dev/null 2>"$TMP/missing.err" \
		</dev/null; exit $?) 2>/dev/null || rc=$?
	n=$(grep -c . "$TMP/missing.err")
	report missing "$G_TOOL: -p of a missing process: exit 1, one line" \
		"$([ $rc = 1 ] && [ "$n" = 1 ] && echo 1 || echo 0)" \
		"exit status $rc, $n lines: $(head -c 300 "$TMP/missing.err" | tr '\n' '|')"
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
# filters can name it: in thread mode (t), under another name (n), as the
# row's user (u), in $CG-a (cgroup). Sets MATCH_OPTS, the tool's options
# naming it.
start_matching() {
	local l gate=() thread= rename=
	for l; do
		case $l in
		t) thread=1 ;;
		n) rename=bkother$UNIQ ;;
		u) [ "$G_user" = 0 ] || gate+=(-u "$G_user") ;;
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
		u) MATCH_OPTS+=(-u "$G_user") ;;
		cgroup) MATCH_OPTS+=(--cgroup "$CG-a") ;;
		esac
	done
}

# check_matching: one run with every filter naming the trigger: the tool sees
# it exactly, and ends by itself with 0 once the trigger has exited when -p
# names it, else on SIGINT. When it fails, a run per letter says which.
check_matching() {
	local t=$G_TOOL l stop=INT name end=
	[ ${#FILTERS[@]} -gt 0 ] || return 0
	tab_has "$t" p && { stop=self; end=", ends by itself with 0 when the -p process exits"; }
	name="${FILTERS[*]/#/-}"
	name=${name//-cgroup/--cgroup}
	start_matching "${FILTERS[@]}" && gen_run match $stop "${MATCH_OPTS[@]}"
	if [ $stop = self ] && [ "$RUN_OK" = 1 ] && [ "$TOOL_ALIVE" = 1 ]; then
		report pexit "$t: $name naming the trigger: sees it exactly$end" 0 \
			"still running 20 s after its -p process exited"
	else
		expect_run match "$name naming the trigger: sees it exactly${end:-, ends with 0 on SIGINT}" \
			"$G_want" "$([ $stop = INT ] && echo 1 || echo 0)"
	fi
	if [ "$RUN_OK" != 1 ] || [ "$GOT" != "$G_want" ]; then
		for l in "${FILTERS[@]}"; do
			start_matching $l && gen_run "match-$l" TERM "${MATCH_OPTS[@]}"
			expect_run "match-$l" "(diagnosis) ${l/#cgroup/-cgroup} alone, naming the trigger, sees it exactly" "$G_want"
		done
	fi
}

# check_other LETTER STOP: the filter LETTER naming something else than the
# trigger: the tool sees nothing of it, and ends with 0 on SIGINT or SIGTERM,
# or (STOP "d") by itself after -d 1.
check_other() {
	local l=$1 stop=$2 orig o=() el start why= dname=
	if [ "$stop" = d ]; then o=(-d 1); stop=self; dname=" (-d 1: ends by itself after a second)"; fi
	start=$(date +%s%N)
	case $l in
	p)
		trig_start a && trig_start d && gen_run p-other $stop "${o[@]}" -p "${I_PID[d]}"
		trig_kill d
		;;
	t)
		if [ "$G_thread" = main ]; then
			THREAD=1 trig_start a && trig_start d && gen_run t-other $stop "${o[@]}" -t "${I_PID[d]}"
			trig_kill d
		else
			THREAD=1 trig_start a && gen_run t-other $stop "${o[@]}" -t "${I_PID[a]}"
		fi
		;;
	u)
		if [ "$G_user" = 0 ]; then
			trig_start a && gen_run u-other $stop "${o[@]}" -u 65534
		else
			trig_start a -u "$G_user" && gen_run u-other $stop "${o[@]}" -u 0
		fi
		;;
	n)
		eval "orig=( $G_trigger )"
		orig=${orig[0]##*/}
		RENAME=bkother$UNIQ trig_start a && gen_run n-other $stop "${o[@]}" -n "${orig:0:15}"
		;;
	cgroup)
		trig_start a -c "$CG-a" && gen_run cgroup-other $stop "${o[@]}" --cgroup "$CG-b"
		;;
	esac
	el=$((($(date +%s%N) - start) / 1000000))
	if [ "$stop" = self ] && [ "$RUN_OK" = 1 ]; then
		if [ "$TOOL_ALIVE" = 1 ]; then why="-d 1: still running after ${el} ms"
		elif [ "$el" -lt 1000 ]; then why="-d 1: ended after ${el} ms"
		fi
	fi
	local what
	case $l in
	p) what="-p of another process running the trigger sees nothing of it" ;;
	t) [ "$G_thread" = main ] && what="-t of another process's thread sees nothing of the trigger" ||
		what="-t of the trigger's main thread sees nothing of its working thread" ;;
	u) [ "$G_user" = 0 ] && what="-u 65534 sees nothing of the trigger run as root" ||
		what="-u 0 sees nothing of the trigger run as user $G_user" ;;
	n) what="-n of the trigger's own name sees nothing of it under another name" ;;
	cgroup) what="--cgroup of a sibling cgroup sees nothing of the trigger" ;;
	esac
	if [ -n "$why" ]; then
		report "$l-other" "$G_TOOL: $what$dname" 0 "$why"
	else
		expect_run "$l-other" "$what$dname" "$NOTHING" "$([ "$stop" = self ] && echo 0 || echo 1)"
	fi
}

# A run with -d 1 and the trigger waiting: it ends by itself, not earlier.
check_duration() {
	local t=$G_TOOL start el why=
	trig_start a || { report d-run "$t: -d 1 ends by itself after a second with 0" 0 "$RUN_WHY"; return; }
	tool_args
	start=$(date +%s%N)
	if ! start_tool dur "$t" -d 1 "${TARGS[@]}"; then
		report d-run "$t: -d 1 ends by itself after a second with 0" 0 "did not attach: $(tail -2 "$TMP/dur.err")"
		trig_kill a
		return
	fi
	wait_tool 20
	el=$((($(date +%s%N) - start) / 1000000))
	trig_kill a
	if [ "$TOOL_ALIVE" = 1 ]; then why="still running after ${el} ms"
	elif [ "$TOOL_RC" != 0 ]; then why="exit status $TOOL_RC"
	elif [ "$el" -lt 1000 ]; then why="ended after ${el} ms"
	fi
	report d-run "$t: -d 1 ends by itself after a second with 0" "$([ -z "$why" ] && echo 1 || echo 0)" "$why"
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
	local t=$G_TOOL pid rc=0 why= n
	trig_start a
	out_args
	trig_kill a
	rm -f "$TMP/pipe"
	mkfifo "$TMP/pipe"
	head -1 <"$TMP/pipe" >/dev/null &
	"$BIN/$t" -v "${OARGS[@]}" >"$TMP/pipe" 2>"$TMP/closed.err" </dev/null &
	pid=$!
	wait_attached "$pid" "$TMP/closed.err"
	record_ids "$pid"
	# Events to write, until the tool notices (three trigger runs, each
	# followed by 2 s for the tool to end).
	for n in 1 2 3; do
		kill -0 "$pid" 2>/dev/null || break
		trig_start a && trig_go a
		[ "$G_kind" = summary ] && kill -TERM "$pid" 2>/dev/null
		wait_gone "$pid" 2
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
	local t=$G_TOOL pid rc=0 why= n
	trig_start a
	out_args
	"$BIN/$t" -v "${OARGS[@]}" >/dev/full 2>"$TMP/full.err" </dev/null &
	pid=$!
	wait_attached "$pid" "$TMP/full.err"
	record_ids "$pid"
	trig_go a
	wait_gone "$pid" 3
	# A tool that writes only at its end is told to end now.
	kill -TERM "$pid" 2>/dev/null
	wait_gone "$pid" 5 || { why="still running after SIGTERM"; kill -9 "$pid"; }
	wait "$pid" 2>/dev/null || rc=$?
	# Its own lines: those a run with a reader (check_closed_stdout) did not
	# have, warnings (a slow detach announced) left out.
	grep -vxFf "$TMP/closed.err" "$TMP/full.err" | grep -v "^$G_TOOL: warning: " >"$TMP/full.own"
	n=$(grep -c . "$TMP/full.own")
	if [ -z "$why" ] && { [ "$rc" != 1 ] || [ "$n" != 1 ]; }; then
		why="exit status $rc, $n lines of its own on stderr: $(head -3 "$TMP/full.own" | tr '\n' '|')"
	fi
	report stdout-full "$t: a full disk (> /dev/full) ends it with exit 1 and one sentence" \
		"$([ -z "$why" ] && echo 1 || echo 0)" "$why"
}

# A SIGTERM while the tool is still loading (as from a service manager
# stopping it at once) ends it with 0 once it is ready, never with 143.
check_early_term() {
	local t=$G_TOOL pid rc=0 why=
	out_args
	"$BIN/$t" "${OARGS[@]}" >/dev/null 2>"$TMP/early.err" </dev/null &
	pid=$!
	# As soon as it catches SIGTERM (SigCgt bit 15: a signal before main()
	# kills any program), which is before it loads anything.
	local caught=0 t0=$SECONDS k v
	while [ $((SECONDS - t0)) -lt 30 ]; do
		# (Before the exec, the forked shell's own traps show there.) Read
		# with the shell's own `read`: no process forked per look.
		if [ /proc/$pid/exe -ef "$BIN/$t" ]; then
			v=0
			while read -r k v; do [ "$k" = SigCgt: ] && break; v=0; done \
				2>/dev/null </proc/$pid/status
			[ $((0x${v:-0} & 0x4000)) != 0 ] && { caught=1; break; }
		fi
		kill -0 "$pid" 2>/dev/null || break
		nap 0.005
	done
	[ $caught = 0 ] && kill -0 "$pid" 2>/dev/null && why="it did not catch SIGTERM within 30 s of its start"
	kill -TERM "$pid" 2>/dev/null
	wait_gone "$pid" 30 || { why="still running 30 s after SIGTERM"; kill -9 "$pid"; }
	wait "$pid" 2>/dev/null || rc=$?
	[ -z "$why" ] && [ "$rc" != 0 ] && why="exit status $rc: $(grep -v '^libbpf' "$TMP/early.err" | head -2 | tr '\n' '|')"
	report early-term "$t: a SIGTERM during start-up ends it with 0" \
		"$([ -z "$why" ] && echo 1 || echo 0)" "$why"
}

check_tool() {
	local t=$1 l i n
	gen_setup "$t" || return
	check_usage
	check_help
	if [ "$G_kind" = filter ]; then
		return
	elif [ "$G_trigger" = - ]; then
		skip "$t: filters, signals, -d, stdout" "its row in tests/tools.table has no trigger yet"
		return
	elif [ "${BK_NO_HOOKS:-}" = 1 ] || { [ -z "${BK_NO_HOOKS:-}" ] && gen_no_hooks; }; then
		# (In a VM these checks took 60-100 s a tool: too much for the budget.)
		skip "$t: filters, signals, -d, stdout" "this kernel has none of its hooks${NOHOOK_WHY:+ ($NOHOOK_WHY)}; the VMs run its attach paths only"
		return
	fi
	# (load.sh has run the trigger without filters on each path, ended
	# with SIGTERM.)
	filter_setup
	check_matching
	# Each filter naming something else: the first run ends with SIGINT,
	# the last with -d 1 where the tool has it.
	n=${#FILTERS[@]}
	for ((i = 0; i < n; i++)); do
		l=${FILTERS[i]}
		if [ $i = $((n - 1)) ] && tab_has "$t" d; then check_other $l d
		elif [ $i = 0 ]; then check_other $l INT
		else check_other $l TERM
		fi
	done
	if [ $n = 0 ]; then
		trig_start a && gen_run int INT
		expect_run int "sees its trigger exactly and exits 0 on SIGINT" "$G_want" 1
		tab_has "$t" d && check_duration
	fi
	[ -n "$CG" ] && rmdir "$CG-a" "$CG-b" 2>/dev/null
	check_early_term
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
