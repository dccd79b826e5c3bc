/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * profile's ABI, shared by bpf/profile.bpf.c and tools/profile.c: samples
 * are counted in a table keyed by struct bk_stack_key (stacks_abi.h); the
 * only records are the bk_stack_seen notices of new processes.
 */
#ifndef PROFILE_H
#define PROFILE_H

#include "stacks_abi.h"

#define PROFILE_DEFAULT_HZ 49
#define PROFILE_DEFAULT_STACKS 16384

#endif
