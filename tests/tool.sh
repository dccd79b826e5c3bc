#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#
# tool.sh TOOL: every integration test of one tool, as tests/run.sh and the
# VMs (tests/vm/init) run them, one after the other:
#
#   tests/integration/load.sh TOOL     its attach paths (depends on the kernel)
#   tests/integration/common.sh TOOL   the checks from its table row (host only)
#   tests/integration/TOOL.sh          its own exact tests; in a VM only if the
#                                      file calls host_only (lib.sh), and only
#                                      the part above that call (whole while
#                                      the tool's row has no trigger); not on
#                                      a kernel of scope `chosen`
#
# A part that exits non-zero without a FAIL line is one failure.
cd "$(dirname "$0")/.." || exit 1
t=${1:?usage: tests/tool.sh TOOL}
in_vm=0
[ -d /etc/bpfkit-vm ] && in_vm=1
rc=0

# part FILE: runs one file, says so when it crashed.
part() {
	local r=0
	bash "$@" >"/tmp/bpfkit-part.$$" 2>&1 </dev/null || r=$?
	cat "/tmp/bpfkit-part.$$"
	PART_OUT=$(cat "/tmp/bpfkit-part.$$")
	if [ $r != 0 ] && ! grep -q '^FAIL ' "/tmp/bpfkit-part.$$"; then
		echo "FAIL $t: $1 exited with status $r"
	fi
	rm -f "/tmp/bpfkit-part.$$"
	[ $r = 0 ] || rc=1
}

part tests/integration/load.sh "$t"
# common.sh does not depend on the kernel; for a tool the host cannot run at
# all (every path n/a in load.sh: dcsnoop, mdflush) its checks that need the
# tool loaded are a SKIP.
no_hooks=0
if grep -q "^MATRIX $t " <<<"$PART_OUT" && ! grep "^MATRIX $t " <<<"$PART_OUT" | grep -qv ' n/a$'; then
	no_hooks=1
fi
[ $in_vm = 1 ] || BK_NO_HOOKS=$no_hooks part tests/integration/common.sh "$t"
# A tool whose row has no trigger yet gets no generic path checks: its own
# file, which then says itself what it runs in a VM, runs there whole.
# On a kernel whose scope is `chosen` (tests/vm/kernels) a tool with a
# trigger gets its chosen path only (load.sh above).
no_trigger=$(. tests/table.sh; table_read; tab_runs "$t" || echo 1)
scope=all
[ $in_vm = 1 ] && [ -f /etc/bpfkit-vm/scope ] && scope=$(cat /etc/bpfkit-vm/scope)
if [ -f "tests/integration/$t.sh" ]; then
	if [ $in_vm = 1 ] && [ "$scope" = chosen ] && [ -z "$no_trigger" ]; then
		:
	elif [ $in_vm = 0 ] || [ -n "$no_trigger" ] || grep -q '^host_only' "tests/integration/$t.sh"; then
		part "tests/integration/$t.sh"
	fi
fi
exit $rc
