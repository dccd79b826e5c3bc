/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * wakeuptime's ABI, shared by bpf/wakeuptime.bpf.c and tools/wakeuptime.c:
 * the time threads were blocked (ns) is counted in a table keyed by the
 * waker's struct bk_stack_key (stacks_abi.h); the only records are
 * bk_stack_seen notices.
 */
#ifndef WAKEUPTIME_H
#define WAKEUPTIME_H

#include "stacks_abi.h"

#define WAKEUPTIME_STARTS 32768

#endif
