// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * gofunclat: latency of Go functions, as a log2 histogram per function.
 *
 * Plain uprobes at each function's entry and at every RET instruction
 * (never a uretprobe: the Go runtime aborts when it finds one's trampoline
 * on a stack). The cookie names the function; entries and returns pair per
 * goroutine and stack depth (bpf/goroutine.bpf.h), so recursion, stack
 * growth, panics and goroutines moving between threads are measured right.
 */
#include "goroutine.bpf.h"
#include "hist.bpf.h"
#include "gofunclat.h"

/* Latency unit of the histogram slots: 1 ns, 1000 us, 1000000 ms. */
const volatile __u64 targ_unit_ns = 1000;

/* Calls in flight; the user side sizes it (--max-inflight). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, GO_INFLIGHT_DEFAULT);
	__type(key, struct go_call_key);
	__type(value, struct go_start);
} starts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, GO_MAX_FUNCS);
	__type(key, __u32);	/* function index */
	__type(value, struct gofunclat_hist);
} hists SEC(".maps");

/* uprobe at the first instruction of a Go function; cookie: its index */
SEC("uprobe")
int handle_call(struct pt_regs *ctx)
{
	__u64 cookie = go_cookie(ctx), g;
	__u32 func = GO_COOKIE_INDEX(cookie);
	struct go_call_key key;
	struct go_start *s, n = {};

	if (bk_filtered(bpf_get_current_pid_tgid()))
		return 0;
	if (!go_call_key(ctx, &key, &g))
		return 0;
	s = bpf_map_lookup_elem(&starts, &key);
	if (s && go_rerun(s, func, g, cookie))
		return 0;
	n.ts_ns = bpf_ktime_get_ns();
	n.entry_ip = GO_IP(ctx);
	n.func = func;
	go_start_store(&starts, &key, &n, g, cookie);
	return 0;
}

/* uprobe at each RET instruction of a Go function; cookie: its index | GO_COOKIE_RET */
SEC("uprobe")
int handle_call_exit(struct pt_regs *ctx)
{
	struct gofunclat_hist *h;
	__u32 func = GO_COOKIE_INDEX(go_cookie(ctx));
	struct go_call_key key;
	struct go_start *s;
	__u64 delta, g;

	if (bk_filtered(bpf_get_current_pid_tgid()))
		return 0;
	if (!go_call_key(ctx, &key, &g))
		return 0;
	s = bpf_map_lookup_elem(&starts, &key);
	if (!s) {
		go_start_missing(&key);
		return 0;
	}
	/* Another function's start at this depth is stale: drop it. */
	if (s->func != func) {
		bpf_map_delete_elem(&starts, &key);
		return 0;
	}
	delta = bpf_ktime_get_ns() - s->ts_ns;
	bpf_map_delete_elem(&starts, &key);
	h = bpf_map_lookup_elem(&hists, &func);
	if (!h)
		return 0;
	bk_hist_add(h, delta, targ_unit_ns);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
