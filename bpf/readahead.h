/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* readahead's ABI, shared by bpf/readahead.bpf.c and tools/readahead.c. */
#ifndef READAHEAD_H
#define READAHEAD_H


#define READAHEAD_PAGES 262144	/* readahead folios tracked until used or evicted */
#define READAHEAD_SLOTS 32

/* Counters in a per-CPU array, read (never zeroed) each interval. */
enum {
	READAHEAD_READ,		/* pages read ahead */
	READAHEAD_USED,		/* of those, read or faulted in later */
	READAHEAD_EVICTED,	/* of those, evicted before any use */
	READAHEAD_LOST,		/* read ahead but not tracked: the table was full */
	READAHEAD_COUNTERS,
};

/* A page-cache folio by file and index. */
struct ra_key {
	__u64 ino;
	__u64 index;
	__u32 dev;
	__u32 pad;
};

struct ra_page {
	__u64 ts_ns;		/* when it was added */
	__u64 pages;		/* of the folio */
};

/* Age of used readahead pages at their first use, log2 milliseconds. */
struct ra_hist {
	__u32 slots[READAHEAD_SLOTS];
};

#endif
