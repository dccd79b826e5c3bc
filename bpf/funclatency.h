/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* funclatency's maps ABI, shared by bpf/funclatency.bpf.c and tools/funclatency.c. */
#ifndef FUNCLATENCY_H
#define FUNCLATENCY_H

#define FUNCLATENCY_SLOTS 32
/* The default cap on the functions of one pattern (--max-probes). */
#define FUNCLATENCY_MAX_FUNCS 1000

/* One per probed function, indexed like the tool's function table. */
struct funclatency_hist {
	__u64 count;		/* returns seen (exact) */
	__u64 total_ns;		/* sum of their latencies */
	__u32 slots[FUNCLATENCY_SLOTS];	/* log2 of the latency in the chosen unit */
};

#endif
