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
# bpftool tells whether a tool left programs behind; jq is the JSON parser.
TMP=$(mktemp -d /tmp/bpfkit-test.XXXXXX)
trap 'rm -rf "$TMP"; [ -n "${TOOL_PID:-}" ] && kill -9 "$TOOL_PID" 2>/dev/null' EXIT
TOOL_PID=
TOOL_RC=
STARTED_IDS=
# Inside the QEMU images of tests/vm (software emulation: slow, late timers).
IN_VM=0
[ -d /etc/bpfkit-vm ] && IN_VM=1

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: ${*:2}"; }
skip() { echo "SKIP $1: ${*:2}"; }
# matrix TOOL PATH RESULT: one cell of the tool x kernel attach-path table.
matrix() { echo "MATRIX $1 $2 $3"; }

# expect_eq NAME GOT WANT
expect_eq() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "got '$2', want '$3'"; fi
}

# expect_exit NAME STATUS CMD...: CMD exits with STATUS and says one line on stderr.
# Usage errors (64) do not depend on the kernel: in the VM, where every program
# start costs a third of a second, they are left to the host run.
expect_exit() {
	local name=$1 want=$2 rc=0 lines; shift 2
	if [ "$IN_VM" = 1 ] && [ "$want" = 64 ]; then
		skip "$name" "kernel-independent: checked on the host"
		return
	fi
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

# prog_ids: the ids of all loaded BPF programs and links, one per line.
prog_ids() {
	{ bpftool prog show -j | jq -r '.[].id | "p\(.)"'
	  bpftool link show -j 2>/dev/null | jq -r '.[].id | "l\(.)"'; } | sort
}

# start_tool NAME TOOL ARGS...: runs TOOL -v ARGS in the background, stdout to
# $TMP/NAME.out and stderr to $TMP/NAME.err, and waits until it says it is
# attached. Sets TOOL_PID and ATTACH_PATH. Returns 1 if it never attached.
start_tool() {
	local name=$1 tool=$2 i before; shift 2
	: >"$TMP/$name.err"
	before=$(prog_ids)
	"$BIN/$tool" -v "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" </dev/null &
	TOOL_PID=$!
	for i in $(seq 1 300); do
		if grep -q 'attached via' "$TMP/$name.err"; then
			ATTACH_PATH=$(sed -n 's/.*attached via \([^ ]*\).*/\1/p' "$TMP/$name.err" | head -1)
			# What appeared while the tool started is (almost surely) its own.
			STARTED_IDS="$STARTED_IDS $(comm -13 <(echo "$before") <(prog_ids) | tr '\n' ' ')"
			return 0
		fi
		kill -0 "$TOOL_PID" 2>/dev/null || break
		sleep 0.1
	done
	wait "$TOOL_PID" 2>/dev/null
	TOOL_PID=
	ATTACH_PATH=none
	return 1
}

# stop_tool [SIGNAL]: signals the tool (SIGTERM by default) and waits for it;
# TOOL_RC is its exit status. Fails the wait after 10 s.
stop_tool() {
	local sig=${1:-TERM} i
	[ -n "$TOOL_PID" ] || { TOOL_RC=255; return; }
	kill -s "$sig" "$TOOL_PID" 2>/dev/null
	for i in $(seq 1 100); do
		kill -0 "$TOOL_PID" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$TOOL_PID" 2>/dev/null; then
		kill -9 "$TOOL_PID"
	fi
	TOOL_RC=0
	wait "$TOOL_PID" || TOOL_RC=$?
	TOOL_PID=
}

# wait_tool SECONDS: waits for the tool to end by itself (-d, or its -p
# process gone); TOOL_RC is its exit status, TOOL_ALIVE 1 if it had to be
# killed after SECONDS.
wait_tool() {
	local i
	TOOL_ALIVE=0
	for i in $(seq 1 $(($1 * 20))); do
		kill -0 "$TOOL_PID" 2>/dev/null || break
		sleep 0.05
	done
	if kill -0 "$TOOL_PID" 2>/dev/null; then
		TOOL_ALIVE=1
		kill -9 "$TOOL_PID"
	fi
	TOOL_RC=0
	wait "$TOOL_PID" 2>/dev/null || TOOL_RC=$?
	TOOL_PID=
}

# no_leaks NAME: none of the programs and links the tools started by
# start_tool loaded is still there.
no_leaks() {
	local now left=
	now=" $(prog_ids | tr '\n' ' ') "
	for id in $STARTED_IDS; do
		case "$now" in *" $id "*) left="$left $id" ;; esac
	done
	if [ -z "$STARTED_IDS" ]; then fail "$1" "no tool run was recorded"
	elif [ -n "$left" ]; then fail "$1" "still loaded:$left"
	else pass "$1"; fi
}

# named_ids REGEX: the loaded programs whose name matches REGEX, and the links
# to them, as prog_ids gives them. Tools whose programs have distinctive names
# check leaks with these: other tools may load theirs at the same time.
named_ids() {
	local progs
	progs=$(bpftool prog show -j | jq -c --arg re "$1" '[.[] | select(.name | test($re)) | .id]')
	jq -r '.[] | "p\(.)"' <<<"$progs"
	bpftool link show -j 2>/dev/null | jq -r --argjson p "$progs" '.[] | select(.prog_id | IN($p[])) | "l\(.id)"'
}

# no_leaks_named NAME REGEX BEFORE: within 3 s, nothing named REGEX is left that
# was not in BEFORE (named_ids from the start); the kernel frees closed
# programs a moment after their last fd goes.
no_leaks_named() {
	local left i
	for i in $(seq 1 30); do
		left=$(comm -13 <(echo "$3") <(named_ids "$2") | tr '\n' ' ')
		[ -z "$left" ] && break
		sleep 0.1
	done
	expect_eq "$1" "$left" ""
}

# cgroup2_root: where the cgroup v2 hierarchy is mounted (empty if nowhere).
cgroup2_root() {
	awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts
}

# json_valid FILE: every line of FILE is one JSON object (checked by jq).
json_valid() {
	jq -e -s 'all(.[]; type == "object")' "$1" >/dev/null 2>&1
}

# man_options_match NAME TOOL: every long option in --help is in the man page
# and every option the man page lists is in --help.
man_options_match() {
	local name=$1 tool=$2 page=man/man8/$2.8
	local help_opts man_opts
	if [ "$IN_VM" = 1 ]; then
		skip "$name" "kernel-independent: checked on the host"
		return
	fi
	help_opts=$("$BIN/$tool" --help | grep -oE -- '--[a-z][a-z0-9-]*' | grep -vxE -- '--(help|usage)' | sort -u)
	man_opts=$(sed -n '/^\.SH OPTIONS/,/^\.SH /p' "$page" | sed 's/\\-/-/g' |
		grep -oE -- '--[a-z][a-z0-9-]*' | grep -vxE -- '--(help|usage)' | sort -u)
	if [ "$help_opts" = "$man_opts" ]; then
		pass "$name"
	else
		fail "$name" "--help and $page differ: $(diff <(echo "$help_opts") <(echo "$man_opts") | grep '^[<>]' | tr '\n' ' ')"
	fi
}

# missing_pid: a process ID below kernel.pid_max that no process has now (a
# -p above pid_max is a usage error, not a missing process).
missing_pid() {
	local p=$(( $(cat /proc/sys/kernel/pid_max) - 1 ))
	while [ -e /proc/$p ]; do p=$((p - 1)); done
	echo $p
}
