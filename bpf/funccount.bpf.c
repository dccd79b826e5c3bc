// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * funccount: calls of functions or tracepoints, counted per probe.
 *
 * One program per kind of hook, attached to every probe a pattern matches;
 * the BPF cookie of each attachment is the probe's index, and the index of
 * its counter. Counters are per CPU, so a hit costs no atomic operation.
 */
#include "bpfkit.bpf.h"
#include "funccount.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, FUNCCOUNT_MAX_PROBES);	/* set to the probe count before load */
	__type(key, __u32);	/* probe index */
	__type(value, __u64);	/* calls */
} counts SEC(".maps");

static __always_inline int count(void *ctx)
{
	__u32 idx;
	__u64 *c;

	if (bk_filtered(bpf_get_current_pid_tgid()))
		return 0;
	idx = bpf_get_attach_cookie(ctx);
	c = bpf_map_lookup_elem(&counts, &idx);
	if (c)
		*c += 1;
	return 0;
}

/* uprobe at a user function's entry; cookie: its index */
SEC("uprobe")
int handle_hit(struct pt_regs *ctx)
{
	return count(ctx);
}

/* tracepoint, any: void *ctx (the event record); cookie: its index */
SEC("tracepoint")
int handle_hit_tracepoint(void *ctx)
{
	return count(ctx);
}

/* kprobe.multi on kernel function entries; cookie: the function's index */
SEC("kprobe.multi")
int handle_hit_kprobe_multi(struct pt_regs *ctx)
{
	return count(ctx);
}

/* kprobe at a kernel function's entry; cookie: its index */
SEC("kprobe")
int handle_hit_kprobe(struct pt_regs *ctx)
{
	return count(ctx);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
