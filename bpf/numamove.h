/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* numamove's ABI, shared by bpf/numamove.bpf.c and tools/numamove.c. */
#ifndef NUMAMOVE_H
#define NUMAMOVE_H

#define NUMAMOVE_STARTS 16384

/* Counters in a per-CPU array, read (never zeroed) each interval. */
enum {
	NUMAMOVE_CALLS,		/* migrate_pages() calls of the reason */
	NUMAMOVE_PAGES,		/* pages (folios) migrated */
	NUMAMOVE_FAILED,	/* pages that could not be */
	NUMAMOVE_NS,		/* time spent in them */
	NUMAMOVE_COUNTERS,
};

#endif
