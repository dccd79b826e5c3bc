# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#
# Runs a tool of tests/tools.table against its row's trigger (bash; sourced
# after lib.sh by tests/integration/common.sh and load.sh):
#
#   gen_setup TOOL             the row into G_<field>, a $WDIR, the row's setup
#   trig_start NAME [OPT...]   one run of the trigger, started through
#                              tests/triggers/gate with OPTs (-c, -u), waiting
#                              for its go line; THREAD=1 asks for the row's
#                              thread mode, RENAME=COMM for another command name
#   gen_run NAME STOP [ARG...] the tool with the row's args and ARGs, started
#                              once trigger run "a" waits; then "a" goes, and
#                              the tool is stopped with STOP (INT, TERM; "self"
#                              waits 20 s for it to end by itself, "none"
#                              leaves it running). Sets GOT (the row's count
#                              on the output), NOTHING (the count on no
#                              records), RUN_OK (0 when something went wrong,
#                              said in RUN_WHY)
#   trig_kill NAME             ends a trigger run that was never let go
#   gen_no_hooks               0 when the tool says in one sentence that this
#                              kernel has none of its hooks (or what it traces)
#                              and exits 1; the sentence in NOHOOK_WHY
. "$(dirname "${BASH_SOURCE[0]}")/table.sh"

# Absolute: a row's setup runs in $WDIR. Exported for trigger scripts.
TRIG=$(readlink -f "$TRIG")
TESTS=$(readlink -f tests)
export TRIG TESTS
GO=$(readlink -f "${GO_TARGETS:-$OUTPUT/tests/go}")
GATE=$TRIG/gate
# Per trigger run: its PID, TID (thread mode), fd of its go fifo, $RUN, $PORT;
# I_LIVE holds the runs not yet ended.
declare -A I_PID=() I_TID=() I_FD=() I_RUN=() I_PORT=() I_LIVE=()
G_TOOL=
WDIR=
# A short token of this run, for names that must not meet other people's.
UNIQ=$(printf '%05d' $((RANDOM % 100000)))

gen_cleanup() {
	local n
	for n in "${!I_LIVE[@]}"; do kill -9 "${I_PID[$n]}" 2>/dev/null; done
	[ -n "${TOOL_PID:-}" ] && kill -9 "$TOOL_PID" 2>/dev/null
	[ -n "$WDIR" ] && rm -rf "$WDIR"
	rm -rf "$TMP"
}
trap gen_cleanup EXIT

# gen_setup TOOL: 0, or 1 with a FAIL line when the row cannot be used.
gen_setup() {
	local k
	G_TOOL=$1
	if [ -z "${TAB[$1.rows]:-}" ]; then
		fail "$1: table" "no row in $TABLE"
		return 1
	fi
	for k in $TAB_KEYS; do
		printf -v "G_$k" '%s' "${TAB[$1.$k]:-}"
	done
	[ -n "$WDIR" ] && rm -rf "$WDIR"
	WDIR=$(mktemp -d /tmp/bpfkit-wd.XXXXXX)
	chmod 755 "$WDIR"
	if [ -n "$G_setup" ] && ! (cd "$WDIR" && eval "$G_setup") >"$TMP/setup.log" 2>&1; then
		fail "$1: table: setup" "'$G_setup' failed: $(head -3 "$TMP/setup.log")"
		return 1
	fi
	return 0
}

# gen_no_hooks: run briefly with the row's args (instance "a" values), the
# tool exits 1 saying "TOOL: this kernel has no ..." (dcsnoop without fentry
# and kprobes, mdflush without md): then nothing that needs it loaded can run
# here; the VMs run it.
gen_no_hooks() {
	local rc=0 pid=${I_PID[a]:-} run=${I_RUN[a]:-} port=${I_PORT[a]:-}
	NOHOOK_WHY=
	I_PID[a]=$$ I_RUN[a]=$WDIR I_PORT[a]=0
	tool_args
	I_PID[a]=$pid I_RUN[a]=$run I_PORT[a]=$port
	timeout -k 5 20 "$BIN/$G_TOOL" -d 0.01 "${TARGS[@]}" >/dev/null 2>"$TMP/nohooks.err" </dev/null || rc=$?
	[ "$(grep -c . "$TMP/nohooks.err")" = 1 ] &&
		kernel_unsupported "$G_TOOL" "$TMP/nohooks.err" "$rc" || return 1
	NOHOOK_WHY=$(cat "$TMP/nohooks.err")
	return 0
}

