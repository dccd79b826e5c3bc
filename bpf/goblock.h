/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* goblock's event and map ABI, shared by bpf/goblock.bpf.c and tools/goblock.c. */
#ifndef GOBLOCK_H
#define GOBLOCK_H

#include "stacks_abi.h"

#define GOBLOCK_SLOTS 32
/* Rows of the summary by wait reason and go statement. */
#define GOBLOCK_MAX_SITES 10240

/* Output modes (targ_mode). */
#define GOBLOCK_SUMMARY 0	/* histograms by reason and go statement */
#define GOBLOCK_STACKS 1	/* blocked time by stack (-f, --svg) */
#define GOBLOCK_STREAM 2	/* one record per wait (--stream) */

/* A goroutine parked, by (tgid, goid) until it runs again. */
struct goblock_park {
	__u64 ts_ns;
	__u64 gopc;		/* the go statement's PC, link-time (0: unknown) */
	__s32 ustack;		/* user stack id (stack mode), else -EFAULT */
	__u32 reason;		/* gopark's waitReason */
};

/* Summary row: wait reason and go statement over every process. */
struct goblock_key {
	__u64 gopc;
	__u32 reason;
	__u32 pad;
};

struct goblock_hist {
	__u64 count;
	__u64 total_ns;
	__u32 slots[GOBLOCK_SLOTS];	/* log2 of the time parked in the chosen unit */
};

/* --stream: one wait, at the goroutine's next run. */
struct goblock_event {
	__u64 ts_ns;		/* when it ran again */
	__u64 blocked_ns;
	__u64 goid;
	__u64 gopc;		/* link-time */
	__u32 tgid;
	__u32 tid;		/* the thread it ran again on */
	__u32 reason;
	__u32 pad;
	char comm[16];
};

#endif
