// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * exitsnoop: process exits (with --threads, thread exits) with their status.
 *
 * One hook, sched:sched_process_exit, which every exiting thread passes in
 * do_exit() after it has set its exit code and left the thread group's count
 * of live threads. It is attached as a tracepoint, else tp_btf, else raw_tp.
 * A process has ended when that count is zero.
 */
#include "events.bpf.h"
#include "exitsnoop.h"

#define SIGNAL_GROUP_EXIT 0x00000004	/* include/linux/sched/signal.h */

/* --threads: report every thread, not only the end of a process. */
const volatile __u32 targ_threads = 0;

/*
 * Threads killed together (exit_group(), a fatal signal) exit on several CPUs
 * at once, and more than one of them can find no live thread left. The first
 * to put its process's signal_struct here reports the process; the value also
 * tells a recycled PID from the same process.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);	/* tgid */
	__type(value, __u64);	/* its signal_struct */
} groups SEC(".maps");

/* bk_filtered(), with -n matching the process's name that the event shows. */
static __always_inline bool filtered(__u64 id, const char *comm)
{
	if (bk_filter.tgid && (__u32)(id >> 32) != bk_filter.tgid)
		return true;
	if (bk_filter.uid_set && (__u32)bpf_get_current_uid_gid() != bk_filter.uid)
		return true;
	if (bk_filter.comm[0] && !bk_comm_matches(comm))
		return true;
	return bk_filter.cgroup_set && !bpf_current_task_under_cgroup(&bk_cgroups, 0);
}

/* The status the parent's wait() will see, as wait_task_zombie() picks it. */
static __always_inline __u32 process_status(struct task_struct *task, struct task_struct *leader)
{
	if (BPF_CORE_READ(task, signal, flags) & SIGNAL_GROUP_EXIT)
		return BPF_CORE_READ(task, signal, group_exit_code);
	return BPF_CORE_READ(leader, exit_code);
}

/* True for the first of the threads that saw their process end. */
static __always_inline bool first_to_report(struct task_struct *task, __u32 tgid)
{
	__u64 sig = (__u64)BPF_CORE_READ(task, signal), *seen;

	/*
	 * No shortcut for "the only thread left": a thread that already
	 * reported may be released before the last one gets here.
	 */
	if (!bpf_map_update_elem(&groups, &tgid, &sig, BPF_NOEXIST))
		return true;
	seen = bpf_map_lookup_elem(&groups, &tgid);
	if (seen && *seen == sig)
		return false;
	bpf_map_update_elem(&groups, &tgid, &sig, BPF_ANY);
	return true;
}

static __always_inline int handle(void)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct task_struct *leader = BPF_CORE_READ(task, group_leader);
	__u64 id = bpf_get_current_pid_tgid(), start;
	struct exit_event *e;
	char comm[16] = {};
	__u32 status;

	if (!targ_threads && BPF_CORE_READ(task, signal, live.counter))
		return 0;
	BPF_CORE_READ_STR_INTO(&comm, leader, comm);
	if (filtered(id, comm))
		return 0;
	if (targ_threads) {
		status = BPF_CORE_READ(task, exit_code);
		start = BPF_CORE_READ(task, start_time);
	} else {
		status = process_status(task, leader);
		start = BPF_CORE_READ(leader, start_time);
	}
	if (bk_filter.failed_only && !status)
		return 0;
	if (!targ_threads && !first_to_report(task, id >> 32))
		return 0;
	e = bk_reserve(sizeof(*e));
	if (!e)
		return 0;
	e->ts_ns = bpf_ktime_get_ns();
	e->age_ns = e->ts_ns - start;
	e->tgid = id >> 32;
	e->tid = (__u32)id;
	e->ppid = BPF_CORE_READ(task, real_parent, tgid);
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->status = status;
	e->pad = 0;
	__builtin_memcpy(e->comm, comm, sizeof(e->comm));
	bk_submit(e);
	return 0;
}

/* tracepoint sched:sched_process_exit(char comm[16], pid_t pid, int prio) */
SEC("tracepoint/sched/sched_process_exit")
int handle_exit(void *ctx)
{
	return handle();
}

/* tp_btf sched_process_exit(struct task_struct *p) */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(handle_exit_btf, struct task_struct *p)
{
	return handle();
}

/* raw_tp sched_process_exit(struct task_struct *p) */
SEC("raw_tp/sched_process_exit")
int BPF_PROG(handle_exit_raw, struct task_struct *p)
{
	return handle();
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
