// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * runqlat: run-queue latency (from runnable to running) as log2 histograms,
 * for everything or per process or thread. The waits are measured as
 * bpf/runqwait.bpf.h says, on sched_switch, sched_wakeup and
 * sched_wakeup_new as tp_btf, raw_tp or tracepoints. The only CO-RE read is
 * --pidnss's: the PID namespace of the task that waited, current then.
 */
#define BPF_NO_PRESERVE_ACCESS_INDEX
#include "bpfkit.bpf.h"
#include "runqlat.h"
#define RUNQ_WAITS RUNQLAT_WAITS
#include "runqwait.bpf.h"
#include "taskhist.bpf.h"

/*
 * The inode number of the current task's PID namespace: the one its pid
 * lives in (task_active_pid_ns()). At its last switch an exiting thread
 * other than the leader has released its pid already (and its nsproxy):
 * its leader's is the same namespace. 0 when neither is there.
 */
static __always_inline __u32 current_pidns(void)
{
	struct task_struct *task = (void *)bpf_get_current_task();
	struct pid *pid = BPF_CORE_READ(task, thread_pid);
	struct upid up = {};
	unsigned int level;

	if (!pid)
		pid = BPF_CORE_READ(task, group_leader, thread_pid);
	level = BPF_CORE_READ(pid, level);
	bpf_core_read(&up, sizeof(up), &pid->numbers[level]);
	return BPF_CORE_READ(up.ns, ns.inum);
}

static __always_inline void on_wait(void *ctx, __u64 id, __u64 delta_ns, struct runq_wait *w)
{
	if (targ_by == BK_TASKHIST_PIDNS)
		bk_taskhist_add_key(current_pidns(), id, delta_ns);
	else
		bk_taskhist_add(id, delta_ns);
}

RUNQ_SWITCH(on_wait)

char LICENSE[] SEC("license") = "Dual BSD/GPL";
