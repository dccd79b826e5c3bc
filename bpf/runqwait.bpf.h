/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * Run-queue waits, for runqlat and runqslower: from the moment a task is
 * made runnable (sched_wakeup, sched_wakeup_new, or preempted at
 * sched_switch while still runnable) to its switch onto a CPU.
 *
 * The wait ends while another task is current (the switch's prev), and the
 * waiting task is known then only by its `who` key (bpf/sched.bpf.h), never
 * read. So the wait is kept, with what ran before it, until the task's next
 * switch off the CPU (or its exit, also a switch): it is current then, and
 * the filters (-p, -u, -n, --cgroup, ...) and its identity are the ones of
 * bpfkit.bpf.h, on every attach path, with no CO-RE read. The caller's
 * on_wait(ctx, id, delta_ns, w) runs there, for each wait of a task the
 * filters let through.
 */
#ifndef BPFKIT_RUNQWAIT_BPF_H
#define BPFKIT_RUNQWAIT_BPF_H

#include "sched.bpf.h"

#ifndef RUNQ_WAITS
#define RUNQ_WAITS 32768
#endif

#define RUNQ_EEXIST 17

struct runq_wait {
	__u64 ts_ns;		/* made runnable; 0 once on a CPU */
	__u64 delta_ns;		/* the last wait, not yet passed on */
	__u64 run_ns;		/* when that wait ended */
	__u32 prev_tid;		/* the task its CPU ran before it */
	__u32 waited;		/* delta_ns is set */
	char prev_comm[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, RUNQ_WAITS);
	__type(key, __u64);	/* who: task pointer (tp_btf, raw_tp) or tid (tracepoint) */
	__type(value, struct runq_wait);
} waits SEC(".maps");

/* A task made runnable: the first time counts (a running task may be woken too). */
static __always_inline void runq_wakeup(void *ctx, __u64 who)
{
	struct runq_wait w = { .ts_ns = bpf_ktime_get_ns() };
	long err = bpf_map_update_elem(&waits, &who, &w, BPF_NOEXIST);

	if (err && err != -RUNQ_EEXIST)
		__sync_fetch_and_add(&bk_lost_starts, 1);
}

/*
 * prev (current) leaves the CPU: its last wait is passed on; still runnable
 * (state 0), it waits again from now. next gets the CPU: its wait ends.
 */
#define RUNQ_SWITCH(on_wait)                                                   \
static __always_inline void runq_switch(void *ctx, __u64 prev, __u32 state, __u64 next) \
{                                                                              \
	__u64 id = bpf_get_current_pid_tgid(), now = bpf_ktime_get_ns();       \
	struct runq_wait *w, nw = { .ts_ns = now };                            \
                                                                               \
	/* The idle task (tid 0) is never waited for. */                       \
	if ((__u32)id) {                                                       \
		w = bpf_map_lookup_elem(&waits, &prev);                        \
		if (w && w->waited && !bk_filtered(id))                        \
			on_wait(ctx, id, w->delta_ns, w);                      \
		if (!state)                                                    \
			bk_starts_update(&waits, &prev, &nw);                  \
		else if (w)                                                    \
			bpf_map_delete_elem(&waits, &prev);                    \
	}                                                                      \
	w = bpf_map_lookup_elem(&waits, &next);                                \
	if (w && w->ts_ns) {                                                   \
		w->delta_ns = now - w->ts_ns;                                  \
		w->run_ns = now;                                               \
		w->ts_ns = 0;                                                  \
		w->waited = 1;                                                 \
		w->prev_tid = (__u32)id;                                       \
		bpf_get_current_comm(w->prev_comm, sizeof(w->prev_comm));     \
	}                                                                      \
}                                                                              \
BK_SCHED_SWITCH(runq_switch)                                                   \
BK_SCHED_WAKEUP(runq_wakeup)

#endif
