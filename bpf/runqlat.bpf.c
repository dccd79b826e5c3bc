// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * runqlat: run-queue latency (from runnable to running) as log2 histograms,
 * for everything or per process or thread. The waits are measured as
 * bpf/runqwait.bpf.h says, on sched_switch, sched_wakeup and
 * sched_wakeup_new as tp_btf, raw_tp or tracepoints, with no CO-RE read.
 */
#define BPF_NO_PRESERVE_ACCESS_INDEX
#include "bpfkit.bpf.h"
#include "runqlat.h"
#define RUNQ_WAITS RUNQLAT_WAITS
#include "runqwait.bpf.h"
#include "taskhist.bpf.h"

static __always_inline void on_wait(void *ctx, __u64 id, __u64 delta_ns, struct runq_wait *w)
{
	bk_taskhist_add(id, delta_ns);
}

RUNQ_SWITCH(on_wait)

char LICENSE[] SEC("license") = "Dual BSD/GPL";
