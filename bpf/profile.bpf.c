// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * profile: timed samples of what each CPU runs, counted by kernel and user
 * stack. One perf event per CPU (cpu-clock, or hardware cycles) runs
 * handle_sample in the interrupted task's context; the count table and the
 * stack map are read by user space at the end or each interval.
 *
 * No CO-RE relocation: everything read here comes from helpers, so libbpf
 * need not parse the kernel's BTF at start-up.
 */
#define BPF_NO_PRESERVE_ACCESS_INDEX
#include "stacks.bpf.h"
#include "profile.h"

/* -I: count the idle tasks (pid 0) too. */
const volatile __u32 targ_idle = 0;

BK_STACK_COUNTS(counts);

/* perf_event: cpu-clock or cycles sample (struct bpf_perf_event_data *ctx) */
SEC("perf_event")
int handle_sample(struct bpf_perf_event_data *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct bk_stack_key key = {};

	if (!(__u32)id && !targ_idle)
		return 0;
	if (bk_filtered(id))
		return 0;
	bk_stack_key_fill(ctx, &key, id);
	bk_stack_add(&counts, &key, 1);
	bk_stack_seen(key.tgid);
	return 0;
}

/* tracepoint sched:sched_process_exec(filename, pid, old_pid) */
SEC("tracepoint/sched/sched_process_exec")
int handle_exec(void *ctx)
{
	bk_stack_exec();
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
