// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * runqslower: run-queue waits at or above a threshold, one event each, with
 * the task the CPU ran before. The waits are measured as
 * bpf/runqwait.bpf.h says, on sched_switch, sched_wakeup and
 * sched_wakeup_new as tp_btf, raw_tp or tracepoints, with no CO-RE read.
 */
#define BPF_NO_PRESERVE_ACCESS_INDEX
#include "events.bpf.h"
#include "runqslower.h"
#define RUNQ_WAITS RUNQSLOWER_WAITS
#include "runqwait.bpf.h"

const volatile __u64 targ_min_ns = 10000000;

static __always_inline void on_wait(void *ctx, __u64 id, __u64 delta_ns, struct runq_wait *w)
{
	struct runqslower_event *e;

	if (delta_ns < targ_min_ns)
		return;
	e = bk_reserve(sizeof(*e));
	if (!e)
		return;
	e->ts_ns = w->run_ns;
	e->delta_ns = delta_ns;
	e->tgid = id >> 32;
	e->tid = (__u32)id;
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->prev_tid = w->prev_tid;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	__builtin_memcpy(e->prev_comm, w->prev_comm, sizeof(e->prev_comm));
	bk_submit(e);
}

RUNQ_SWITCH(on_wait)

char LICENSE[] SEC("license") = "Dual BSD/GPL";
