/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * The scheduler's tracepoints on three paths, one body: sched_switch,
 * sched_wakeup/sched_wakeup_new and sched_waking as tp_btf, raw_tp or the
 * sched: tracepoints (a tool lists them as its variants, in that order).
 *
 * A task that is not current is named by a `who` key: its task_struct
 * pointer on the tp_btf and raw_tp paths (their arguments), its tid on the
 * tracepoint path (the records). The pointer is never read, so the raw_tp
 * and tracepoint paths need no CO-RE relocation; either key names one task
 * for as long as it is off CPU (a task must run to exit). The task leaving
 * the CPU (prev) is current.
 *
 *	static __always_inline void on_switch(void *ctx, __u64 prev, __u32 prev_state, __u64 next);
 *	BK_SCHED_SWITCH(on_switch)	-> handle_switch, handle_switch_raw, handle_switch_tp
 *	BK_SCHED_WAKEUP(on_wakeup)	-> handle_wakeup(_raw, _tp), handle_wakeup_new(_raw, _tp)
 *	BK_SCHED_WAKING(on_waking)	-> handle_waking(_raw, _tp)
 *	BK_SCHED_FREE(on_free)		-> handle_free(_raw, _tp)
 *
 * prev_state is 0 when the task leaving the CPU stays runnable (preempted,
 * or woken before it could sleep: it is still on the run queue), otherwise
 * its TASK_* report bits (1 S, 2 D, ..., 0x80 I for TASK_IDLE sleepers).
 * The tp_btf and raw_tp paths read sched_switch's prev_state argument (Linux
 * 5.18 and later); older kernels use the tracepoint path.
 */
#ifndef BPFKIT_SCHED_BPF_H
#define BPFKIT_SCHED_BPF_H

#include "bpfkit.bpf.h"

/* The kernel's task state bits (include/linux/sched.h), stable since 2.6. */
#define BK_TASK_RUNNING 0x0
#define BK_TASK_UNINTERRUPTIBLE 0x2
#define BK_TASK_NOLOAD 0x400
#define BK_TASK_REPORT_IDLE 0x80
#define BK_TASK_REPORT_MAX 0x100

/* sched_switch's raw arguments as a state: 0 when still runnable. */
static __always_inline __u32 bk_switch_raw_state(__u64 preempt, __u64 state)
{
	if (preempt)
		return 0;
	/* TASK_IDLE sleepers report as idle, not D, as the tracepoint does. */
	if (state & BK_TASK_NOLOAD)
		return BK_TASK_REPORT_IDLE;
	return (__u32)state;
}

/* The tracepoint record's prev_state: a preempted task is TASK_REPORT_MAX ("R+"). */
static __always_inline __u32 bk_switch_tp_state(long state)
{
	return state & BK_TASK_REPORT_MAX ? 0 : (__u32)state;
}

#define BK_SCHED_SWITCH(fn)                                                    \
/* tp_btf sched_switch(bool preempt, struct task_struct *prev, struct task_struct *next, unsigned int prev_state) */ \
SEC("tp_btf/sched_switch")                                                     \
int handle_switch(__u64 *ctx)                                                  \
{                                                                              \
	fn(ctx, (__u64)bpf_get_current_task(), bk_switch_raw_state(ctx[0], ctx[3]), ctx[2]); \
	return 0;                                                              \
}                                                                              \
/* raw_tp sched_switch(bool preempt, struct task_struct *prev, struct task_struct *next, unsigned int prev_state) */ \
SEC("raw_tp/sched_switch")                                                     \
int handle_switch_raw(struct bpf_raw_tracepoint_args *ctx)                     \
{                                                                              \
	fn(ctx, (__u64)bpf_get_current_task(),                                 \
	   bk_switch_raw_state(ctx->args[0], ctx->args[3]), ctx->args[2]);     \
	return 0;                                                              \
}                                                                              \
/* tracepoint sched:sched_switch(prev_comm, prev_pid, prev_prio, prev_state, next_comm, next_pid, next_prio) */ \
SEC("tracepoint/sched/sched_switch")                                           \
int handle_switch_tp(struct trace_event_raw_sched_switch *ctx)                 \
{                                                                              \
	fn(ctx, (__u32)ctx->prev_pid, bk_switch_tp_state(ctx->prev_state),     \
	   (__u32)ctx->next_pid);                                              \
	return 0;                                                              \
}

/* One hook taking the woken task: tp_btf and raw_tp get the pointer, the tracepoint its pid. */
#define BK_SCHED_WAKE_HOOK(fn, event, name)                                    \
/* tp_btf event(struct task_struct *p) */                                      \
SEC("tp_btf/" #event)                                                          \
int name(__u64 *ctx)                                                           \
{                                                                              \
	fn(ctx, ctx[0]);                                                       \
	return 0;                                                              \
}                                                                              \
/* raw_tp event(struct task_struct *p) */                                      \
SEC("raw_tp/" #event)                                                          \
int name##_raw(struct bpf_raw_tracepoint_args *ctx)                            \
{                                                                              \
	fn(ctx, ctx->args[0]);                                                 \
	return 0;                                                              \
}                                                                              \
/* tracepoint sched:event(comm, pid, prio, target_cpu) */                      \
SEC("tracepoint/sched/" #event)                                                \
int name##_tp(struct trace_event_raw_sched_wakeup_template *ctx)               \
{                                                                              \
	fn(ctx, (__u32)ctx->pid);                                              \
	return 0;                                                              \
}

/* A task made runnable: sched_wakeup and sched_wakeup_new (a new task). */
#define BK_SCHED_WAKEUP(fn)                                                    \
	BK_SCHED_WAKE_HOOK(fn, sched_wakeup, handle_wakeup)                    \
	BK_SCHED_WAKE_HOOK(fn, sched_wakeup_new, handle_wakeup_new)

/* A wake-up beginning, in the waker's context (try_to_wake_up). */
#define BK_SCHED_WAKING(fn) BK_SCHED_WAKE_HOOK(fn, sched_waking, handle_waking)

/*
 * A task's last reference gone (delayed_put_task_struct): its key is free.
 * The tracepoint record's comm became a __data_loc string in Linux 6.x, which
 * moved pid: read with CO-RE (the one relocation, on this path only).
 */
#define BK_SCHED_FREE(fn)                                                      \
/* tp_btf sched_process_free(struct task_struct *p) */                        \
SEC("tp_btf/sched_process_free")                                               \
int handle_free(__u64 *ctx)                                                    \
{                                                                              \
	fn(ctx, ctx[0]);                                                       \
	return 0;                                                              \
}                                                                              \
/* raw_tp sched_process_free(struct task_struct *p) */                        \
SEC("raw_tp/sched_process_free")                                               \
int handle_free_raw(struct bpf_raw_tracepoint_args *ctx)                       \
{                                                                              \
	fn(ctx, ctx->args[0]);                                                 \
	return 0;                                                              \
}                                                                              \
/* tracepoint sched:sched_process_free(comm, pid, prio) */                    \
SEC("tracepoint/sched/sched_process_free")                                     \
int handle_free_tp(struct trace_event_raw_sched_process_template *ctx)         \
{                                                                              \
	fn(ctx, (__u32)BPF_CORE_READ(ctx, pid));                               \
	return 0;                                                              \
}

#endif
