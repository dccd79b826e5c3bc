/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* cachetop's ABI, shared by bpf/cachetop.bpf.c and tools/cachetop.c. */
#ifndef CACHETOP_H
#define CACHETOP_H

#include "cachestat.h"

#define CACHETOP_PROCS 16384

/* A process's page-cache counters (CACHESTAT_*), keyed by tgid. */
struct cachetop_proc {
	__u64 c[CACHESTAT_COUNTERS];
	__u32 uid;
	__u32 pad;
	char comm[16];
};

#endif
