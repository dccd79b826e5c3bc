// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * runqlen: the length of each CPU's run queue, sampled by a cpu-clock perf
 * event per CPU: the tasks waiting there for the CPU, that is the CPU's
 * runnable tasks (struct rq's nr_running: every scheduling class, every
 * cgroup) less the one running, unless the CPU is idle.
 *
 * The CPU's struct rq is reached from the sampled task: its sched_entity's
 * cfs_rq, whose rq pointer (kernels with group scheduling) leads to the
 * CPU's queue. The per-CPU variable `runqueues` would be shorter, but a
 * kernel without CONFIG_KALLSYMS_ALL (this host's) cannot resolve it. A
 * kernel without group scheduling has no rq pointer: there the task's cfs_rq
 * is the CPU's, and its count of fair tasks is used, under its name of the
 * kernel at hand (nr_running, nr_queued since Linux 6.13).
 */
#include "bpfkit.bpf.h"
#include "runqlen.h"

/* struct cfs_rq before Linux 6.13. */
struct cfs_rq___old {
	unsigned int nr_running;
} __attribute__((preserve_access_index));

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, RUNQLEN_MAX_CPUS);	/* set to the CPU count before load */
	__type(key, __u32);
	__type(value, struct runqlen_cpu);
} cpus SEC(".maps");

/* The CPU's runnable tasks, the running one included. */
static __always_inline __u32 runnable(void)
{
	struct task_struct *task = (void *)bpf_get_current_task();
	struct cfs_rq *cfs_rq = BPF_CORE_READ(task, se.cfs_rq);

	if (bpf_core_field_exists(cfs_rq->rq))
		return BPF_CORE_READ(cfs_rq, rq, nr_running);
	if (bpf_core_field_exists(cfs_rq->nr_queued))
		return BPF_CORE_READ(cfs_rq, nr_queued);
	return BPF_CORE_READ((struct cfs_rq___old *)cfs_rq, nr_running);
}

/* perf_event: cpu-clock sample (struct bpf_perf_event_data *ctx) */
SEC("perf_event")
int handle_sample(struct bpf_perf_event_data *ctx)
{
	__u32 cpu = bpf_get_smp_processor_id(), len;
	struct runqlen_cpu *c = bpf_map_lookup_elem(&cpus, &cpu);

	if (!c)
		return 0;
	len = runnable();
	/* The running task is not waiting; the idle task (pid 0) is not counted. */
	if (len && (__u32)bpf_get_current_pid_tgid())
		len--;
	c->samples++;
	if (len)
		c->occupied++;
	if (len >= RUNQLEN_SLOTS)
		len = RUNQLEN_SLOTS - 1;
	/* A mask the compiler cannot drop shows the verifier the bound. */
	barrier_var(len);
	c->slots[len & (RUNQLEN_SLOTS - 1)]++;
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
