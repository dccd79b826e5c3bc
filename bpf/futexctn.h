/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* futexctn's table, shared by bpf/futexctn.bpf.c and tools/futexctn.c. */
#ifndef FUTEXCTN_H
#define FUTEXCTN_H

#define FUTEXCTN_SLOTS 32	/* log2 slots of microseconds, as BK_LOG2_SLOTS */

struct futexctn_key {
	__u64 uaddr;		/* the futex word's address in the process */
	__u32 tgid;
	__s32 ustack;		/* user stack id, or -errno (bpf/stacks.bpf.h) */
	char comm[16];
};

struct futexctn_val {
	__u64 count;		/* waits that ended */
	__u64 total_ns;
	__u64 max_ns;
	__u32 slots[FUTEXCTN_SLOTS];	/* log2 of the wait in microseconds */
};

#endif
