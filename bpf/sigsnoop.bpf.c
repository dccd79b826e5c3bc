// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * sigsnoop: signals as the kernel generates them, with sender, target and
 * what became of them; as killsnoop, the kill-family system calls instead.
 *
 * signal:signal_generate fires in __send_signal_locked() for every signal
 * that reaches a task (kill(), a fault, a child's exit, a timer), with the
 * verdict (delivered, ignored, already pending, ...). A call that fails
 * before that (EPERM, ESRCH) makes no signal: killsnoop's syscall tracepoints
 * show those. Both read stable tracepoint records: no CO-RE relocation.
 */
#include "events.bpf.h"
#include "sigsnoop.h"
#include "sysrec.bpf.h"

/* -s: one signal number; 0 for all. */
const volatile __s32 targ_sig = 0;

/* The signal:signal_generate record as its format file gives it (stable since 3.x). */
struct signal_generate_record {
	__u64 common;
	int sig;
	int errno_;
	int code;
	char comm[16];
	int pid;
	int group;
	int result;
};

struct call {
	__s32 target;
	__s32 target_tid;
	__s32 sig;
	__u32 call;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);	/* tid */
	__type(value, struct call);
} starts SEC(".maps");

static __always_inline struct sig_event *begin(__u64 id)
{
	struct sig_event *e = bk_reserve(sizeof(*e));

	if (!e)
		return NULL;
	e->ts_ns = bpf_ktime_get_ns();
	e->tgid = id >> 32;
	e->tid = (__u32)id;
	e->uid = (__u32)bpf_get_current_uid_gid();
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	return e;
}

/* tracepoint signal:signal_generate(int sig, struct kernel_siginfo *info, struct task_struct *task, int group, int result) */
SEC("tracepoint/signal/signal_generate")
int handle_generate(struct signal_generate_record *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct sig_event *e;
	int sig = ctx->sig, result = ctx->result;

	if (targ_sig && sig != targ_sig)
		return 0;
	if (bk_filter.failed_only && result == SIGSNOOP_DELIVERED)
		return 0;
	if (bk_filtered(id))
		return 0;
	e = begin(id);
	if (!e)
		return 0;
	e->target = ctx->pid;
	e->target_tid = 0;
	e->sig = sig;
	e->code = ctx->code;
	e->result = result;
	e->call = SIGSNOOP_GENERATE;
	e->group = ctx->group;
	bpf_probe_read_kernel(e->target_comm, sizeof(e->target_comm), ctx->comm);
	bk_submit(e);
	return 0;
}

static __always_inline int enter(__u32 call, __s32 target, __s32 target_tid, __s32 sig)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;
	struct call c = { target, target_tid, sig, call };

	if (targ_sig && sig != targ_sig)
		return 0;
	if (bk_filtered(id))
		return 0;
	bk_starts_update(&starts, &tid, &c);
	return 0;
}

static __always_inline int leave(long ret)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;
	struct sig_event *e;
	struct call *c;

	c = bpf_map_lookup_elem(&starts, &tid);
	if (!c)
		return 0;
	if (bk_filter.failed_only && ret >= 0)
		goto out;
	e = begin(id);
	if (!e)
		goto out;
	e->target = c->target;
	e->target_tid = c->target_tid;
	e->sig = c->sig;
	e->code = 0;
	e->result = ret;
	e->call = c->call;
	e->group = 0;
	__builtin_memset(e->target_comm, 0, sizeof(e->target_comm));
	bk_submit(e);
out:
	bpf_map_delete_elem(&starts, &tid);
	return 0;
}

/* tracepoint syscalls:sys_enter_kill(pid_t pid, int sig) */
SEC("tracepoint/syscalls/sys_enter_kill")
int handle_kill(struct bk_sys_enter *ctx)
{
	return enter(SIGSNOOP_KILL, ctx->args[0], 0, ctx->args[1]);
}

/* tracepoint syscalls:sys_enter_tkill(pid_t pid, int sig) */
SEC("tracepoint/syscalls/sys_enter_tkill")
int handle_tkill(struct bk_sys_enter *ctx)
{
	return enter(SIGSNOOP_TKILL, ctx->args[0], 0, ctx->args[1]);
}

/* tracepoint syscalls:sys_enter_tgkill(pid_t tgid, pid_t pid, int sig) */
SEC("tracepoint/syscalls/sys_enter_tgkill")
int handle_tgkill(struct bk_sys_enter *ctx)
{
	return enter(SIGSNOOP_TGKILL, ctx->args[0], ctx->args[1], ctx->args[2]);
}

/* tracepoint syscalls:sys_exit_{kill,tkill,tgkill}(long ret) */
SEC("tracepoint/syscalls/sys_exit_kill")
int handle_kill_exit(struct bk_sys_exit *ctx)
{
	return leave(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_tkill")
int handle_tkill_exit(struct bk_sys_exit *ctx)
{
	return leave(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_tgkill")
int handle_tgkill_exit(struct bk_sys_exit *ctx)
{
	return leave(ctx->ret);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
