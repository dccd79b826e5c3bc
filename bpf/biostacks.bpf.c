// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * biostacks: block I/O by the kernel and user stacks that made the
 * requests: the device's time (or with -Q the time from the request's
 * start) summed per stack, in ns, or with --requests the requests counted.
 *
 * The stacks are taken where the issuer is known (bpf/block.bpf.h:
 * block_io_start, or block_bio_queue of the request's first bio), in its
 * context; the time is added when the request completes.
 */
#include "stacks.bpf.h"

/* The stacks of the issuer, kept with the request from its start. */
#define BK_RQ_EXTRA                                                            \
	__s32 ustack;                                                         \
	__s32 kstack;
#define blk_started(ctx, w)                                                    \
	do {                                                                  \
		(w)->ustack = bk_stack_opts.user ? bk_stack_id(ctx, BPF_F_USER_STACK) : -EFAULT; \
		(w)->kstack = bk_stack_opts.kernel ? bk_stack_id(ctx, 0) : -EFAULT; \
	} while (0)
/* The issuer and the times only: the request's own fields are not read. */
#define BK_RQ_NEED_DEV 0
#define BK_RQ_NEED_SECTOR 0
#define BK_RQ_NEED_BYTES 0
#define BK_RQ_NEED_FLAGS 0
#include "block.bpf.h"

const volatile __u32 targ_queued = 0;
const volatile __u32 targ_requests = 0;

BK_STACK_COUNTS(counts);

static __always_inline void blk_done(void *ctx, struct bk_rq *r, __u64 now_ns)
{
	struct bk_stack_key key = {};
	__u64 from = r->issue_ns;

	/* Requests whose start was not seen have no stacks. */
	if (!r->who.start_ns)
		return;
	if (targ_queued && r->who.start_ns < r->issue_ns)
		from = r->who.start_ns;
	key.tgid = r->who.tgid;
	key.tid = bk_stack_opts.per_thread ? r->who.tid : 0;
	key.ustack = r->who.ustack;
	key.kstack = r->who.kstack;
	__builtin_memcpy(key.comm, r->who.comm, sizeof(key.comm));
	bk_stack_add(&counts, &key, targ_requests ? 1 : now_ns - from);
	bk_stack_seen(key.tgid);
}

BK_STACK_EXEC_PROG()

char LICENSE[] SEC("license") = "Dual BSD/GPL";
