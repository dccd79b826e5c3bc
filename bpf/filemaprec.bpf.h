/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * The record of the filemap:mm_filemap_get_pages tracepoint, as its format
 * file gives it (include/trace/events/filemap.h, stable since 6.10): its
 * leading fields, read without CO-RE relocations. cachestat, cachetop
 * (pagecache.bpf.h) and readahead read it. Also what their fentry and kprobe
 * paths (kernels before 6.10) share: the same range from filemap_read()'s
 * arguments, and a filemap record's folio size.
 */
#ifndef BPFKIT_FILEMAPREC_BPF_H
#define BPFKIT_FILEMAPREC_BPF_H

/* tracepoint filemap:mm_filemap_get_pages(i_ino, s_dev, index, last_index) */
struct bk_filemap_range {
	__u64 common;		/* common_type, _flags, _preempt_count, _pid */
	__u64 i_ino;
	__u32 s_dev;
	__u32 pad;
	__u64 index;
	__u64 last_index;
};

/* A read's pages [index, last] of a file, kept per thread. */
struct read_range {
	__u64 ino;
	__u64 index;
	__u64 last;
	__u32 dev;
	__u32 pad;
};

/* log2 of the kernel's page size: the user side sets it (getpagesize()). */
const volatile __u32 filemap_page_shift = 12;

/*
 * A read of `count` bytes at `pos` of a file of `size` bytes whose file
 * system allows `maxbytes`: filemap_read()'s checks (nothing at or past the
 * end of the file) and truncation, then the pages [*index, *last] its first
 * filemap_get_pages() call (and mm_filemap_get_pages) asks for. False when
 * it asks for none.
 */
static __always_inline bool bk_filemap_range(__s64 pos, __u64 count, __s64 maxbytes, __s64 size,
					     __u64 *index, __u64 *last)
{
	__u64 mask = (1ULL << filemap_page_shift) - 1;

	if (pos < 0 || pos >= maxbytes || !count || pos >= size)
		return false;
	if (count > (__u64)(maxbytes - pos))
		count = maxbytes - pos;
	*index = (__u64)pos >> filemap_page_shift;
	*last = (((__u64)pos + count + mask) >> filemap_page_shift) - 1;
	return true;
}

/* Whether page `index` is inside a file of `size` bytes (mm_filemap_fault's check). */
static __always_inline bool bk_filemap_in_file(__u64 index, __s64 size)
{
	__u64 mask = (1ULL << filemap_page_shift) - 1;

	return size > 0 && index < (((__u64)size + mask) >> filemap_page_shift);
}

/* Pages of a folio from a filemap record's order (1 where the record has none: 6.1). */
static __always_inline __u64 bk_filemap_folio_pages(struct trace_event_raw_mm_filemap_op_page_cache *ctx)
{
	if (bpf_core_field_exists(ctx->order))
		return 1ULL << (BPF_CORE_READ(ctx, order) & 15);
	return 1;
}

#endif
