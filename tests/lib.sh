# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#
# Shared helpers for integration tests (bash). A test file sources this, runs a
# tool against a deterministic trigger and reports "PASS name" / "FAIL name: why"
# lines, which tests/run.sh counts. Works on the host and inside the VM images.
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
OUTPUT=${OUTPUT:-build}
BIN=$OUTPUT/bin
TRIG=$OUTPUT/tests/triggers
# /proc/PID/fdinfo and tests/triggers/bpfids tell whether a tool left
# programs behind; jq is the JSON parser.
TMP=$(mktemp -d /tmp/bpfkit-test.XXXXXX)
trap 'rm -rf "$TMP"; [ -n "${TOOL_PID:-}" ] && kill -9 "$TOOL_PID" 2>/dev/null' EXIT
TOOL_PID=
TOOL_RC=
# The BPF programs and links the tools started by start_tool held ("p12 l34 ...").
OWN_IDS=
# Inside the QEMU images of tests/vm (software emulation: slow, late timers).
IN_VM=0
[ -d /etc/bpfkit-vm ] && IN_VM=1
# In a VM, what runs on its kernel (tests/vm/kernels): all, or chosen (each
# tool on the path it chooses, as its row says, and nothing of its own file).
VM_SCOPE=all
[ -f /etc/bpfkit-vm/scope ] && VM_SCOPE=$(cat /etc/bpfkit-vm/scope)

# nap SECONDS: sleep without starting a process (a read that times out on a
# pipe nothing writes to): polling loops run in emulated VMs too, where each
# process started costs tens of milliseconds and takes the tool's CPU.
exec {NAP_FD}<> <(:)
nap() { read -r -t "$1" -u "$NAP_FD" _ || :; }

# has_line FILE TEXT: FILE contains TEXT (bash only, no grep started).
has_line() {
	local l
	[ -e "$1" ] || return 1
	while IFS= read -r l; do
		[[ $l == *"$2"* ]] && return 0
	done <"$1"
	return 1
}

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: ${*:2}"; }
skip() { echo "SKIP $1: ${*:2}"; }
# matrix TOOL PATH RESULT: one cell of the tool x kernel attach-path table.
matrix() { echo "MATRIX $1 $2 $3"; }

# kernel_unsupported TOOL ERRFILE RC: whether TOOL, ended with status RC and
# its stderr in ERRFILE, said that this kernel (or machine) has nothing it
# can use: a line "TOOL: this kernel has no ..." (bk_set_unsupported() in
# common/core/log.h) and status 1. 0 if so, 1 if not, 2 for that line with
# another status (a broken contract: the caller fails it). The one place the
# harness tells this case from a runtime failure.
kernel_unsupported() {
	local l
	[ -e "$2" ] || return 1
	while IFS= read -r l || [ -n "$l" ]; do
		if [[ $l == "$1: this kernel has no "* ]]; then
			[ "$3" = 1 ] && return 0
			return 2
		fi
	done <"$2"
	return 1
}

# host_only: what follows in a test file does not depend on the kernel. In
# the VMs the file ends here, once the tools it ran have left nothing
# loaded; the VM runner runs a tool's file (its part above this line) only if
# the file calls host_only. See tests/README.md.
host_only() {
	[ "$IN_VM" = 1 ] || return 0
	[ -z "$OWN_IDS" ] || no_leaks "kernel part: no BPF program or link is left behind"
	exit 0
}

# expect_eq NAME GOT WANT [DETAIL]: DETAIL (lines) is shown when they differ
expect_eq() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "got '$2', want '$3'${4:+ ($(printf '%s' "$4" | tr '\n' '|' | cut -c1-600))}"; fi
}

# expect_exit NAME STATUS CMD...: CMD exits with STATUS and, unless STATUS is
# 0, says something on stderr (left in $TMP/exit.err).
expect_exit() {
	local name=$1 want=$2 rc=0 lines; shift 2
	"$@" >"$TMP/exit.out" 2>"$TMP/exit.err" </dev/null || rc=$?
	lines=$(grep -c . "$TMP/exit.err")
	if [ "$rc" != "$want" ]; then
		fail "$name" "exit status $rc, want $want ($(head -c 200 "$TMP/exit.err"))"
	elif [ "$want" != 0 ] && [ "$lines" -lt 1 ]; then
		fail "$name" "no message on stderr"
	else
		pass "$name"
	fi
}

