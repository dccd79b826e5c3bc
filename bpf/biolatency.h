/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* biolatency's map ABI, shared by bpf/biolatency.bpf.c and tools/biolatency.c. */
#ifndef BIOLATENCY_H
#define BIOLATENCY_H

#define BIOLATENCY_SLOTS 32
#define BIOLATENCY_MAX_KEYS 1024

/* What a histogram is kept per: the disk with -D, the flags with -F, else all zero. */
struct bl_key {
	__u32 dev;		/* BK_BLOCK_DEV() of the disk */
	__u32 cmd_flags;	/* REQ_OP_* and REQ_* bits */
};

struct bl_hist {
	__u64 count;		/* requests completed */
	__u64 total_ns;		/* the sum of their latencies */
	__u32 slots[BIOLATENCY_SLOTS];	/* log2 of the latency in the unit (us or ms) */
};

#endif
