// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * offwaketime: time off CPU by the blocked thread's stacks joined with the
 * stacks of the thread that woke it.
 *
 * sched_switch: the thread leaving the CPU to sleep is current: the filters
 * apply, its stacks and the time are stored under its `who` key
 * (bpf/sched.bpf.h). sched_waking runs in the waker's context: its stacks
 * join the entry. When the thread is switched in again, the time since it
 * blocked is added to the count of both. tp_btf, raw_tp or tracepoints, no
 * CO-RE read.
 */
#define BPF_NO_PRESERVE_ACCESS_INDEX
#include "stacks.bpf.h"
#include "sched.bpf.h"
#include "offwaketime.h"

const volatile __u64 targ_min_ns = 1000;
const volatile __u64 targ_max_ns = ~0ULL;
/* --state: TASK_* bits of the blocks to count; ~0: all. */
const volatile __u32 targ_state = ~0U;

struct start {
	__u64 ts_ns;
	__u32 woken;		/* the waker's stacks are in key */
	__u32 pad;
	struct offwake_key key;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, OFFWAKETIME_STARTS);
	__type(key, __u64);
	__type(value, struct start);
} starts SEC(".maps");

/* Sized by the user side (--stack-storage). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct offwake_key);
	__type(value, __u64);
} counts SEC(".maps");

/* Too big for the BPF stack: one per CPU. */
BK_SCRATCH(scratch, struct start);

static __always_inline void on_switch(void *ctx, __u64 prev, __u32 state, __u64 next)
{
	__u64 id = bpf_get_current_pid_tgid(), delta;
	struct start *s;

	/* next gets the CPU back: its time off CPU, with its waker's stacks. */
	s = bpf_map_lookup_elem(&starts, &next);
	if (s) {
		delta = bpf_ktime_get_ns() - s->ts_ns;
		if (s->woken && delta >= targ_min_ns && delta <= targ_max_ns) {
			bk_stack_add(&counts, &s->key, delta);
			bk_stack_seen(s->key.blocked.tgid);
			bk_stack_seen(s->key.waker.tgid);
		}
		bpf_map_delete_elem(&starts, &next);
	}
	/* prev (current) goes to sleep. */
	if (!(__u32)id || !state || !(state & targ_state) || bk_filtered(id))
		return;
	s = bk_scratch(&scratch);
	if (!s)
		return;
	__builtin_memset(s, 0, sizeof(*s));
	bk_stack_key_fill(ctx, &s->key.blocked, id);
	s->ts_ns = bpf_ktime_get_ns();
	bk_starts_update(&starts, &prev, s);
}

/* The waker (current) wakes who: the first waker's stacks join who's entry. */
static __always_inline void on_waking(void *ctx, __u64 who)
{
	struct start *s = bpf_map_lookup_elem(&starts, &who);
	__u64 id = bpf_get_current_pid_tgid();

	if (!s || s->woken)
		return;
	/* An interrupt on an idle CPU wakes from the idle task: tgid 0, kernel stack only. */
	bk_stack_key_fill(ctx, &s->key.waker, id);
	s->woken = 1;
}

static __always_inline void on_free(void *ctx, __u64 who)
{
	bpf_map_delete_elem(&starts, &who);
}

BK_SCHED_SWITCH(on_switch)
BK_SCHED_WAKING(on_waking)
BK_SCHED_FREE(on_free)

BK_STACK_EXEC_PROG()

char LICENSE[] SEC("license") = "Dual BSD/GPL";