# own_ids PID: the BPF programs and links process PID holds open, as "p<id>"
# and "l<id>" words. Only the tool's own: other people's tools load theirs
# at the same time.
own_ids() {
	cat /proc/"$1"/fdinfo/* 2>/dev/null | awk '$1 == "prog_id:" { print "p" $2 } $1 == "link_id:" { print "l" $2 }' |
		sort -u | tr '\n' ' '
}

# wait_exec PID: waits (5 s at most) until PID, started in the background
# from this shell, runs its own program: until then /proc/PID/exe is bash,
# which a tool's -p that reads it (uprobe tools) would take.
wait_exec() {
	local i
	for i in {1..100}; do
		[ /proc/"$1"/exe -ef /proc/$$/exe ] || return 0
		nap 0.05
	done
	return 1
}

# wait_handlers PID: waits (5 s at most) until PID catches SIGINT and
# SIGTERM: a tool says it is attached a moment before it installs them, and
# a signal in between would kill it.
wait_handlers() {
	local i mask
	for i in {1..100}; do
		mask=$(sed -n 's/^SigCgt:[[:space:]]*//p' "/proc/$1/status" 2>/dev/null)
		[ -n "$mask" ] && [ $((0x$mask & 0x4002)) = $((0x4002)) ] && return 0
		kill -0 "$1" 2>/dev/null || return 1
		nap 0.05
	done
	return 1
}

# record_ids PID: adds what PID holds to OWN_IDS.
record_ids() {
	local id
	for id in $(own_ids "$1"); do
		case " $OWN_IDS " in *" $id "*) ;; *) OWN_IDS="$OWN_IDS $id" ;; esac
	done
}

# wait_attached PID ERRFILE: waits (30 s at most) until the tool PID says in
# ERRFILE that it is attached ("attached via", -v); 1 if it ended or never said.
wait_attached() {
	local i
	for i in {1..600}; do
		has_line "$2" 'attached via' && return 0
		kill -0 "$1" 2>/dev/null || return 1
		nap 0.05
	done
	return 1
}

# wait_gone PID SECONDS: waits until process PID has ended, SECONDS at most
# (looking every 50 ms, no process started); 1 if it still runs.
wait_gone() {
	local i
	for ((i = 0; i < $2 * 20; i++)); do
		kill -0 "$1" 2>/dev/null || return 0
		nap 0.05
	done
	! kill -0 "$1" 2>/dev/null
}

# start_tool NAME TOOL ARGS...: runs TOOL -v ARGS in the background, stdout to
# $TMP/NAME.out and stderr to $TMP/NAME.err, and waits until it says it is
# attached. Sets TOOL_PID and ATTACH_PATH, records the tool's programs and
# links. Returns 1 if it never attached (TOOL_RC: its exit status).
start_tool() {
	local name=$1 tool=$2; shift 2
	: >"$TMP/$name.err"
	"$BIN/$tool" -v "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" </dev/null &
	TOOL_PID=$!
	if wait_attached "$TOOL_PID" "$TMP/$name.err"; then
		ATTACH_PATH=$(sed -n 's/.*attached via \([^ ]*\).*/\1/p' "$TMP/$name.err" | head -1)
		record_ids "$TOOL_PID"
		wait_handlers "$TOOL_PID"
		return 0
	fi
	kill -9 "$TOOL_PID" 2>/dev/null
	TOOL_RC=0
	wait "$TOOL_PID" 2>/dev/null || TOOL_RC=$?
	TOOL_PID=
	ATTACH_PATH=none
	return 1
}

# stop_tool [SIGNAL]: signals the tool (SIGTERM by default) and waits for it;
# TOOL_RC is its exit status, TOOL_ALIVE 1 if it was still running when
# signalled. Kills it after 20 s (a loaded machine is slow to detach).
stop_tool() {
	local sig=${1:-TERM}
	[ -n "$TOOL_PID" ] || { TOOL_RC=255; TOOL_ALIVE=0; return; }
	TOOL_ALIVE=0
	if kill -0 "$TOOL_PID" 2>/dev/null; then
		record_ids "$TOOL_PID"
		TOOL_ALIVE=1
	fi
	kill -s "$sig" "$TOOL_PID" 2>/dev/null
	wait_gone "$TOOL_PID" 20 || kill -9 "$TOOL_PID"
	TOOL_RC=0
	wait "$TOOL_PID" 2>/dev/null || TOOL_RC=$?
	TOOL_PID=
}

# wait_tool SECONDS: waits for the tool to end by itself (-d, or its -p
# process gone); TOOL_RC is its exit status, TOOL_ALIVE 1 if it had to be
# killed after SECONDS.
wait_tool() {
	local i
	TOOL_ALIVE=0
	for ((i = 0; i < $1 * 20; i++)); do
		kill -0 "$TOOL_PID" 2>/dev/null || break
		[ $((i % 20)) = 0 ] && record_ids "$TOOL_PID"
		nap 0.05
	done
	if kill -0 "$TOOL_PID" 2>/dev/null; then
		TOOL_ALIVE=1
		kill -9 "$TOOL_PID"
	fi
	TOOL_RC=0
	wait "$TOOL_PID" 2>/dev/null || TOOL_RC=$?
	TOOL_PID=
}

