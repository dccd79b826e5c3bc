// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * hardirqs: hardware interrupt handlers' runs counted and timed, per IRQ
 * line and handler, at irq_handler_entry and irq_handler_exit as tp_btf,
 * raw_tp or tracepoints. The tracepoint path comes last although its record
 * needs no CO-RE read (tp_btf and raw_tp read the handler's name from its
 * struct irqaction): a tracepoint program is skipped while any other
 * tracepoint or kprobe program runs on that CPU, and an interrupt often comes
 * in while one does; tp_btf and raw_tp programs are skipped only if they
 * themselves are running. Handlers do not nest on a CPU (they run with
 * interrupts off), so one start per CPU is enough.
 */
#define BPF_NO_PRESERVE_ACCESS_INDEX
#include "bpfkit.bpf.h"
#include "hist.bpf.h"
#include "hardirqs.h"

const volatile __u32 targ_count_only = 0;
const volatile __u32 targ_dist = 0;
const volatile __u64 targ_unit_ns = 1000;

/* Runs not counted because `irqs` was full. */
__u64 irq_drops = 0;

struct start {
	__u64 ts_ns;
	struct hardirq_key key;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct start);
} starts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, HARDIRQS_MAX);
	__type(key, struct hardirq_key);
	__type(value, struct bk_irq_val);
} irqs SEC(".maps");

static __always_inline void add(const struct hardirq_key *key, __u64 delta_ns)
{
	struct bk_irq_val *v, zero = {};

	v = bpf_map_lookup_elem(&irqs, key);
	if (!v) {
		bpf_map_update_elem(&irqs, key, &zero, BPF_NOEXIST);
		v = bpf_map_lookup_elem(&irqs, key);
		if (!v) {
			__sync_fetch_and_add(&irq_drops, 1);
			return;
		}
	}
	__sync_fetch_and_add(&v->count, 1);
	if (targ_count_only)
		return;
	__sync_fetch_and_add(&v->total_ns, delta_ns);
	if (targ_dist)
		__sync_fetch_and_add(&v->slots[bk_log2_slot(delta_ns / targ_unit_ns)], 1);
}

static __always_inline struct start *entry(int irq)
{
	__u32 zero = 0;
	struct start *s = bpf_map_lookup_elem(&starts, &zero);

	if (!s)
		return NULL;
	s->key.irq = irq;
	/* The whole key is hashed: no bytes of a longer name before it past the NUL. */
	__builtin_memset(s->key.name, 0, sizeof(s->key.name));
	return s;
}

static __always_inline void entry_named(struct start *s)
{
	if (targ_count_only) {
		add(&s->key, 0);
		return;
	}
	s->ts_ns = bpf_ktime_get_ns();
}

/* The handler's name, from its struct irqaction (tp_btf, raw_tp). */
static __always_inline void entry_action(int irq, struct irqaction *action)
{
	struct start *s = entry(irq);

	if (!s)
		return;
	bpf_probe_read_kernel_str(s->key.name, sizeof(s->key.name), BPF_CORE_READ(action, name));
	entry_named(s);
}

static __always_inline void exit_irq(int irq)
{
	__u32 zero = 0;
	struct start *s = bpf_map_lookup_elem(&starts, &zero);

	if (!s || !s->ts_ns || s->key.irq != irq)
		return;
	add(&s->key, bpf_ktime_get_ns() - s->ts_ns);
	s->ts_ns = 0;
}

/* tp_btf irq_handler_entry(int irq, struct irqaction *action) */
SEC("tp_btf/irq_handler_entry")
int handle_entry(__u64 *ctx)
{
	entry_action((int)ctx[0], (struct irqaction *)ctx[1]);
	return 0;
}

/* tp_btf irq_handler_exit(int irq, struct irqaction *action, int ret) */
SEC("tp_btf/irq_handler_exit")
int handle_exit(__u64 *ctx)
{
	exit_irq((int)ctx[0]);
	return 0;
}

/* raw_tp irq_handler_entry(int irq, struct irqaction *action) */
SEC("raw_tp/irq_handler_entry")
int handle_entry_raw(struct bpf_raw_tracepoint_args *ctx)
{
	entry_action((int)ctx->args[0], (struct irqaction *)ctx->args[1]);
	return 0;
}

/* raw_tp irq_handler_exit(int irq, struct irqaction *action, int ret) */
SEC("raw_tp/irq_handler_exit")
int handle_exit_raw(struct bpf_raw_tracepoint_args *ctx)
{
	exit_irq((int)ctx->args[0]);
	return 0;
}

/* tracepoint irq:irq_handler_entry(int irq, __data_loc char[] name) */
SEC("tracepoint/irq/irq_handler_entry")
int handle_entry_tp(struct trace_event_raw_irq_handler_entry *ctx)
{
	struct start *s = entry(ctx->irq);

	if (!s)
		return 0;
	bpf_probe_read_kernel_str(s->key.name, sizeof(s->key.name),
				  (void *)ctx + (ctx->__data_loc_name & 0xFFFF));
	entry_named(s);
	return 0;
}

/* tracepoint irq:irq_handler_exit(int irq, int ret) */
SEC("tracepoint/irq/irq_handler_exit")
int handle_exit_tp(struct trace_event_raw_irq_handler_exit *ctx)
{
	exit_irq(ctx->irq);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
