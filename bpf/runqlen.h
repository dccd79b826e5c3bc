/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* runqlen's map ABI, shared by bpf/runqlen.bpf.c and tools/runqlen.c. */
#ifndef RUNQLEN_H
#define RUNQLEN_H

/* Queue lengths 0 to RUNQLEN_SLOTS - 2 apart; the last slot holds the longer ones. */
#define RUNQLEN_SLOTS 64
#define RUNQLEN_MAX_CPUS 8192

/* One per CPU, indexed by CPU number, written by that CPU only. */
struct runqlen_cpu {
	__u64 samples;
	__u64 occupied;			/* samples with a task waiting */
	__u32 slots[RUNQLEN_SLOTS];	/* samples by tasks waiting */
};

#endif
