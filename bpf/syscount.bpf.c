// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * syscount: system calls counted (and timed) per call, or per process or
 * thread, as they return.
 *
 * Hooks: raw_syscalls:sys_exit (and sys_enter with --latency), as tp_btf,
 * raw_tp or the tracepoint. tp_btf and raw_tp skip building the tracepoint's
 * record, which matters at millions of calls a second; their sys_exit has the
 * registers and the return value, and the call's number is read from the
 * registers (orig_ax on x86, syscallno on arm64): the entry frame's layout,
 * as stable as the system call ABI, so no CO-RE relocation is needed.
 */
#define BPF_NO_PRESERVE_ACCESS_INDEX
#include "bpfkit.bpf.h"
#include "syscount.h"

const volatile __u32 targ_by = SYSCOUNT_BY_CALL;
const volatile __u32 targ_latency = 0;
const volatile __s32 targ_errno = 0;	/* -e: only calls failing with this */

/* Rows not counted because `tasks` was full (-P, -L). */
__u64 task_drops = 0;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SYSCOUNT_NR_MAX);
	__type(key, __u32);
	__type(value, struct syscount_val);
} calls SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SYSCOUNT_MAX_TASKS);
	__type(key, struct syscount_task_key);
	__type(value, struct syscount_task_val);
} tasks SEC(".maps");

/* --latency: when each thread entered its current call. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SYSCOUNT_STARTS);
	__type(key, __u32);
	__type(value, __u64);
} starts SEC(".maps");

#define MAX_ERRNO 4095

static __always_inline void enter(void)
{
	__u64 id = bpf_get_current_pid_tgid(), ts;
	__u32 tid = (__u32)id;

	if (bk_filtered(id))
		return;
	ts = bpf_ktime_get_ns();
	bk_starts_update(&starts, &tid, &ts);
}

static __always_inline void count_task(__u64 id, __u64 ns)
{
	struct syscount_task_key key = { .tgid = id >> 32 };
	struct syscount_task_val *v, zero = {};

	if (targ_by == SYSCOUNT_BY_THREAD)
		key.tid = (__u32)id;
	v = bpf_map_lookup_elem(&tasks, &key);
	if (!v) {
		bpf_get_current_comm(zero.comm, sizeof(zero.comm));
		/* NOEXIST: another CPU may have added it meanwhile; then use theirs. */
		bpf_map_update_elem(&tasks, &key, &zero, BPF_NOEXIST);
		v = bpf_map_lookup_elem(&tasks, &key);
		if (!v) {
			__sync_fetch_and_add(&task_drops, 1);
			return;
		}
	}
	__sync_fetch_and_add(&v->count, 1);
	if (targ_latency)
		__sync_fetch_and_add(&v->total_ns, ns);
}

static __always_inline void leave(long nr, long ret)
{
	__u64 id = bpf_get_current_pid_tgid(), ns = 0, *ts;
	__u32 tid = (__u32)id, slot;
	struct syscount_val *v;

	if (targ_latency) {
		/* Only calls whose entry was seen (and let through the filters). */
		ts = bpf_map_lookup_elem(&starts, &tid);
		if (!ts)
			return;
		ns = bpf_ktime_get_ns() - *ts;
		bpf_map_delete_elem(&starts, &tid);
	} else if (bk_filtered(id)) {
		return;
	}
	if (bk_filter.failed_only && (ret >= 0 || ret < -MAX_ERRNO))
		return;
	if (targ_errno && ret != -targ_errno)
		return;
	if (targ_by != SYSCOUNT_BY_CALL) {
		count_task(id, ns);
		return;
	}
	slot = nr >= 0 && nr < SYSCOUNT_NR_OTHER ? (__u32)nr : SYSCOUNT_NR_OTHER;
	v = bpf_map_lookup_elem(&calls, &slot);
	if (!v)
		return;
	/* Per-CPU: no other CPU writes this value. */
	v->count++;
	v->total_ns += ns;
}

/* The call's number in the registers saved at entry. */
static __always_inline long regs_nr(const struct pt_regs *regs)
{
	long nr = -1;

#if defined(__TARGET_ARCH_x86)
	bpf_probe_read_kernel(&nr, sizeof(nr), &regs->orig_ax);
#elif defined(__TARGET_ARCH_arm64)
	int n = -1;

	bpf_probe_read_kernel(&n, sizeof(n), &regs->syscallno);
	nr = n;
#endif
	return nr;
}

/* tp_btf sys_enter(struct pt_regs *regs, long id) */
SEC("tp_btf/sys_enter")
int handle_enter(__u64 *ctx)
{
	enter();
	return 0;
}

/* tp_btf sys_exit(struct pt_regs *regs, long ret) */
SEC("tp_btf/sys_exit")
int handle_exit(__u64 *ctx)
{
	leave(regs_nr((const struct pt_regs *)ctx[0]), (long)ctx[1]);
	return 0;
}

/* raw_tp sys_enter(struct pt_regs *regs, long id) */
SEC("raw_tp/sys_enter")
int handle_enter_raw(struct bpf_raw_tracepoint_args *ctx)
{
	enter();
	return 0;
}

/* raw_tp sys_exit(struct pt_regs *regs, long ret) */
SEC("raw_tp/sys_exit")
int handle_exit_raw(struct bpf_raw_tracepoint_args *ctx)
{
	leave(regs_nr((const struct pt_regs *)ctx->args[0]), (long)ctx->args[1]);
	return 0;
}

/* tracepoint raw_syscalls:sys_enter(long id, unsigned long args[6]) */
SEC("tracepoint/raw_syscalls/sys_enter")
int handle_enter_tp(struct trace_event_raw_sys_enter *ctx)
{
	enter();
	return 0;
}

/* tracepoint raw_syscalls:sys_exit(long id, long ret) */
SEC("tracepoint/raw_syscalls/sys_exit")
int handle_exit_tp(struct trace_event_raw_sys_exit *ctx)
{
	leave(ctx->id, ctx->ret);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
