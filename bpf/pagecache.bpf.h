/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * The page-cache hooks cachestat and cachetop share: each calls the
 * includer's pc_add(what, pages) with a CACHESTAT_* counter.
 *
 * A read's accesses are the pages of the range filemap_get_pages() asks
 * for (mm_filemap_get_pages, Linux 6.10), a fault's its page
 * (mm_filemap_fault), a miss each page mm_filemap_add_to_page_cache adds.
 * filemap_read() asks again for the rest of a range it is part-way through;
 * such a call of the same thread on the same file, ending where the last
 * one did, adds nothing. Kernels without those two tracepoints (6.1) get
 * fentry, else kprobes, on the entry of filemap_read(), which takes the same
 * range from the kiocb and the iov_iter the way filemap_read() gives it to
 * filemap_get_pages() (its checks first: nothing at or past the end of the
 * file), once per read, and of filemap_fault() (nothing past the end of the
 * file, as the tracepoint). The same pages on every path.
 * (The fentry/kprobe count of folio_mark_accessed() calls other cachestats
 * use is not kept: it marks only the first folio of a batch, so it is not a
 * count of pages.) Dirtied and evicted pages come from the
 * writeback_dirty_folio and mm_filemap_delete_from_page_cache tracepoints,
 * and misses from mm_filemap_add_to_page_cache, on every path (6.1 has them).
 */
#ifndef BPFKIT_PAGECACHE_BPF_H
#define BPFKIT_PAGECACHE_BPF_H

#include "bpfkit.bpf.h"
#include "filemaprec.bpf.h"
#include "cachestat.h"

static __always_inline void pc_add(__u32 what, __u64 n);

/* The last read range per thread (tracepoint path). */

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

/* A read's range (bk_filemap_range), counted as accesses. */
static __always_inline void pc_read(__s64 pos, __u64 count, __s64 maxbytes, __s64 size)
{
	__u64 index, last;

	if (bk_filemap_range(pos, count, maxbytes, size, &index, &last))
		pc_add(CACHESTAT_ACCESSES, last - index + 1);
}

/* A fault at page `index` of a file of `size` bytes: none past its end. */
static __always_inline void pc_fault(__u64 index, __s64 size)
{
	if (bk_filemap_in_file(index, size))
		pc_add(CACHESTAT_ACCESSES, 1);
}

/*
 * fentry ssize_t filemap_read(struct kiocb *iocb, struct iov_iter *iter,
 * ssize_t already_read): plain BTF loads, no helper calls.
 */
SEC("fentry/filemap_read")
int BPF_PROG(handle_read_fentry, struct kiocb *iocb, struct iov_iter *iter)
{
	struct inode *inode = __builtin_preserve_access_index(iocb->ki_filp->f_mapping->host);

	pc_read(__builtin_preserve_access_index(iocb->ki_pos),
		__builtin_preserve_access_index(iter->count),
		__builtin_preserve_access_index(inode->i_sb->s_maxbytes),
		__builtin_preserve_access_index(inode->i_size));
	return 0;
}

/* fentry vm_fault_t filemap_fault(struct vm_fault *vmf) */
SEC("fentry/filemap_fault")
int BPF_PROG(handle_fault_fentry, struct vm_fault *vmf)
{
	pc_fault(__builtin_preserve_access_index(vmf->pgoff),
		 __builtin_preserve_access_index(vmf->vma->vm_file->f_mapping->host->i_size));
	return 0;
}

/* kprobe ssize_t filemap_read(struct kiocb *iocb, struct iov_iter *iter, ssize_t already_read) */
SEC("kprobe/filemap_read")
int BPF_KPROBE(handle_read_kprobe, struct kiocb *iocb, struct iov_iter *iter)
{
	struct inode *inode = BPF_CORE_READ(iocb, ki_filp, f_mapping, host);

	pc_read(BPF_CORE_READ(iocb, ki_pos), BPF_CORE_READ(iter, count),
		BPF_CORE_READ(inode, i_sb, s_maxbytes), BPF_CORE_READ(inode, i_size));
	return 0;
}

/* kprobe vm_fault_t filemap_fault(struct vm_fault *vmf) */
SEC("kprobe/filemap_fault")
int BPF_KPROBE(handle_fault_kprobe, struct vm_fault *vmf)
{
	pc_fault(BPF_CORE_READ(vmf, pgoff), BPF_CORE_READ(vmf, vma, vm_file, f_mapping, host, i_size));
	return 0;
}

/* tracepoint filemap:mm_filemap_add_to_page_cache(pfn, i_ino, index, s_dev, order) */
SEC("tracepoint/filemap/mm_filemap_add_to_page_cache")
int handle_add(struct trace_event_raw_mm_filemap_op_page_cache *ctx)
{
	pc_add(CACHESTAT_ADDED, bk_filemap_folio_pages(ctx));
	return 0;
}

/* tracepoint filemap:mm_filemap_delete_from_page_cache(pfn, i_ino, index, s_dev, order) */
SEC("tracepoint/filemap/mm_filemap_delete_from_page_cache")
int handle_delete(struct trace_event_raw_mm_filemap_op_page_cache *ctx)
{
	pc_add(CACHESTAT_EVICTED, bk_filemap_folio_pages(ctx));
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
