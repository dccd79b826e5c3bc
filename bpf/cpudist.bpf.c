// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * cpudist: the time tasks run on a CPU each time they get one (or with -O,
 * the time they are off it), as log2 histograms, for everything or per
 * process or thread. sched_switch as tp_btf, raw_tp or the tracepoint
 * (bpf/sched.bpf.h), with no CO-RE read.
 *
 * On-CPU: a run starts when the task is switched in and ends when it is
 * switched out, as the current task: the filters and its identity are those
 * of bpfkit.bpf.h. Off-CPU (-O): the time from a switch out to the next
 * switch in ends while another task is current; it is kept under the task's
 * key and added at its next switch out, when it is current again (as in
 * bpf/runqwait.bpf.h). Keys of tasks that are gone are freed at
 * sched_process_free.
 */
#define BPF_NO_PRESERVE_ACCESS_INDEX
#include "sched.bpf.h"
#include "cpudist.h"
#include "taskhist.bpf.h"

const volatile __u32 targ_offcpu = 0;

struct run {
	__u64 ts_ns;		/* switched in (on-CPU) or out (-O); 0: no time running */
	__u64 off_ns;		/* -O: the last time off CPU, not yet added */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, CPUDIST_RUNS);
	__type(key, __u64);	/* who: task pointer (tp_btf, raw_tp) or tid (tracepoint) */
	__type(value, struct run);
} runs SEC(".maps");

static __always_inline void on_switch(void *ctx, __u64 prev, __u32 state, __u64 next)
{
	__u64 id = bpf_get_current_pid_tgid(), now = bpf_ktime_get_ns();
	struct run *r, nr = { .ts_ns = now };

	/* prev (current) leaves the CPU; the idle task (tid 0) is not counted. */
	if ((__u32)id) {
		r = bpf_map_lookup_elem(&runs, &prev);
		if (targ_offcpu) {
			if (r && r->off_ns && !bk_filtered(id))
				bk_taskhist_add(id, r->off_ns);
			bk_starts_update(&runs, &prev, &nr);
		} else if (r) {
			if (r->ts_ns && !bk_filtered(id))
				bk_taskhist_add(id, now - r->ts_ns);
			bpf_map_delete_elem(&runs, &prev);
		}
	}
	/* next gets the CPU. */
	if (targ_offcpu) {
		r = bpf_map_lookup_elem(&runs, &next);
		if (r && r->ts_ns) {
			r->off_ns = now - r->ts_ns ?: 1;
			r->ts_ns = 0;
		}
	} else {
		bk_starts_update(&runs, &next, &nr);
	}
}

static __always_inline void on_free(void *ctx, __u64 who)
{
	bpf_map_delete_elem(&runs, &who);
}

BK_SCHED_SWITCH(on_switch)
BK_SCHED_FREE(on_free)

char LICENSE[] SEC("license") = "Dual BSD/GPL";
