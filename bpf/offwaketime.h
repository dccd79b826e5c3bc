/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * offwaketime's ABI, shared by bpf/offwaketime.bpf.c and tools/offwaketime.c:
 * time off CPU (ns) counted by the blocked thread's stacks joined with its
 * waker's; the only records are bk_stack_seen notices.
 */
#ifndef OFFWAKETIME_H
#define OFFWAKETIME_H

#include "stacks_abi.h"

#define OFFWAKETIME_STARTS 32768

/* common/stacks/report.c reads it as two struct bk_stack_key (report.waker). */
struct offwake_key {
	struct bk_stack_key blocked;	/* where it left the CPU */
	struct bk_stack_key waker;	/* who woke it, from where (tgid 0: an idle CPU) */
};

#endif
