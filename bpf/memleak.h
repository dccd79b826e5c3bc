/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * memleak's ABI, shared by bpf/memleak.bpf.c and tools/memleak.c: the table
 * of outstanding allocations (address -> size, time, stacks), read by the
 * user side each interval without being emptied; the only records are
 * bk_stack_seen notices.
 */
#ifndef MEMLEAK_H
#define MEMLEAK_H

#include "stacks_abi.h"

#define MEMLEAK_DEFAULT_ALLOCS 262144

/* The allocator function a uprobe is on: its BPF cookie. */
enum {
	MEMLEAK_MALLOC,
	MEMLEAK_CALLOC,
	MEMLEAK_REALLOC,
	MEMLEAK_POSIX_MEMALIGN,
	MEMLEAK_ALIGNED_ALLOC,
	MEMLEAK_VALLOC,
	MEMLEAK_PVALLOC,
	MEMLEAK_MEMALIGN,
	MEMLEAK_MMAP,
	MEMLEAK_FREE,
	MEMLEAK_MUNMAP,
	MEMLEAK_NFUNCS,
};

/* What an address is: user memory, or one of the kernel allocators. */
enum {
	MEMLEAK_USER,
	MEMLEAK_SLAB,		/* kmalloc, kmem_cache_alloc: by address */
	MEMLEAK_PAGE,		/* mm_page_alloc: by page frame number */
	MEMLEAK_PERCPU,		/* percpu_alloc_percpu: by per-CPU pointer */
};

struct memleak_key {
	__u64 addr;		/* address, or page frame number (MEMLEAK_PAGE) */
	__u32 tgid;		/* user memory: the process; kernel memory: 0 */
	__u32 space;		/* MEMLEAK_USER, ... */
};

struct memleak_alloc {
	__u64 size;		/* bytes asked for (pages: PAGE_SIZE << order) */
	__u64 ts_ns;		/* when (bpf_ktime_get_ns) */
	struct bk_stack_key stack;	/* who: tgid, comm, stack ids */
};

#endif
