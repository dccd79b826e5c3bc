// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * biolatency: histograms of block I/O latency, from issue (or with -Q from
 * the request's start) to completion, overall or per disk or per flag set.
 * The hooks are bpf/block.bpf.h's. With --percentiles, each histogram also
 * has log-linear slots (`fine`), to read percentiles from.
 */
#include "bpfkit.bpf.h"

const volatile __u64 targ_unit_ns = 1000;
const volatile __u32 targ_per_disk = 0;
const volatile __u32 targ_per_flags = 0;
const volatile __u32 targ_queued = 0;
const volatile __u32 targ_percentiles = 0;

/*
 * Only times (the issuer's start, for -Q), and the disk and flags when -D
 * or -F keys by them: the kernel's other fields are not read.
 */
#define BK_RQ_SLIM
#define BK_RQ_NEED_DEV targ_per_disk
#define BK_RQ_NEED_SECTOR 0
#define BK_RQ_NEED_BYTES 0
#define BK_RQ_NEED_FLAGS targ_per_flags
#include "block.bpf.h"
#include "hist.bpf.h"
#include "biolatency.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, BIOLATENCY_MAX_KEYS);
	__type(key, struct bl_key);
	__type(value, struct bl_hist);
} hists SEC(".maps");

struct fine {
	__u32 slots[BK_LOGLIN_SLOTS];	/* the latency in ns */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, BIOLATENCY_MAX_KEYS);	/* 1 without --percentiles */
	__type(key, struct bl_key);
	__type(value, struct fine);
} fine SEC(".maps");

/* Never written: the zeroed value new keys start from (too big for the stack). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct fine);
} zeros SEC(".maps");

static __always_inline void blk_done(void *ctx, struct bk_rq *r, __u64 now_ns)
{
	/* -Q: from the start, where it was seen (else from the issue, as without -Q). */
	__u64 from = targ_queued && r->who.start_ns && r->who.start_ns < r->issue_ns
			     ? r->who.start_ns : r->issue_ns;
	__u64 lat = now_ns - from;
	struct bl_key key = {};
	struct bl_hist *h;
	struct fine *f;
	__u32 zero = 0;
	void *z = bpf_map_lookup_elem(&zeros, &zero);

	if (!z)
		return;
	if (targ_per_disk)
		key.dev = r->dev;
	if (targ_per_flags)
		key.cmd_flags = r->cmd_flags;
	h = bk_block_lookup_or_add(&hists, &key, z);
	if (!h)
		return;
	bk_hist_add(h, lat, targ_unit_ns);
	if (!targ_percentiles)
		return;
	f = bk_block_lookup_or_add(&fine, &key, z);
	if (f) {
		__u32 slot = bk_loglin_slot(lat);

		if (slot < BK_LOGLIN_SLOTS)
			__sync_fetch_and_add(&f->slots[slot], 1);
	}
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
