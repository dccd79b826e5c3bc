// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * threadsnoop: new threads, with their start routine where pthread_create()
 * made them.
 *
 * Every new task passes sched:sched_process_fork, with the new task: a new
 * thread is one whose pid (tid) is not its tgid. That covers every runtime,
 * Go's and others that call clone() themselves. A uprobe on the C library's
 * pthread_create() notes start_routine for the calling thread, and its
 * uretprobe forgets it: a thread made while the note is there came from
 * pthread_create(). tp_btf (or raw_tp) gives the new task; the tracepoint's
 * record would not tell a thread from a process.
 */
#include "events.bpf.h"
#include "threadsnoop.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);	/* tid in pthread_create() */
	__type(value, __u64);	/* its start_routine */
} starts SEC(".maps");

/* uprobe int pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*start_routine)(void *), void *arg) */
SEC("uprobe")
int BPF_KPROBE(handle_pthread_create, void *thread, void *attr, void *start_routine)
{
	__u64 id = bpf_get_current_pid_tgid(), start = (__u64)start_routine;
	__u32 tid = (__u32)id;

	if (bk_filtered(id))
		return 0;
	bk_starts_update(&starts, &tid, &start);
	return 0;
}

/* uretprobe int pthread_create(...) */
SEC("uretprobe")
int BPF_KRETPROBE(handle_pthread_create_exit)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();

	bpf_map_delete_elem(&starts, &tid);
	return 0;
}

static __always_inline int handle(struct task_struct *child)
{
	__u64 id = bpf_get_current_pid_tgid(), *start;
	__u32 tid = (__u32)id, new_tid = BPF_CORE_READ(child, pid);
	struct thread_event *e;

	if (new_tid == BPF_CORE_READ(child, tgid))
		return 0;
	if (bk_filtered(id))
		return 0;
	e = bk_reserve(sizeof(*e));
	if (!e)
		return 0;
	start = bpf_map_lookup_elem(&starts, &tid);
	e->ts_ns = bpf_ktime_get_ns();
	e->start_addr = start ? *start : 0;
	e->tgid = id >> 32;
	e->tid = tid;
	e->new_tid = new_tid;
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->via = start ? THREADSNOOP_PTHREAD : THREADSNOOP_CLONE;
	e->pad = 0;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	/*
	 * The start routine is named from the process's maps: wake the reader
	 * now, while the process most likely still runs.
	 */
	if (start)
		bpf_ringbuf_submit(e, BPF_RB_FORCE_WAKEUP);
	else
		bk_submit(e);
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