# run_waiting NAME PROG PROG-ARGS... -- TOOL-ARGS...: starts PROG waiting for a
# line on a fifo, runs the tool $T on it (PID stands for PROG's PID), lets PROG
# go and stops the tool with SIGTERM once PROG has ended. Sets TRIG_PID.
# Returns 1 if the tool did not attach (a FAIL line unless QUIET).
run_waiting() {
	local name=$1 prog=$2 a=() b=() x; shift 2
	while [ "$1" != -- ]; do a+=("$1"); shift; done; shift
	rm -f "$TMP/fifo" && mkfifo "$TMP/fifo"
	"$prog" "${a[@]}" <"$TMP/fifo" &
	TRIG_PID=$!
	exec 7>"$TMP/fifo"
	for x in "$@"; do b+=("${x//PID/$TRIG_PID}"); done
	if ! start_tool "$name" $T "${b[@]}"; then
		[ -n "${QUIET:-}" ] || fail "$T: $name: did not attach" "$(grep -v '^libbpf' "$TMP/$name.err" | tail -3)"
		exec 7>&-; wait $TRIG_PID; return 1
	fi
	echo go >&7; exec 7>&-
	wait $TRIG_PID || fail "$T: $name: callee failed" "exit status $?"
	stop_tool TERM
	[ "$TOOL_RC" = 0 ] || fail "$T: $name: SIGTERM exit status" "$TOOL_RC"
	return 0
}

# loaded_ids: every BPF program and link loaded now, as own_ids words
# (tests/triggers/bpfids: cheaper than bpftool, which loads a program itself).
loaded_ids() {
	"$TRIG/bpfids" | tr '\n' ' '
}

# no_leaks NAME: every program and link the tools started by start_tool held
# is gone within 5 s of their exit (the kernel frees a program a moment
# after its last file descriptor closes). Ids are not reused soon, so other
# people's tools cannot make this pass or fail.
no_leaks() {
	local now left i id
	if [ -z "$OWN_IDS" ]; then
		fail "$1" "no program or link of a tool run was recorded"
		return
	fi
	for i in {1..50}; do
		now=" $(loaded_ids) "
		left=
		for id in $OWN_IDS; do
			case "$now" in *" $id "*) left="$left $id" ;; esac
		done
		[ -z "$left" ] && break
		nap 0.1
	done
	if [ -n "$left" ]; then fail "$1" "still loaded 5 s after the tool ended:$left"
	else pass "$1"; fi
}

# cgroup2_root: where the cgroup v2 hierarchy is mounted (empty if nowhere).
cgroup2_root() {
	awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts
}

# json_valid FILE: every line of FILE is one JSON object (checked by jq).
json_valid() {
	jq -e -s 'all(.[]; type == "object")' "$1" >/dev/null 2>&1
}

# help_options TOOL: the options --help lists, one a line ("-p", "--pid"),
# without help and usage.
help_options() {
	"$BIN/$1" --help | grep -E '^ +-' | sed -E 's/^ +//; s/ {2,}.*//' | grep -oE -- '(^|[ ,])--?[A-Za-z0-9?][a-z0-9-]*' |
		tr -d ' ,' | grep -vxE -- '-[?h]|--(help|usage)' | sort -u
}

# man_options PAGE: the options the OPTIONS section of a man page lists (its
# .TP tags), as help_options gives them.
man_options() {
	sed -n '/^\.SH OPTIONS/,/^\.SH /p' "$1" | awk 'tag { print; tag = 0 } /^\.TP/ { tag = 1 }' |
		sed -e 's/\\f[BIRP]//g' -e 's/\\-/-/g' | grep -oE -- '(^|[ ,])--?[A-Za-z0-9?][a-z0-9-]*' |
		tr -d ' ,' | grep -vxE -- '-[?h]|--(help|usage)' | sort -u
}

# man_options_match NAME TOOL: every option in --help, short and long, is in
# the man page's OPTIONS and every option there is in --help.
man_options_match() {
	local name=$1 tool=$2 page=man/man8/$2.8 h m
	h=$(help_options "$tool")
	m=$(man_options "$page")
	if [ -z "$h" ]; then
		fail "$name" "$tool --help lists no options"
	elif [ "$h" = "$m" ]; then
		pass "$name"
	else
		fail "$name" "--help and $page differ (< only in --help, > only in the man page):" \
			"$(diff <(echo "$h") <(echo "$m") | grep '^[<>]' | tr '\n' ' ')"
	fi
}

# missing_pid: a process ID below kernel.pid_max that no process has now (a
# -p above pid_max is a usage error, not a missing process).
missing_pid() {
	local p=$(( $(cat /proc/sys/kernel/pid_max) - 1 ))
	while [ -e /proc/$p ]; do p=$((p - 1)); done
	echo $p
}
