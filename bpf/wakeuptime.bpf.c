// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * wakeuptime: the time threads were blocked, summed by the stacks of the
 * threads that woke them.
 *
 * A thread going to sleep (sched_switch with a sleeping state) is current:
 * the filters apply to it there, and its start is stored under its `who`
 * key (bpf/sched.bpf.h). sched_waking runs in the waker's context: the
 * blocked time up to then is added to the count of the waker's stacks. On
 * tp_btf, raw_tp or tracepoints, with no CO-RE read.
 */
#define BPF_NO_PRESERVE_ACCESS_INDEX
#include "stacks.bpf.h"
#include "sched.bpf.h"
#include "wakeuptime.h"

const volatile __u64 targ_min_ns = 1000;
const volatile __u64 targ_max_ns = ~0ULL;

BK_STACK_COUNTS(counts);

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, WAKEUPTIME_STARTS);
	__type(key, __u64);	/* who: task pointer (tp_btf, raw_tp) or tid (tracepoint) */
	__type(value, __u64);	/* when it blocked */
} starts SEC(".maps");

/* prev (current) leaves the CPU; blocked (not preempted), it waits for a waker. */
static __always_inline void on_switch(void *ctx, __u64 prev, __u32 state, __u64 next)
{
	__u64 id = bpf_get_current_pid_tgid(), ts;

	if (!(__u32)id || !state || bk_filtered(id))
		return;
	ts = bpf_ktime_get_ns();
	bk_starts_update(&starts, &prev, &ts);
}

/* The waker (current) wakes who: who's blocked time goes to the waker's stacks. */
static __always_inline void on_waking(void *ctx, __u64 who)
{
	__u64 *ts = bpf_map_lookup_elem(&starts, &who), delta;
	struct bk_stack_key key = {};

	if (!ts)
		return;
	delta = bpf_ktime_get_ns() - *ts;
	bpf_map_delete_elem(&starts, &who);
	if (delta < targ_min_ns || delta > targ_max_ns)
		return;
	bk_stack_key_fill(ctx, &key, bpf_get_current_pid_tgid());
	bk_stack_add(&counts, &key, delta);
	bk_stack_seen(key.tgid);
}

/* A task gone while blocked (killed) leaves its key free. */
static __always_inline void on_free(void *ctx, __u64 who)
{
	bpf_map_delete_elem(&starts, &who);
}

BK_SCHED_SWITCH(on_switch)
BK_SCHED_WAKING(on_waking)
BK_SCHED_FREE(on_free)

BK_STACK_EXEC_PROG()

char LICENSE[] SEC("license") = "Dual BSD/GPL";
