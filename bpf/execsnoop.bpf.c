// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * execsnoop: execve() and execveat() calls, with argv and the result.
 *
 * Preferred path: the syscall tracepoints. The entry remembers where argv is
 * (`starts`, under the thread's ID); the exit adds the result and emits the
 * event with argv read where it is sure to be in memory:
 * - after a successful exec, from the new program's stack (mm->arg_start to
 *   arg_end), where the kernel has just copied the strings;
 * - after a failed one, from the caller's argv, which the kernel has read
 *   (and so paged in) unless it failed before that.
 * The caller's memory is not read at the entry: argv strings that are not
 * paged in yet (a fresh mapping, a program's untouched .rodata) cannot be
 * read there, as bpf_probe_read_user() does not fault pages in.
 * Kernels without syscall tracepoints use sched:sched_process_exec (tp_btf),
 * which fires only for execs that succeeded and reads the new program's
 * stack the same way.
 */
#include "events.bpf.h"
#include "execsnoop.h"

/* --max-args */
const volatile __u32 targ_max_args = EXECSNOOP_DEFAULT_ARGS;

BK_SCRATCH(scratch, struct exec_event);

/* The argv pointer of each exec in flight. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);	/* tid */
	__type(value, const char *const *);
} starts SEC(".maps");

/*
 * -p and -u can be checked at the entry, as an exec keeps the PID and the
 * real UID; -n and --cgroup wait for the exit, where -n sees the new name.
 */
static __always_inline bool filtered_at_entry(__u64 id)
{
	if (bk_filter.tgid && (__u32)(id >> 32) != bk_filter.tgid)
		return true;
	return bk_filter.uid_set && (__u32)bpf_get_current_uid_gid() != bk_filter.uid;
}

/*
 * The caller's argv, up to targ_max_args arguments of at most
 * EXECSNOOP_ARG_LEN - 1 bytes, back to back. It stops at the first argument
 * that does not fit (that one is kept, cut: the record says so) or cannot be
 * read (the record says that).
 */
static __always_inline void read_argv(struct exec_event *e, const char *const *argv)
{
	__u32 off = 0;

	for (int i = 0; i < EXECSNOOP_MAX_ARGS; i++) {
		const char *arg = NULL;
		long n;
		char c = 0;

		if (bpf_probe_read_user(&arg, sizeof(arg), &argv[i])) {
			e->str_flags |= BK_STR_UNREADABLE(0);
			break;
		}
		if (!arg)
			break;
		if (i >= targ_max_args || off > EXECSNOOP_ARGS_SIZE - EXECSNOOP_ARG_LEN) {
			e->str_flags |= BK_STR_CUT(0);
			break;
		}
		n = bpf_probe_read_user_str(&e->args[off], EXECSNOOP_ARG_LEN, arg);
		if (n < 0) {
			e->str_flags |= BK_STR_UNREADABLE(0);
			break;
		}
		/*
		 * Older kernels (6.1 among them) count an empty string as 0
		 * bytes, not 1 (they do copy its NUL). Adding 1 when n is 0
		 * without a branch keeps the verifier on one path.
		 */
		n += (__u64)(n - 1) >> 63;
		/*
		 * arg[n - 1] is the NUL of an argument that fit, and the first
		 * byte left out of one that did not. Reading it whatever n is
		 * keeps the verifier from following two paths per argument.
		 */
		bpf_probe_read_user(&c, 1, arg + n - 1);
		off += n;
		if (c) {
			/* Cut: it ends the record without its NUL, marked. */
			off--;
			e->str_flags |= BK_STR_CUT(0);
			break;
		}
	}
	e->args_size = off;
}

/*
 * The new program's argv: the strings back to back on its stack, where the
 * kernel has just copied them (so they are in memory). The user side keeps
 * the first --max-args of them.
 */
static __always_inline void read_new_argv(struct exec_event *e, struct task_struct *task)
{
	unsigned long start = BPF_CORE_READ(task, mm, arg_start);
	unsigned long len = BPF_CORE_READ(task, mm, arg_end) - start;

	if (len > EXECSNOOP_ARGS_SIZE) {
		len = EXECSNOOP_ARGS_SIZE;
		e->str_flags |= BK_STR_CUT(0);
	}
	if (bpf_probe_read_user(e->args, len, (const void *)start)) {
		len = 0;
		e->str_flags |= BK_STR_UNREADABLE(0);
	}
	e->args_size = len;
}

