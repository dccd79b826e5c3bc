/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * cachestat's ABI, shared by bpf/cachestat.bpf.c and tools/cachestat.c:
 * page counters in a per-CPU array, read (never zeroed) each interval.
 */
#ifndef CACHESTAT_H
#define CACHESTAT_H

enum {
	CACHESTAT_ACCESSES,	/* page-cache lookups: folio_mark_accessed, or read ranges */
	CACHESTAT_ADDED,	/* pages added to the page cache: misses */
	CACHESTAT_DIRTIED,	/* pages dirtied */
	CACHESTAT_EVICTED,	/* pages deleted from the page cache */
	CACHESTAT_COUNTERS,
};

#endif
