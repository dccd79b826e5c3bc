#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#
# load.sh [TOOL...]: the part of the generic checks that depends on the
# kernel (all rows of tests/tools.table without arguments). Each attach path
# of a tool must load, attach, see its row's trigger exactly and end with 0
# on SIGTERM, or the tool must say in one line that this kernel lacks it
# (SKIP, "n/a" in the attach-path table). A tool without --force-path is run
# on the path it chooses. (common.sh, which runs after this on the host,
# checks SIGINT.)
#
# On the host every path is run. In a VM (tests/vm) only what the host could
# not show: the path the tool chooses on this kernel, and each path the host
# lacks (tests/vm/run.sh lists the host's in /etc/bpfkit-vm/host-paths); on
# a kernel whose scope is `chosen` (tests/vm/kernels), the chosen path alone.
#
# load.sh --probe TOOL...: prints "HOSTPATH TOOL PATH yes|no" for each path
# of each tool, whether this kernel has it (for the VM runner).
. "$(dirname "$0")/../lib.sh"
. tests/generic.sh

HOST_PATHS=/etc/bpfkit-vm/host-paths

# path_run TOOL PATH: the trigger through the tool forced onto PATH ("" for
# the one it chooses). Sets PATH_RESULT: pass, fail or n/a.
path_run() {
	local t=$1 p=$2 force=() label=$2 why=
	[ -n "$p" ] && force=(--force-path="$p")
	trig_start a && gen_run "load-$p" TERM "${force[@]}"
	[ -z "$p" ] && label=$ATTACH_PATH
	if [ "$RUN_OK" != 1 ] && grep -q "not available on this kernel" "$TMP/load-$p.err"; then
		skip "load: $t: this kernel has no $p path" "$(grep 'not available on this kernel' "$TMP/load-$p.err" | tail -1)"
		PATH_RESULT=n/a
		return
	fi
	# A kernel with none of the tool's hooks, or without what it traces
	# (mdflush without md): one sentence, exit 1, whatever the path.
	local ku=1
	[ "$RUN_OK" = 1 ] || { kernel_unsupported "$t" "$TMP/load-$p.err" "$TOOL_RC"; ku=$?; }
	if [ $ku != 1 ]; then
		if [ $ku = 0 ]; then
			skip "load: $t: this kernel has none of its hooks${p:+ (via $p)}" "$(grep "^$t: this kernel has no " "$TMP/load-$p.err" | tail -1)"
		else
			fail "load: $t: a kernel without its hooks${p:+ (via $p)}" "exit status $TOOL_RC, not 1"
		fi
		PATH_RESULT=n/a
		return
	fi
	if [ "$RUN_OK" != 1 ]; then why=$RUN_WHY
	elif [ -n "$p" ] && [ "$ATTACH_PATH" != "$p" ]; then why="attached via $ATTACH_PATH"
	elif [ "$GOT" != "$G_want" ]; then why="the count gave '$GOT', want '$G_want' (output: $(head -c 300 "$TMP/load-$p.out" | tr '\n' '|'))"
	elif [ "$TOOL_RC" != 0 ]; then why="exit status $TOOL_RC after SIGTERM: $(grep -v 'attached via' "$TMP/load-$p.err" | head -c 300)"
	elif [ "$TOOL_ALIVE" != 1 ]; then why="it had ended before SIGTERM"
	fi
	[ "$RUN_OK" = 1 ] && [ "$NOTHING" = "$G_want" ] &&
		fail "$t: table" "count gives '$G_want' for no records too: it cannot tell the trigger was seen"
	if [ -z "$why" ]; then
		pass "load: $t: via $label: loads, attaches, sees its trigger exactly, ends with 0"
		PATH_RESULT=pass
	else
		fail "load: $t: via ${label:-its chosen path}" "$why"
		PATH_RESULT=fail
	fi
	matrix "$t" "${label:-none}" $PATH_RESULT
}

# host_has TOOL PATH: the host ran that path (in a VM).
host_has() {
	grep -qx "$1 $2" "$HOST_PATHS" 2>/dev/null
}

load_tool() {
	local t=$1 p chosen=
	gen_setup "$t" || return
	[ "$G_kind" = filter ] && return
	if [ "$G_trigger" = - ]; then
		skip "load: $t: its attach paths" "its row in tests/tools.table has no trigger yet"
		return
	fi
	if [ -z "$G_paths" ] || [ "$VM_SCOPE" = chosen ]; then
		path_run "$t" ""
	elif [ "$IN_VM" = 1 ]; then
		path_run "$t" ""
		chosen=$ATTACH_PATH
		for p in $G_paths; do
			[ "$p" = "$chosen" ] || host_has "$t" "$p" && continue
			path_run "$t" "$p"
			[ $PATH_RESULT = n/a ] && matrix "$t" "$p" n/a
		done
	else
		for p in $G_paths; do
			path_run "$t" "$p"
			[ $PATH_RESULT = n/a ] && matrix "$t" "$p" n/a
		done
	fi
	# (Nothing to check where the kernel had none of its hooks.)
	[ -n "$OWN_IDS" ] || [ "$PATH_RESULT" != n/a ] &&
		no_leaks "load: $t: no BPF program or link is left behind"
	OWN_IDS=
}

probe_tool() {
	local t=$1 p rc
	gen_setup "$t" || return
	[ "$G_kind" = filter ] && return
	I_PID[a]=$$ I_RUN[a]=$WDIR I_PORT[a]=$(free_port)
	tool_args
	for p in $G_paths; do
		rc=0
		timeout -k 5 20 "$BIN/$t" --force-path="$p" -d 0.01 "${TARGS[@]}" >/dev/null 2>"$TMP/probe.err" </dev/null || rc=$?
		if grep -q "not available on this kernel" "$TMP/probe.err" ||
			kernel_unsupported "$t" "$TMP/probe.err" $rc; then
			echo "HOSTPATH $t $p no"
		else
			echo "HOSTPATH $t $p yes"
		fi
	done
}

table_read
for e in "${TAB_ERRORS[@]}"; do fail "table" "$e"; done
probe=
if [ "${1:-}" = --probe ]; then probe=1; shift; fi
[ $# -gt 0 ] || set -- "${TAB_TOOLS[@]}"
for t in "$@"; do
	if [ -n "$probe" ]; then probe_tool "$t"; else load_tool "$t"; fi
done
