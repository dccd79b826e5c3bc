// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * softirqs: softirq handlers' runs counted and timed, per vector (NET_RX,
 * TIMER, ...), at softirq_entry and softirq_exit as tp_btf, raw_tp or
 * tracepoints (no CO-RE read on any path). The tracepoint path comes last: a
 * tracepoint program is skipped while any other tracepoint or kprobe program
 * runs on that CPU, and a softirq often runs on the way out of an interrupt
 * that came in while one did. Softirqs do not nest on a CPU, so one start
 * per CPU is enough; the counts are per CPU too, read and summed by the front
 * end without being reset.
 */
#define BPF_NO_PRESERVE_ACCESS_INDEX
#include "bpfkit.bpf.h"
#include "hist.bpf.h"
#include "softirqs.h"

const volatile __u32 targ_count_only = 0;
const volatile __u32 targ_dist = 0;
const volatile __u64 targ_unit_ns = 1000;

struct start {
	__u64 ts_ns;
	__u32 vec;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct start);
} starts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SOFTIRQS_VECS);
	__type(key, __u32);
	__type(value, struct bk_irq_val);
} vecs SEC(".maps");

static __always_inline void entry(__u32 vec)
{
	__u32 zero = 0;
	struct start *s;
	struct bk_irq_val *v;

	if (targ_count_only) {
		v = bpf_map_lookup_elem(&vecs, &vec);
		if (v)
			v->count++;
		return;
	}
	s = bpf_map_lookup_elem(&starts, &zero);
	if (!s)
		return;
	s->ts_ns = bpf_ktime_get_ns();
	s->vec = vec;
}

static __always_inline void exit_vec(__u32 vec)
{
	__u32 zero = 0;
	struct start *s = bpf_map_lookup_elem(&starts, &zero);
	struct bk_irq_val *v;
	__u64 delta;

	if (!s || !s->ts_ns || s->vec != vec)
		return;
	delta = bpf_ktime_get_ns() - s->ts_ns;
	s->ts_ns = 0;
	v = bpf_map_lookup_elem(&vecs, &vec);
	if (!v)
		return;
	/* Per CPU: no other CPU writes this value. */
	v->count++;
	v->total_ns += delta;
	if (targ_dist)
		v->slots[bk_log2_slot(delta / targ_unit_ns) & (BK_IRQ_SLOTS - 1)]++;
}

/* tp_btf softirq_entry(unsigned int vec_nr) */
SEC("tp_btf/softirq_entry")
int handle_entry(__u64 *ctx)
{
	entry((__u32)ctx[0]);
	return 0;
}

/* tp_btf softirq_exit(unsigned int vec_nr) */
SEC("tp_btf/softirq_exit")
int handle_exit(__u64 *ctx)
{
	exit_vec((__u32)ctx[0]);
	return 0;
}

/* raw_tp softirq_entry(unsigned int vec_nr) */
SEC("raw_tp/softirq_entry")
int handle_entry_raw(struct bpf_raw_tracepoint_args *ctx)
{
	entry((__u32)ctx->args[0]);
	return 0;
}

/* raw_tp softirq_exit(unsigned int vec_nr) */
SEC("raw_tp/softirq_exit")
int handle_exit_raw(struct bpf_raw_tracepoint_args *ctx)
{
	exit_vec((__u32)ctx->args[0]);
	return 0;
}

/* tracepoint irq:softirq_entry(unsigned int vec) */
SEC("tracepoint/irq/softirq_entry")
int handle_entry_tp(struct trace_event_raw_softirq *ctx)
{
	entry(ctx->vec);
	return 0;
}

/* tracepoint irq:softirq_exit(unsigned int vec) */
SEC("tracepoint/irq/softirq_exit")
int handle_exit_tp(struct trace_event_raw_softirq *ctx)
{
	exit_vec(ctx->vec);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
