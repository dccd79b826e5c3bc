// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * stackcount: hits of functions, tracepoints or USDT probes, counted by the
 * kernel and user stacks that reached them.
 *
 * One program per kind of hook, attached to every probe a pattern matches;
 * each hit adds one to the count of its stacks (bpf/stacks.bpf.h), and a
 * process's first hit is reported so that its symbols are read while it
 * lives.
 */
#include "stacks.bpf.h"
#include <bpf/usdt.bpf.h>

BK_STACK_COUNTS(counts);

static __always_inline int hit(void *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct bk_stack_key key = {};

	if (bk_filtered(id))
		return 0;
	bk_stack_key_fill(ctx, &key, id);
	bk_stack_add(&counts, &key, 1);
	bk_stack_seen(key.tgid);
	return 0;
}

/* uprobe at a user function's entry */
SEC("uprobe")
int handle_hit(struct pt_regs *ctx)
{
	return hit(ctx);
}

/* tracepoint, any: void *ctx (the event record) */
SEC("tracepoint")
int handle_hit_tracepoint(void *ctx)
{
	return hit(ctx);
}

/* kprobe.multi on kernel function entries */
SEC("kprobe.multi")
int handle_hit_kprobe_multi(struct pt_regs *ctx)
{
	return hit(ctx);
}

/* kprobe at a kernel function's entry */
SEC("kprobe")
int handle_hit_kprobe(struct pt_regs *ctx)
{
	return hit(ctx);
}

/* USDT probe, any */
SEC("usdt")
int handle_hit_usdt(struct pt_regs *ctx)
{
	return hit(ctx);
}

/* tracepoint sched:sched_process_exec(filename, pid, old_pid): new binaries, read them again */
SEC("tracepoint/sched/sched_process_exec")
int handle_exec(void *ctx)
{
	bk_stack_exec();
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
