// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * drsnoop: direct reclaim and memory-cgroup reclaim, each with its latency
 * and the pages it reclaimed, in the task that had to wait for it.
 *
 * The vmscan begin and end tracepoints of both kinds, whose records
 * (order, gfp_flags; nr_reclaimed) have kept their leading fields since
 * 2.6.37: read as stable ABI, no CO-RE. A begin is kept per thread until
 * its end; reclaim does not nest.
 */
#include "events.bpf.h"
#include "drsnoop.h"

struct start {
	__u64 ts;
	__u64 gfp_flags;
	__u32 order;
	__u32 kind;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, DRSNOOP_STARTS);
	__type(key, __u32);
	__type(value, struct start);
} starts SEC(".maps");

struct begin_rec {
	__u64 common;
	__s32 order;
	__u32 pad;
	__u64 gfp_flags;
};

struct end_rec {
	__u64 common;
	__u64 nr_reclaimed;
};

static __always_inline int begin(struct begin_rec *ctx, __u32 kind)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = id;
	struct start s = { .gfp_flags = ctx->gfp_flags, .order = ctx->order, .kind = kind };

	if (bk_filtered(id))
		return 0;
	s.ts = bpf_ktime_get_ns();
	bk_starts_update(&starts, &tid, &s);
	return 0;
}

static __always_inline int end(struct end_rec *ctx)
{
	__u64 id = bpf_get_current_pid_tgid(), now = bpf_ktime_get_ns();
	__u32 tid = id;
	struct start *s = bpf_map_lookup_elem(&starts, &tid);
	struct reclaim_event *e;

	if (!s)
		return 0;
	e = bk_reserve(sizeof(*e));
	if (e) {
		e->ts_ns = now;
		e->delta_ns = now - s->ts;
		e->pages = ctx->nr_reclaimed;
		e->gfp_flags = s->gfp_flags;
		e->tgid = id >> 32;
		e->tid = tid;
		e->uid = (__u32)bpf_get_current_uid_gid();
		e->order = s->order;
		e->kind = s->kind;
		e->pad = 0;
		bpf_get_current_comm(e->comm, sizeof(e->comm));
		bk_submit(e);
	}
	bpf_map_delete_elem(&starts, &tid);
	return 0;
}

/* tracepoint vmscan:mm_vmscan_direct_reclaim_begin(order, gfp_flags) */
SEC("tracepoint/vmscan/mm_vmscan_direct_reclaim_begin")
int handle_direct(struct begin_rec *ctx)
{
	return begin(ctx, DRSNOOP_DIRECT);
}

/* tracepoint vmscan:mm_vmscan_direct_reclaim_end(nr_reclaimed) */
SEC("tracepoint/vmscan/mm_vmscan_direct_reclaim_end")
int handle_direct_exit(struct end_rec *ctx)
{
	return end(ctx);
}

/* tracepoint vmscan:mm_vmscan_memcg_reclaim_begin(order, gfp_flags) */
SEC("tracepoint/vmscan/mm_vmscan_memcg_reclaim_begin")
int handle_memcg(struct begin_rec *ctx)
{
	return begin(ctx, DRSNOOP_MEMCG);
}

/* tracepoint vmscan:mm_vmscan_memcg_reclaim_end(nr_reclaimed) */
SEC("tracepoint/vmscan/mm_vmscan_memcg_reclaim_end")
int handle_memcg_exit(struct end_rec *ctx)
{
	return end(ctx);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
