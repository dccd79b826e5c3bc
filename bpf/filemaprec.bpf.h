/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * The record of the filemap:mm_filemap_get_pages tracepoint, as its format
 * file gives it (include/trace/events/filemap.h, stable since 6.10): its
 * leading fields, read without CO-RE relocations. cachestat, cachetop
 * (pagecache.bpf.h) and readahead read it.
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

#endif
