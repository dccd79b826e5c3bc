#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# The attach-path probes of common/core/attach.c, on each kernel of the suite:
# the unit test, run where fentry programs load (the VMs).
. "$(dirname "$0")/../lib.sh"
t=$OUTPUT/tests/unit/test_attach
if [ ! -x "$t" ]; then
	fail "attach: unit test" "$t is not built"
	exit 0
fi
"$t"
# All of the above depends on the kernel: it runs in the VMs too.
host_only
