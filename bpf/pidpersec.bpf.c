// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * pidpersec: new processes (and threads) counted, for rates per interval.
 *
 * sched:sched_process_fork fires for every new task with the new task: one
 * whose pid is its tgid is a process. tp_btf (or raw_tp) gives that task;
 * the tracepoint's record alone would not tell a process from a thread. The
 * counts go to a per-CPU array the user side reads without zeroing.
 */
#include "bpfkit.bpf.h"
#include "pidpersec.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, PIDPERSEC_KEYS);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

static __always_inline int handle(struct task_struct *child)
{
	__u32 key = BPF_CORE_READ(child, pid) == BPF_CORE_READ(child, tgid) ? PIDPERSEC_PROCESSES
									      : PIDPERSEC_THREADS;
	__u64 *n;

	if (bk_filtered(bpf_get_current_pid_tgid()))
		return 0;
	n = bpf_map_lookup_elem(&counts, &key);
	if (n)
		*n += 1;
	return 0;
}

/* tp_btf sched_process_fork(struct task_struct *parent, struct task_struct *child) */
SEC("tp_btf/sched_process_fork")
int BPF_PROG(handle_fork, struct task_struct *parent, struct task_struct *child)
{
	return handle(child);
}

/* raw_tp sched_process_fork(struct task_struct *parent, struct task_struct *child) */
SEC("raw_tp/sched_process_fork")
int BPF_PROG(handle_fork_raw, struct task_struct *parent, struct task_struct *child)
{
	return handle(child);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
