/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * offcputime's ABI, shared by bpf/offcputime.bpf.c and tools/offcputime.c:
 * time off CPU (ns) is counted in a table keyed by struct bk_stack_key
 * (stacks_abi.h); the only records are bk_stack_seen notices.
 */
#ifndef OFFCPUTIME_H
#define OFFCPUTIME_H

#include "stacks_abi.h"

#define OFFCPUTIME_DEFAULT_STACKS 16384
#define OFFCPUTIME_STARTS 32768

/* Task states as --state compares them (the kernel's TASK_* report bits). */
#define OFFCPU_STATE_RUNNING 0		/* preempted: still runnable */
#define OFFCPU_STATE_ANY (~0U)		/* no --state */

#endif
