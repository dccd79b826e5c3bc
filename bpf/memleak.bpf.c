// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * memleak: allocations not freed yet, with the stacks that made them.
 *
 * User memory: uprobes on the allocator's functions (their BPF cookie says
 * which), return probes where the result is needed. The entry stores the
 * size (and realloc's old pointer, posix_memalign's result pointer) per
 * thread with the stack pointer, in task storage (a pointer away, where a
 * hash map costs a lookup and an update at the entry, a lookup and a delete
 * at the return: a third of the programs' own time per malloc+free, measured
 * with tests/bench/memleak.sh's load); the return adds the block to `allocs` with
 * the user stack, which at the return probe starts at the caller. An
 * allocator function called by another one (realloc(NULL, n) calling
 * malloc, an mmap made by malloc for a big block or a thread's arena) runs
 * deeper on the same stack: it is left to the outer call, so a block is
 * counted once, by what the program asked for. A call whose return never
 * came (longjmp) is replaced by the next call at or above its stack level.
 *
 * Kernel memory: the kmem and percpu tracepoints, with kernel stacks.
 *
 * Frees are never filtered: a block is freed whoever frees it.
 */
#define BPF_NO_PRESERVE_ACCESS_INDEX
#include "stacks.bpf.h"
#include "memleak.h"

#ifndef PAGE_SIZE
#define PAGE_SIZE 4096
#endif

__u64 memleak_lost_allocs = 0;	/* blocks not tracked: `allocs` was full */

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MEMLEAK_DEFAULT_ALLOCS);	/* sized by the user side */
	__type(key, struct memleak_key);
	__type(value, struct memleak_alloc);
} allocs SEC(".maps");

struct call {
	__u64 sp;		/* stack pointer at entry; 0: no call in progress */
	__u64 size;
	__u64 ptr;		/* realloc's old block, posix_memalign's memptr */
	__u32 func;		/* MEMLEAK_* */
	__u32 pad;
};

/* Per thread, freed with it: no table to fill, no entry to delete. */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct call);
} calls SEC(".maps");

static __always_inline struct call *this_call(__u64 flags)
{
	return bpf_task_storage_get(&calls, bpf_get_current_task_btf(), 0, flags);
}

static __always_inline void add_block(void *ctx, __u64 addr, __u32 space, __u64 size, __u64 id)
{
	struct memleak_key k = { .addr = addr, .tgid = space == MEMLEAK_USER ? id >> 32 : 0,
				 .space = space };
	struct memleak_alloc a = { .size = size };

	a.ts_ns = bpf_ktime_get_ns();
	bk_stack_key_fill(ctx, &a.stack, id);
	if (bpf_map_update_elem(&allocs, &k, &a, BPF_ANY))
		__sync_fetch_and_add(&memleak_lost_allocs, 1);
	else
		bk_stack_seen(a.stack.tgid);
}

static __always_inline void free_block(__u64 addr, __u32 tgid, __u32 space)
{
	struct memleak_key k = { .addr = addr, .tgid = tgid, .space = space };

	bpf_map_delete_elem(&allocs, &k);
}

/* An outer allocator call of this thread is running below sp: this one is part of it. */
static __always_inline bool nested(const struct call *c, __u64 sp)
{
	return c && c->sp && sp < c->sp;
}

/* uprobe on malloc(size), calloc(n, size), realloc(ptr, size), posix_memalign(memptr, align, size),
 * aligned_alloc(align, size), valloc(size), pvalloc(size), memalign(align, size), mmap(addr, len, ...) */
SEC("uprobe")
int handle_alloc(struct pt_regs *ctx)
{
	__u64 id = bpf_get_current_pid_tgid(), sp = PT_REGS_SP(ctx);
	struct call *c;

	if (bk_filtered(id))
		return 0;
	c = this_call(BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!c) {
		__sync_fetch_and_add(&bk_lost_starts, 1);
		return 0;
	}
	if (nested(c, sp))
		return 0;
	c->ptr = 0;
	c->func = bpf_get_attach_cookie(ctx);
	switch (c->func) {
	case MEMLEAK_CALLOC:
		c->size = PT_REGS_PARM1(ctx) * PT_REGS_PARM2(ctx);
		break;
	case MEMLEAK_REALLOC:
		c->ptr = PT_REGS_PARM1(ctx);
		c->size = PT_REGS_PARM2(ctx);
		break;
	case MEMLEAK_POSIX_MEMALIGN:
		c->ptr = PT_REGS_PARM1(ctx);
		c->size = PT_REGS_PARM3(ctx);
		break;
	case MEMLEAK_ALIGNED_ALLOC:
	case MEMLEAK_MEMALIGN:
	case MEMLEAK_MMAP:
		c->size = PT_REGS_PARM2(ctx);
		break;
	default:
		c->size = PT_REGS_PARM1(ctx);
	}
	c->sp = sp;
	return 0;
}

