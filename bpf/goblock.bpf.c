// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * goblock: where goroutines wait. Every park (runtime.gopark, which every
 * blocking path of the runtime calls: channels, select, mutexes, sleep,
 * network waits, the GC) is timed until the goroutine runs again, which is
 * when gopark returns: a plain uprobe on its RET instruction (never a
 * uretprobe, which crashes Go programs).
 *
 * The park probe sits just after gopark's frame-pointer set-up, so that the
 * frame-pointer walk of the user stack starts with gopark's caller; there
 * the arguments are still in their registers: reason is the third one
 * (ABIInternal, Go 1.17 and later). A goroutine parks once at a time and
 * goids are never reused, so (tgid, goid) pairs a park with the next run.
 */
#include "goroutine.bpf.h"
#include "stacks.bpf.h"
#include "hist.bpf.h"
#include "goblock.h"

const volatile __u32 targ_mode = GOBLOCK_SUMMARY;
const volatile __u64 targ_min_ns = 0;
/* Histogram slot unit: 1 ns, 1000 us, 1000000 ms. */
const volatile __u64 targ_unit_ns = 1000;
/* Offset of gopc in runtime.g; 0: not known (no site). */
const volatile __u32 go_gopc_offset = 0;
/* Link-time address of the park probe: the load bias of a PIE is the
 * probe's address less it, page-aligned. */
const volatile __u64 targ_park_addr = 0;

struct park_key {
	__u64 goid;
	__u32 tgid;
	__u32 pad;
};

/* Goroutines parked now; the user side sizes it (--max-inflight). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, GO_INFLIGHT_DEFAULT);
	__type(key, struct park_key);
	__type(value, struct goblock_park);
} starts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, GOBLOCK_MAX_SITES);
	__type(key, struct goblock_key);
	__type(value, struct goblock_hist);
} hists SEC(".maps");

BK_STACK_COUNTS(counts);

/* Waits not counted: their row did not fit in `hists`. */
__u64 hist_misses = 0;

static __always_inline bool park_key(struct pt_regs *ctx, struct park_key *k, __u64 *gp)
{
	__u64 g = go_current_g(ctx);

	if (!g)
		return false;
	k->goid = go_goid(g);
	k->tgid = bpf_get_current_pid_tgid() >> 32;
	k->pad = 0;
	*gp = g;
	return k->goid != 0;
}

/* uprobe in runtime.gopark, after its frame-pointer set-up */
SEC("uprobe")
int handle_park(struct pt_regs *ctx)
{
	struct goblock_park p = {};
	struct park_key k;
	__u64 g;

	if (bk_filtered(bpf_get_current_pid_tgid()) || !park_key(ctx, &k, &g))
		return 0;
	p.reason = (__u8)go_arg(ctx, 2);
	if (go_gopc_offset && !bpf_probe_read_user(&p.gopc, sizeof(p.gopc),
						   (void *)(g + go_gopc_offset)) && p.gopc)
		p.gopc -= (GO_IP(ctx) - targ_park_addr) & ~0xfffULL;
	p.ustack = targ_mode == GOBLOCK_STACKS ? bk_stack_id(ctx, BPF_F_USER_STACK) : -EFAULT;
	p.ts_ns = bpf_ktime_get_ns();
	if (bpf_map_update_elem(&starts, &k, &p, BPF_ANY))
		__sync_fetch_and_add(&bk_lost_starts, 1);
	return 0;
}

static __always_inline void add_hist(const struct goblock_park *p, __u64 delta)
{
	struct goblock_key key = { .gopc = p->gopc, .reason = p->reason };
	struct goblock_hist *h, zero = {};

	h = bpf_map_lookup_elem(&hists, &key);
	if (!h) {
		bpf_map_update_elem(&hists, &key, &zero, BPF_NOEXIST);
		h = bpf_map_lookup_elem(&hists, &key);
		if (!h) {
			__sync_fetch_and_add(&hist_misses, 1);
			return;
		}
	}
	bk_hist_add(h, delta, targ_unit_ns);
}

static __always_inline void add_stack(const struct goblock_park *p, __u64 id, __u64 delta)
{
	struct bk_stack_key key = {
		.tgid = id >> 32,
		.ustack = p->ustack,
		.kstack = -EFAULT,
	};

	bpf_get_current_comm(key.comm, sizeof(key.comm));
	bk_stack_add(&counts, &key, delta);
	bk_stack_seen(key.tgid);
}

static __always_inline void send_event(const struct goblock_park *p, const struct park_key *k,
				       __u64 id, __u64 now, __u64 delta)
{
	struct goblock_event *e = bk_reserve(sizeof(*e));

	if (!e)
		return;
	e->ts_ns = now;
	e->blocked_ns = delta;
	e->goid = k->goid;
	e->gopc = p->gopc;
	e->tgid = id >> 32;
	e->tid = (__u32)id;
	e->reason = p->reason;
	e->pad = 0;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bk_submit(e);
}

/* uprobe at each RET of runtime.gopark: the goroutine runs again */
SEC("uprobe")
int handle_park_exit(struct pt_regs *ctx)
{
	__u64 id = bpf_get_current_pid_tgid(), now, delta, g;
	struct goblock_park *p;
	struct park_key k;

	if (bk_filtered(id) || !park_key(ctx, &k, &g))
		return 0;
	p = bpf_map_lookup_elem(&starts, &k);
	if (!p)
		return 0;
	now = bpf_ktime_get_ns();
	delta = now - p->ts_ns;
	if (delta >= targ_min_ns) {
		if (targ_mode == GOBLOCK_STREAM)
			send_event(p, &k, id, now, delta);
		else if (targ_mode == GOBLOCK_STACKS)
			add_stack(p, id, delta);
		else
			add_hist(p, delta);
	}
	bpf_map_delete_elem(&starts, &k);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
