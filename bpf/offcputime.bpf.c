// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * offcputime: time spent off CPU, by the stacks that blocked.
 *
 * At sched_switch the task leaving the CPU is current: its stacks and the
 * time are stored under its identity; when it is switched in again, the time
 * off CPU is added to the count of those stacks, in nanoseconds.
 *
 * Three hooks, one body: tp_btf and raw_tp (the arguments of sched_switch:
 * the next task is known by its task_struct pointer, which is never read:
 * no CO-RE relocation, so libbpf reads no kernel BTF for the raw_tp and
 * tracepoint paths), and the sched:sched_switch tracepoint (its record has
 * the next task's pid). Either key names one task while it is off CPU: a
 * task must run to exit.
 */
#define BPF_NO_PRESERVE_ACCESS_INDEX
#include "stacks.bpf.h"
#include "offcputime.h"

const volatile __u64 targ_min_ns = 1000;
const volatile __u64 targ_max_ns = ~0ULL;
/* --state: TASK_* bits to count (0: preempted only); OFFCPU_STATE_ANY: all. */
const volatile __u32 targ_state = OFFCPU_STATE_ANY;

/* The kernel's task state bits (include/linux/sched.h), stable since 2.6. */
#define TASK_UNINTERRUPTIBLE 0x2
#define TASK_NOLOAD 0x400
#define TASK_REPORT_IDLE 0x80
#define TASK_REPORT_MAX 0x100

BK_STACK_COUNTS(counts);

struct start {
	__u64 ts;
	struct bk_stack_key key;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, OFFCPUTIME_STARTS);
	__type(key, __u64);	/* task pointer (tp_btf, raw_tp) or tid (tracepoint) */
	__type(value, struct start);
} starts SEC(".maps");

static __always_inline bool state_wanted(__u32 state)
{
	if (targ_state == OFFCPU_STATE_ANY)
		return true;
	return targ_state ? (state & targ_state) : !state;
}

/* The task leaving the CPU is current. state: 0 when preempted, else TASK_* bits. */
static __always_inline void switch_out(void *ctx, __u64 who, __u32 state)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct start s;

	if (!(__u32)id || !state_wanted(state) || bk_filtered(id))
		return;
	bk_stack_key_fill(ctx, &s.key, id);
	s.ts = bpf_ktime_get_ns();
	bk_starts_update(&starts, &who, &s);
}

static __always_inline void switch_in(__u64 who)
{
	struct start *s = bpf_map_lookup_elem(&starts, &who);
	__u64 delta;

	if (!s)
		return;
	delta = bpf_ktime_get_ns() - s->ts;
	if (delta >= targ_min_ns && delta <= targ_max_ns) {
		bk_stack_add(&counts, &s->key, delta);
		bk_stack_seen(s->key.tgid);
	}
	bpf_map_delete_elem(&starts, &who);
}

/* The raw arguments' state: TASK_IDLE sleepers report as idle, not D. */
static __always_inline __u32 raw_state(__u64 preempt, __u64 state)
{
	if (preempt)
		return 0;
	if (state & TASK_NOLOAD)
		return TASK_REPORT_IDLE;
	return (__u32)state;
}

static __always_inline int on_switch_raw(void *ctx, __u64 preempt, __u64 next, __u64 state)
{
	switch_out(ctx, (__u64)bpf_get_current_task(), raw_state(preempt, state));
	switch_in(next);
	return 0;
}

/* tp_btf sched_switch(bool preempt, struct task_struct *prev, struct task_struct *next, unsigned int prev_state) */
SEC("tp_btf/sched_switch")
int handle_switch(__u64 *ctx)
{
	return on_switch_raw(ctx, ctx[0], ctx[2], ctx[3]);
}

/* raw_tp sched_switch(bool preempt, struct task_struct *prev, struct task_struct *next, unsigned int prev_state) */
SEC("raw_tp/sched_switch")
int handle_switch_raw(struct bpf_raw_tracepoint_args *ctx)
{
	return on_switch_raw(ctx, ctx->args[0], ctx->args[2], ctx->args[3]);
}

/* tracepoint sched:sched_switch(prev_comm, prev_pid, prev_prio, prev_state, next_comm, next_pid, next_prio) */
SEC("tracepoint/sched/sched_switch")
int handle_switch_tp(struct trace_event_raw_sched_switch *ctx)
{
	long state = ctx->prev_state;

	/* The record reports a preempted task as TASK_REPORT_MAX ("R+"). */
	switch_out(ctx, (__u32)ctx->prev_pid, state & TASK_REPORT_MAX ? 0 : (__u32)state);
	switch_in((__u32)ctx->next_pid);
	return 0;
}

BK_STACK_EXEC_PROG()

char LICENSE[] SEC("license") = "Dual BSD/GPL";