/* uretprobe on the functions above */
SEC("uretprobe")
int handle_alloc_exit(struct pt_regs *ctx)
{
	__u64 id = bpf_get_current_pid_tgid(), sp = PT_REGS_SP(ctx), ret = PT_REGS_RC(ctx), addr;
	struct call *cp = this_call(0), c;

	if (!cp || !cp->sp)
		return 0;
	/* x86 pops the return address: the outer call returns above its entry's sp. */
#if defined(__TARGET_ARCH_x86)
	if (sp <= cp->sp)
		return 0;
#else
	if (sp < cp->sp)
		return 0;
#endif
	c = *cp;
	cp->sp = 0;
	addr = ret;
	switch (c.func) {
	case MEMLEAK_POSIX_MEMALIGN:
		if (ret || bpf_probe_read_user(&addr, sizeof(addr), (void *)c.ptr))
			return 0;
		break;
	case MEMLEAK_MMAP:
		if (ret == (__u64)-1)
			return 0;
		break;
	case MEMLEAK_REALLOC:
		/* A block moved or shrunk to nothing (realloc(p, 0) frees p). */
		if (c.ptr && (ret || !c.size))
			free_block(c.ptr, id >> 32, MEMLEAK_USER);
		break;
	}
	if (addr)
		add_block(ctx, addr, MEMLEAK_USER, c.size, id);
	return 0;
}

/* uprobe on free(ptr), munmap(addr, len) */
SEC("uprobe")
int handle_free(struct pt_regs *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();

	/* realloc's own free is done by its return. */
	if (nested(this_call(0), PT_REGS_SP(ctx)))
		return 0;
	free_block(PT_REGS_PARM1(ctx), id >> 32, MEMLEAK_USER);
	return 0;
}

static __always_inline void kernel_alloc(void *ctx, __u64 addr, __u32 space, __u64 size)
{
	__u64 id = bpf_get_current_pid_tgid();

	if (addr && !bk_filtered(id))
		add_block(ctx, addr, space, size, id);
}

/* tracepoint kmem:kmalloc(call_site, ptr, bytes_req, bytes_alloc, gfp_flags, node) */
SEC("tracepoint/kmem/kmalloc")
int handle_kmalloc(struct trace_event_raw_kmalloc *ctx)
{
	kernel_alloc(ctx, (__u64)BPF_CORE_READ(ctx, ptr), MEMLEAK_SLAB, BPF_CORE_READ(ctx, bytes_alloc));
	return 0;
}

/* tracepoint kmem:kmem_cache_alloc(call_site, ptr, [name,] bytes_req, bytes_alloc, gfp_flags, node, accounted) */
SEC("tracepoint/kmem/kmem_cache_alloc")
int handle_cache_alloc(struct trace_event_raw_kmem_cache_alloc *ctx)
{
	kernel_alloc(ctx, (__u64)BPF_CORE_READ(ctx, ptr), MEMLEAK_SLAB, BPF_CORE_READ(ctx, bytes_alloc));
	return 0;
}

/* tracepoint kmem:kfree(call_site, ptr) */
SEC("tracepoint/kmem/kfree")
int handle_kfree(struct trace_event_raw_kfree *ctx)
{
	free_block((__u64)BPF_CORE_READ(ctx, ptr), 0, MEMLEAK_SLAB);
	return 0;
}

/* tracepoint kmem:kmem_cache_free(call_site, ptr, [name]) */
SEC("tracepoint/kmem/kmem_cache_free")
int handle_cache_free(struct trace_event_raw_kmem_cache_free *ctx)
{
	free_block((__u64)BPF_CORE_READ(ctx, ptr), 0, MEMLEAK_SLAB);
	return 0;
}

/* tracepoint kmem:mm_page_alloc(pfn, order, gfp_flags, migratetype) */
SEC("tracepoint/kmem/mm_page_alloc")
int handle_page_alloc(struct trace_event_raw_mm_page_alloc *ctx)
{
	__u32 order = BPF_CORE_READ(ctx, order);

	/* A failed allocation has pfn -1 (page NULL). */
	if (BPF_CORE_READ(ctx, pfn) != (unsigned long)-1)
		kernel_alloc(ctx, BPF_CORE_READ(ctx, pfn), MEMLEAK_PAGE, (__u64)PAGE_SIZE << (order & 31));
	return 0;
}

/* tracepoint kmem:mm_page_free(pfn, order) */
SEC("tracepoint/kmem/mm_page_free")
int handle_page_free(struct trace_event_raw_mm_page_free *ctx)
{
	free_block(BPF_CORE_READ(ctx, pfn), 0, MEMLEAK_PAGE);
	return 0;
}

/* tracepoint percpu:percpu_alloc_percpu(call_site, reserved, is_atomic, size, align, base_addr, off, ptr, ...) */
SEC("tracepoint/percpu/percpu_alloc_percpu")
int handle_percpu_alloc(struct trace_event_raw_percpu_alloc_percpu *ctx)
{
	kernel_alloc(ctx, (__u64)BPF_CORE_READ(ctx, ptr), MEMLEAK_PERCPU, BPF_CORE_READ(ctx, size));
	return 0;
}

/* tracepoint percpu:percpu_free_percpu(base_addr, off, ptr) */
SEC("tracepoint/percpu/percpu_free_percpu")
int handle_percpu_free(struct trace_event_raw_percpu_free_percpu *ctx)
{
	free_block((__u64)BPF_CORE_READ(ctx, ptr), 0, MEMLEAK_PERCPU);
	return 0;
}

/* tracepoint sched:sched_process_exec(filename, pid, old_pid) */
SEC("tracepoint/sched/sched_process_exec")
int handle_exec(void *ctx)
{
	bk_stack_exec();
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
