/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * cachestat's ABI, shared by bpf/cachestat.bpf.c and tools/cachestat.c:
 * page counters in a per-CPU array, read (never zeroed) each interval.
 */
#ifndef CACHESTAT_H
#define CACHESTAT_H

enum {
	CACHESTAT_ACCESSES,	/* pages of read ranges, and faults */
	CACHESTAT_ADDED,	/* pages added to the page cache: misses */
	CACHESTAT_DIRTIED,	/* pages dirtied */
	CACHESTAT_EVICTED,	/* pages deleted from the page cache */
	CACHESTAT_COUNTERS,
};

/*
 * Hits from an interval's accesses and added pages (its misses), for
 * cachestat.c and cachetop.c. Readahead adds pages before the reads that
 * ask for them: an interval can add more pages than it accesses, and the
 * next one read them. That excess goes into *carry, and the next interval's
 * accesses pay it off before they count as hits (what it leaves unpaid is
 * dropped: pages read ahead and never read). Never below 0.
 */
static inline __u64 cachestat_hits(__u64 accesses, __u64 added, __u64 *carry)
{
	__u64 owed = added + *carry;

	*carry = added > accesses ? added - accesses : 0;
	return accesses > owed ? accesses - owed : 0;
}

/*
 * The attach paths of bpf/pagecache.bpf.h's programs, for bk_choose() in
 * cachestat.c and cachetop.c (`s` is the skeleton): reads' ranges and
 * faults from the filemap tracepoints (6.10), else fentry, else kprobes on
 * filemap_read() and filemap_fault(); misses, dirtied and evicted pages from
 * tracepoints 6.1 has too, on every path.
 */
#define PAGECACHE_VARIANTS(s)                                                          \
	{ "tracepoint", { (s)->progs.handle_get_pages, (s)->progs.handle_add },        \
	  { (s)->progs.handle_fault, (s)->progs.handle_dirty, (s)->progs.handle_delete } }, \
	{ "fentry", { (s)->progs.handle_read_fentry, (s)->progs.handle_add },          \
	  { (s)->progs.handle_fault_fentry, (s)->progs.handle_dirty,                   \
	    (s)->progs.handle_delete } },                                              \
	{ "kprobe", { (s)->progs.handle_read_kprobe, (s)->progs.handle_add },          \
	  { (s)->progs.handle_fault_kprobe, (s)->progs.handle_dirty,                   \
	    (s)->progs.handle_delete } }

#endif