static __always_inline int enter(const char *const *argv)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;

	if (filtered_at_entry(id))
		return 0;
	bk_starts_update(&starts, &tid, &argv);
	return 0;
}

/* Fills in who and what, and sends the header plus the used part of args[]. */
static __always_inline void emit(struct exec_event *e, long ret, __u64 id,
				 struct task_struct *task)
{
	__u64 size = e->args_size;

	e->ts_ns = bpf_ktime_get_ns();
	e->ret = ret;
	e->tgid = id >> 32;
	e->tid = (__u32)id;
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->ppid = BPF_CORE_READ(task, real_parent, tgid);
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	/* The compiler knows size fits; the verifier must see it checked. */
	barrier_var(size);
	if (size > EXECSNOOP_ARGS_SIZE)
		size = EXECSNOOP_ARGS_SIZE;
	bk_output(e, EXECSNOOP_EVENT_HEAD + size);
}

static __always_inline int leave(long ret)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;
	const char *const *argv, *const *const *argvp = bpf_map_lookup_elem(&starts, &tid);
	struct exec_event *e;

	if (!argvp)
		return 0;
	argv = *argvp;
	bpf_map_delete_elem(&starts, &tid);
	if ((bk_filter.failed_only && ret >= 0) || bk_filtered(id))
		return 0;
	e = bk_scratch(&scratch);
	if (!e)
		return 0;
	e->str_flags = 0;
	if (ret == 0)
		read_new_argv(e, task);
	else
		read_argv(e, argv);
	emit(e, ret, id, task);
	return 0;
}

/* tracepoint syscalls:sys_enter_execve(const char *filename, const char *const *argv, const char *const *envp) */
SEC("tracepoint/syscalls/sys_enter_execve")
int handle_execve(struct trace_event_raw_sys_enter *ctx)
{
	return enter((const char *const *)ctx->args[1]);
}

/* tracepoint syscalls:sys_enter_execveat(int fd, const char *filename, const char *const *argv, const char *const *envp, int flags) */
SEC("tracepoint/syscalls/sys_enter_execveat")
int handle_execveat(struct trace_event_raw_sys_enter *ctx)
{
	return enter((const char *const *)ctx->args[2]);
}

/* tracepoint syscalls:sys_exit_execve(long ret) */
SEC("tracepoint/syscalls/sys_exit_execve")
int handle_execve_exit(struct trace_event_raw_sys_exit *ctx)
{
	return leave(ctx->ret);
}

/* tracepoint syscalls:sys_exit_execveat(long ret) */
SEC("tracepoint/syscalls/sys_exit_execveat")
int handle_execveat_exit(struct trace_event_raw_sys_exit *ctx)
{
	return leave(ctx->ret);
}

/*
 * tracepoint sched:sched_process_exec(pid_t pid, pid_t old_pid): a thread
 * other than the leader exec'd and took over the PID, so its exit comes
 * under another thread ID than its entry.
 */
SEC("tracepoint/sched/sched_process_exec")
int handle_exec_rekey(struct trace_event_raw_sched_process_exec *ctx)
{
	__u32 old_tid = ctx->old_pid, tid = ctx->pid;
	const char *const *const *argvp;

	if (old_tid == tid)
		return 0;
	argvp = bpf_map_lookup_elem(&starts, &old_tid);
	if (!argvp)
		return 0;
	bk_starts_update(&starts, &tid, argvp);
	bpf_map_delete_elem(&starts, &old_tid);
	return 0;
}

/* tp_btf sched_process_exec(struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm) */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(handle_exec_btf, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct exec_event *e;

	if (bk_filter.failed_only || bk_filtered(id))
		return 0;
	e = bk_scratch(&scratch);
	if (!e)
		return 0;
	e->str_flags = 0;
	read_new_argv(e, p);
	emit(e, 0, id, p);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
