// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * funclatency: latency of user or kernel functions, as a log2 histogram per
 * function.
 *
 * An entry probe stores the time per thread and function; the return probe
 * takes it back and adds the difference to the function's histogram. The
 * BPF cookie of each attachment is the function's index (fentry/fexit time
 * one function, index 0: BPF cookies of tracing programs need 6.0).
 */
#include "bpfkit.bpf.h"
#include "hist.bpf.h"
#include "funclatency.h"

/* Latency unit of the histogram slots: 1 ns, 1000 us, 1000000 ms. */
const volatile __u64 targ_unit_ns = 1000;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);	/* tid << 32 | function index */
	__type(value, __u64);	/* entry time, ns */
} starts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, FUNCLATENCY_MAX_FUNCS);	/* set to the function count before load */
	__type(key, __u32);	/* function index */
	__type(value, struct funclatency_hist);
} hists SEC(".maps");

static __always_inline int enter(__u32 func)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid(), key, ts;

	if (bk_filtered(pid_tgid))
		return 0;
	key = pid_tgid << 32 | func;
	ts = bpf_ktime_get_ns();
	bk_starts_update(&starts, &key, &ts);
	return 0;
}

static __always_inline int leave(__u32 func)
{
	__u64 key = bpf_get_current_pid_tgid() << 32 | func, *tsp, delta;
	struct funclatency_hist *h;

	tsp = bpf_map_lookup_elem(&starts, &key);
	if (!tsp)
		return 0;
	delta = bpf_ktime_get_ns() - *tsp;
	bpf_map_delete_elem(&starts, &key);
	h = bpf_map_lookup_elem(&hists, &func);
	if (!h)
		return 0;
	bk_hist_add(h, delta, targ_unit_ns);
	return 0;
}

/* uprobe at a user function's entry; cookie: its index */
SEC("uprobe")
int handle_func(struct pt_regs *ctx)
{
	return enter(bpf_get_attach_cookie(ctx));
}

/* uretprobe at a user function's return; cookie: its index */
SEC("uretprobe")
int handle_func_exit(struct pt_regs *ctx)
{
	return leave(bpf_get_attach_cookie(ctx));
}

/* fentry on one kernel function, any prototype; its target is set before load */
SEC("fentry")
int handle_func_fentry(void *ctx)
{
	return enter(0);
}

/* fexit on the same kernel function */
SEC("fexit")
int handle_func_fexit(void *ctx)
{
	return leave(0);
}

/* kprobe at a kernel function's entry; cookie: its index */
SEC("kprobe")
int handle_func_kprobe(struct pt_regs *ctx)
{
	return enter(bpf_get_attach_cookie(ctx));
}

/* kretprobe at a kernel function's return; cookie: its index */
SEC("kretprobe")
int handle_func_exit_kprobe(struct pt_regs *ctx)
{
	return leave(bpf_get_attach_cookie(ctx));
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
