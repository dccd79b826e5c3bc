/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* gofunclat's maps ABI, shared by bpf/gofunclat.bpf.c and tools/gofunclat.c. */
#ifndef GOFUNCLAT_H
#define GOFUNCLAT_H

#define GOFUNCLAT_SLOTS 32

/* One per probed function, indexed like the tool's function table. */
struct gofunclat_hist {
	__u64 count;		/* returns seen (exact) */
	__u64 total_ns;		/* sum of their latencies */
	__u32 slots[GOFUNCLAT_SLOTS];	/* log2 of the latency in the chosen unit */
};

#endif
