/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * The page-cache hooks cachestat and cachetop share: each calls the
 * includer's pc_add(what, pages) with a CACHESTAT_* counter.
 *
 * A read's accesses are the pages of the range filemap_get_pages() asks
 * for (mm_filemap_get_pages, Linux 6.10), a fault's its page
 * (mm_filemap_fault), a miss each page mm_filemap_add_to_page_cache adds.
 * (The fentry/kprobe count of folio_mark_accessed() calls other cachestats
 * use is not kept: it could not be checked against an exact trigger yet.)
 * filemap_read() asks again for the rest of a range it is part-way through;
 * such a call of the same thread on the same file, ending where the last
 * one did, adds nothing. Dirtied and evicted pages come from the
 * writeback_dirty_folio and mm_filemap_delete_from_page_cache tracepoints.
 */
#ifndef BPFKIT_PAGECACHE_BPF_H
#define BPFKIT_PAGECACHE_BPF_H

#include "bpfkit.bpf.h"
#include "filemaprec.bpf.h"
#include "cachestat.h"

static __always_inline void pc_add(__u32 what, __u64 n);

/* The last read range per thread (tracepoint path). */
struct read_range {
	__u64 ino;
	__u64 index;
	__u64 last;
	__u32 dev;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, struct read_range);
} ranges SEC(".maps");

/* tracepoint filemap:mm_filemap_get_pages(i_ino, s_dev, index, last_index) */
SEC("tracepoint/filemap/mm_filemap_get_pages")
int handle_get_pages(struct bk_filemap_range *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct read_range r = { .ino = ctx->i_ino, .index = ctx->index, .last = ctx->last_index,
			   .dev = ctx->s_dev };
	struct read_range *p = bpf_map_lookup_elem(&ranges, &tid);

	if (r.last < r.index)
		return 0;
	/* The rest of the range the last call asked for: counted then. */
	if (!(p && p->ino == r.ino && p->dev == r.dev && p->last == r.last &&
	      r.index > p->index && r.index <= p->last))
		pc_add(CACHESTAT_ACCESSES, r.last - r.index + 1);
	/* In place when the thread has its entry: an update costs a hash insert. */
	if (p)
		*p = r;
	else
		bpf_map_update_elem(&ranges, &tid, &r, BPF_ANY);
	return 0;
}

/* tracepoint filemap:mm_filemap_fault(i_ino, s_dev, index) */
SEC("tracepoint/filemap/mm_filemap_fault")
int handle_fault(void *ctx)
{
	pc_add(CACHESTAT_ACCESSES, 1);
	return 0;
}

/* Pages of a folio from a filemap record's order (1 where the record has none). */
static __always_inline __u64 folio_pages(struct trace_event_raw_mm_filemap_op_page_cache *ctx)
{
	if (bpf_core_field_exists(ctx->order))
		return 1ULL << (BPF_CORE_READ(ctx, order) & 15);
	return 1;
}

/* tracepoint filemap:mm_filemap_add_to_page_cache(pfn, i_ino, index, s_dev, order) */
SEC("tracepoint/filemap/mm_filemap_add_to_page_cache")
int handle_add(struct trace_event_raw_mm_filemap_op_page_cache *ctx)
{
	pc_add(CACHESTAT_ADDED, folio_pages(ctx));
	return 0;
}

/* tracepoint filemap:mm_filemap_delete_from_page_cache(pfn, i_ino, index, s_dev, order) */
SEC("tracepoint/filemap/mm_filemap_delete_from_page_cache")
int handle_delete(struct trace_event_raw_mm_filemap_op_page_cache *ctx)
{
	pc_add(CACHESTAT_EVICTED, folio_pages(ctx));
	return 0;
}

/* tracepoint writeback:writeback_dirty_folio(name, ino, index) */
SEC("tracepoint/writeback/writeback_dirty_folio")
int handle_dirty(void *ctx)
{
	pc_add(CACHESTAT_DIRTIED, 1);
	return 0;
}

#endif