# free_port: a TCP port nothing listens on (a random one; checked).
free_port() {
	local p
	while :; do
		p=$((20000 + RANDOM % 30000))
		printf -v hex ':%04X ' "$p"
		grep -q "$hex" /proc/net/tcp /proc/net/tcp6 2>/dev/null || break
	done
	echo "$p"
}

# trig_start NAME [GATE-OPTION...]: 0, or 1 with RUN_OK=0 and the reason in RUN_WHY.
trig_start() {
	local name=$1 cmd=() gopts=() prog fifo fd pid i line exe gate l
	shift
	RUN_OK=0 RUN_WHY= GOT= NOTHING=
	RUN=$(mktemp -d "$WDIR/run.XXXXXX")
	chmod 777 "$RUN"
	PORT=$(free_port)
	PROG=
	eval "cmd=( $G_trigger )"
	prog=${cmd[0]}
	case $prog in
	*/*) ;;
	*) if [ -x "$TRIG/$prog" ]; then prog=$TRIG/$prog; else prog=$(command -v "$prog"); fi ;;
	esac
	if [ -n "${RENAME:-}" ]; then
		mkdir -p "$WDIR/names"
		ln -sfn "$(readlink -f "$prog")" "$WDIR/names/$RENAME"
		prog=$WDIR/names/$RENAME
	fi
	# Again with $PROG, the program as run (a trigger that execs itself).
	PROG=$prog
	eval "cmd=( $G_trigger )"
	if [ -n "${THREAD:-}" ] && [ "$G_thread" != main ]; then
		cmd=("$prog" $G_thread "${cmd[@]:1}")
	else
		cmd=("$prog" "${cmd[@]:1}")
	fi
	[ "$G_gatewait" = 1 ] && gopts+=(-w)
	if [ -n "$G_pty" ]; then
		IFS='|' read -ra l <<<"$G_pty"
		for line in "${l[@]}"; do gopts+=(-y "$line"); done
	fi
	fifo=$TMP/go.$name
	rm -f "$fifo"
	mkfifo "$fifo"
	exec {fd}<>"$fifo"
	"$GATE" "${gopts[@]}" "$@" -- "${cmd[@]}" <"$fifo" >"$TMP/trig.$name.out" 2>"$TMP/trig.$name.err" &
	pid=$!
	I_PID[$name]=$pid I_LIVE[$name]=1 I_FD[$name]=$fd I_RUN[$name]=$RUN I_PORT[$name]=$PORT I_TID[$name]=null
	# The gate prints its PID, then the trigger runs as that process: a tool
	# that reads /proc/PID/exe (-p of a uprobe tool) must see the trigger.
	for i in {1..200}; do
		line=
		[ -e "$TMP/trig.$name.out" ] && read -r line <"$TMP/trig.$name.out"
		if [ "$line" = "$pid" ] && { [ "$G_gatewait" = 1 ] || ! [ /proc/$pid/exe -ef "$GATE" ]; }; then
			break
		fi
		kill -0 "$pid" 2>/dev/null || break
		nap 0.05
	done
	if ! kill -0 "$pid" 2>/dev/null; then
		RUN_WHY="the trigger ended before its go line: $(head -c 300 "$TMP/trig.$name.err")"
		return 1
	fi
	if [ -n "${THREAD:-}" ] && [ "$G_thread" != main ]; then
		I_TID[$name]=
		for i in {1..200}; do
			while read -r line; do
				[[ $line =~ ^tid\ ([0-9]+)$ ]] && I_TID[$name]=${BASH_REMATCH[1]}
			done <"$TMP/trig.$name.out"
			[ -n "${I_TID[$name]}" ] && break
			nap 0.05
		done
		if [ -z "${I_TID[$name]}" ]; then
			I_TID[$name]=null
			RUN_WHY="the trigger (${cmd[*]}) printed no 'tid N' line in thread mode"
			return 1
		fi
	elif [ -n "${THREAD:-}" ]; then
		I_TID[$name]=$pid
	fi
	RUN_OK=1
	return 0
}

# trig_go NAME: lets the run go and waits for it (30 s at most, 60 s in an
# emulated VM, where six tools tracing one md flush once took over 30 s on a
# loaded host); 0, or 1 with RUN_WHY.
trig_go() {
	local name=$1 fd=${I_FD[$1]} pid=${I_PID[$1]} limit=30
	[ "$IN_VM" = 1 ] && limit=60
	echo go >&"$fd"
	exec {fd}>&-
	if ! wait_gone "$pid" $limit; then
		kill -9 "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		unset "I_LIVE[$name]"
		RUN_WHY="the trigger did not finish within $limit s: $(head -c 200 "$TMP/trig.$name.err")"
		return 1
	fi
	wait "$pid" 2>/dev/null
	unset "I_LIVE[$name]"
	return 0
}

trig_kill() {
	local fd=${I_FD[$1]:-}
	[ -n "${I_LIVE[$1]:-}" ] || return 0
	kill -9 "${I_PID[$1]}" 2>/dev/null
	wait "${I_PID[$1]}" 2>/dev/null
	[ -n "$fd" ] && exec {fd}>&-
	unset "I_LIVE[$1]"
}

# gen_count FILE INSTANCE [PATH]: sets GOT, the row's count over the JSON
# records of FILE, and NOTHING, the count over no records, both with the
# instance's variables (one jq for both: it takes a tenth of a second).
gen_count() {
	local file=$1 name=$2 path=${3:-} out
	out=$(jq -s -c -r --argjson pid "${I_PID[$name]:-0}" --argjson tid "${I_TID[$name]:-null}" \
		--arg path "$path" --arg wdir "$WDIR" --arg run "${I_RUN[$name]:-}" \
		--argjson port "${I_PORT[$name]:-0}" --rawfile trig "$TMP/trig.$name.out" \
		"($G_count), \"--bk-nothing--\", ([] | $G_count)" "$file" 2>&1)
	GOT=$(sed '/^--bk-nothing--$/,$d' <<<"$out")
	NOTHING=$(sed '1,/^--bk-nothing--$/d' <<<"$out")
}

# tool_args [-p]: the row's args (pargs with -p) as words in TARGS, evaluated
# with instance a's $pid, $RUN and $PORT.
tool_args() {
	local pid=${I_PID[a]:-0} RUN=${I_RUN[a]:-} PORT=${I_PORT[a]:-0}
	if [ "${1:-}" = -p ]; then eval "TARGS=( $G_pargs )"; else eval "TARGS=( $G_args )"; fi
}

# gen_run NAME STOP [TOOL-ARG...]: see the top of this file. Instance "a"
# must be started; it is let go and waited for.
gen_run() {
	local name=$1 stop=$2 a
	shift 2
	GOT= NOTHING= RUN_OK=1 RUN_WHY= TOOL_RC= TOOL_ALIVE=
	a=
	for x in "$@"; do [ "$x" = -p ] && a=-p; done
	tool_args $a
	if ! start_tool "$name" "$G_TOOL" -j "${TARGS[@]}" "$@"; then
		RUN_OK=0
		RUN_WHY="did not attach: $(grep -v '^libbpf' "$TMP/$name.err" | tail -3 | tr '\n' ' ')"
		trig_kill a
		return 1
	fi
	trig_go a || RUN_OK=0
	case $stop in
	none) ;;
	self) wait_tool 20 ;;
	*) stop_tool "$stop" ;;
	esac
	gen_count "$TMP/$name.out" a "$ATTACH_PATH"
	return 0
}

# gen_handlers PID: PID catches SIGINT and SIGTERM (wait_handlers' test,
# with bash builtins only).
gen_handlers() {
	local k v
	while read -r k v; do
		[ "$k" = SigCgt: ] && [ $((0x$v & 0x4002)) = $((0x4002)) ] && return 0
	done <"/proc/$1/status" 2>/dev/null
	return 1
}

# gen_filters_once TOOL: the row's filter letters (p t u n cgroup) checked
# both ways against ONE run of its trigger, the tool's instances side by
# side: one with every letter naming the trigger (sees exactly `want`) and
# one per letter naming something else (sees nothing of it: -p and -t of
# this shell, the other of users 0 and 65534, -n of the trigger's own name
# while it runs under another, --cgroup of a sibling cgroup); each ends
# with 0 on SIGTERM. For tools the host cannot run (common.sh's checks are
# SKIPs there): a few seconds of a VM instead of a trigger run and a tool
# start per check.
gen_filters_once() {
	local t=$1 l root cg= gate=() thread= ok why n i orig other_u id alive jqargs prog path out line
	local -a names=() targs
	local -A opts=() pids=()
	gen_setup "$t" || return 1
	for l in p t u n cgroup; do
		tab_has "$t" $l || continue
		if [ $l = cgroup ]; then
			root=$(cgroup2_root)
			cg=$root/bpfkit-$UNIQ-$$
			if [ -z "$root" ] || ! mkdir "$cg-a" "$cg-b" 2>"$TMP/cg.err"; then
				skip "$t: --cgroup (one run)" "no cgroup v2 directory could be made: $(head -1 "$TMP/cg.err")"
				cg=
				continue
			fi
			gate+=(-c "$cg-a")
		fi
		[ $l = t ] && thread=1
		[ $l = u ] && [ "$G_user" != 0 ] && gate+=(-u "$G_user")
		names+=("$l")
	done
	[ ${#names[@]} -gt 0 ] || return 0
	if ! THREAD=$thread RENAME=bkm$UNIQ trig_start a "${gate[@]}"; then
		fail "$t: filters (one run): the trigger" "$RUN_WHY"
		[ -n "$cg" ] && rmdir "$cg-a" "$cg-b" 2>/dev/null
		return 1
	fi
	eval "orig=( $G_trigger )"
	orig=${orig[0]##*/}
	[ "$G_user" = 0 ] && other_u=65534 || other_u=0
	opts[match]=
	for l in "${names[@]}"; do
		case $l in
		p) opts[match]+=" -p ${I_PID[a]}" opts[p]="-p $$" ;;
		t) opts[match]+=" -t ${I_TID[a]}"
		   # The main thread while a second one works, else this shell.
		   [ "$G_thread" = main ] && opts[t]="-t $$" || opts[t]="-t ${I_PID[a]}" ;;
		u) opts[match]+=" -u $G_user" opts[u]="-u $other_u" ;;
		n) opts[match]+=" -n bkm$UNIQ" opts[n]="-n ${orig:0:15}" ;;
		cgroup) opts[match]+=" --cgroup $cg-a" opts[cgroup]="--cgroup $cg-b" ;;
		esac
	done
	# All started at once, then each waited for: their start-up overlaps.
	for n in match "${names[@]}"; do
		tool_args
		case " ${opts[$n]} " in *" -p "*) tool_args -p ;; esac
		: >"$TMP/f-$n.err"
		# shellcheck disable=SC2086
		"$BIN/$t" -v -j "${TARGS[@]}" ${opts[$n]} >"$TMP/f-$n.out" 2>"$TMP/f-$n.err" </dev/null &
		pids[$n]=$!
	done
	# Bash builtins in the loops: in an emulated VM each process started
	# costs a quarter of a second (jq, cat, sed), more than the tools' start.
	ok=1
	for n in match "${names[@]}"; do
		for i in {1..1200}; do
			has_line "$TMP/f-$n.err" 'attached via' && gen_handlers "${pids[$n]}" && break
			kill -0 "${pids[$n]}" 2>/dev/null || break
			nap 0.05
		done
		if ! has_line "$TMP/f-$n.err" 'attached via'; then
			fail "$t: filters (one run): ${opts[$n]}: did not attach" "$(grep -v '^libbpf' "$TMP/f-$n.err" | tail -3 | tr '\n' ' ')"
			ok=0
		fi
	done
	# The ids of all of them at once (one cat, one awk).
	for id in $(cat $(printf '/proc/%s/fdinfo/* ' "${pids[@]}") 2>/dev/null |
		awk '$1 == "prog_id:" { print "p" $2 } $1 == "link_id:" { print "l" $2 }' | sort -u); do
		case " $OWN_IDS " in *" $id "*) ;; *) OWN_IDS="$OWN_IDS $id" ;; esac
	done
	if [ $ok = 1 ]; then
		trig_go a || { ok=0; fail "$t: filters (one run): the trigger" "$RUN_WHY"; }
	else
		trig_kill a
	fi
	# One SIGTERM each (a second one may kill a tool that is ending); the
	# instance whose -p names the trigger ends by itself once it exited.
	for n in match "${names[@]}"; do
		[ $n = match ] && [ -n "${opts[p]:-}" ] && [ $ok = 1 ] && continue
		kill -TERM "${pids[$n]}" 2>/dev/null
	done
	for i in {1..400}; do
		alive=0
		for n in match "${names[@]}"; do kill -0 "${pids[$n]}" 2>/dev/null && alive=1; done
		[ $alive = 0 ] && break
		nap 0.05
	done
	declare -A rcs=() alives=()
	for n in match "${names[@]}"; do
		alives[$n]=0
		kill -0 "${pids[$n]}" 2>/dev/null && { alives[$n]=1; kill -9 "${pids[$n]}"; }
		rcs[$n]=0
		wait "${pids[$n]}" 2>/dev/null || rcs[$n]=$?
	done
	[ $ok = 1 ] || { [ -n "$cg" ] && rmdir "$cg-a" "$cg-b" 2>/dev/null; return 0; }
	# Every instance's count, and the count of nothing, by one jq.
	jqargs=() prog=
	for n in match "${names[@]}"; do
		jqargs+=(--slurpfile "f_$n" "$TMP/f-$n.out")
		prog+="(\$f_$n | $G_count), \"--bk-next--\", "
	done
	path=$(sed -n 's/.*attached via \([^ ]*\).*/\1/p' "$TMP/f-match.err" | head -1)
	out=$(jq -n -c -r --argjson pid "${I_PID[a]}" --argjson tid "${I_TID[a]:-null}" \
		--arg path "$path" --arg wdir "$WDIR" --arg run "${I_RUN[a]}" \
		--argjson port "${I_PORT[a]:-0}" --rawfile trig "$TMP/trig.a.out" "${jqargs[@]}" \
		"$prog ([] | $G_count)" 2>&1)
	declare -A got=()
	n=0
	local -a order=(match "${names[@]}")
	while IFS= read -r line; do
		if [ "$line" = --bk-next-- ]; then n=$((n + 1)); continue; fi
		got[$n]+="${got[$n]:+$'\n'}$line"
	done <<<"$out"
	NOTHING=${got[${#order[@]}]:-}
	for i in "${!order[@]}"; do
		n=${order[$i]}
		GOT=${got[$i]:-}
		why=
		if [ "${alives[$n]}" = 1 ]; then
			why="still running 20 s after $([ $n = match ] && [ -n "${opts[p]:-}" ] && echo "its -p process exited" || echo SIGTERM)"
		elif [ "${rcs[$n]}" != 0 ]; then
			why="exit status ${rcs[$n]}: $(grep -v 'attached via' "$TMP/f-$n.err" | head -c 300 | tr '\n' '|')"
		elif [ $n = match ] && [ "$GOT" != "$G_want" ]; then
			why="the count gave '$GOT', want '$G_want' (output: $(head -c 300 "$TMP/f-$n.out" | tr '\n' '|'))"
		elif [ $n != match ] && [ "$GOT" != "$NOTHING" ]; then
			why="the count gave '$GOT', want '$NOTHING' (output: $(head -c 300 "$TMP/f-$n.out" | tr '\n' '|'))"
		fi
		if [ $n = match ]; then
			l="every filter naming the trigger at once (${names[*]/#/-}) sees it exactly"
			l=${l//-cgroup/--cgroup}
			[ -n "${opts[p]:-}" ] && l+=", ends by itself when the -p process exits"
		else
			l="${opts[$n]%% *} naming something else sees nothing of the trigger"
		fi
		if [ -z "$why" ]; then pass "$t: filters (one run): $l"; else fail "$t: filters (one run): $l" "(${opts[$n]# }) $why"; fi
	done
	[ -n "$cg" ] && rmdir "$cg-a" "$cg-b" 2>/dev/null
	return 0
}
