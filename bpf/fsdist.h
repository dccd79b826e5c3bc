/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* fsdist's histograms, shared by bpf/fsdist.bpf.c and tools/fsdist.c. */
#ifndef FSDIST_H
#define FSDIST_H

#include "fsops.h"

#define FSDIST_SLOTS 32

/* One per operation (FSOP_*), in the `hists` array. */
struct fsdist_hist {
	__u64 count;		/* operations that ended (exact) */
	__u64 total_ns;		/* the sum of their latencies */
	__u32 slots[FSDIST_SLOTS];	/* log2 of the latency in the chosen unit */
};

#endif
