// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * bitesize: histograms of block I/O request sizes per issuing command (or
 * process with -P). The hooks are bpf/block.bpf.h's; a request is counted
 * when it completes, with the size it was issued with.
 */
/* The issuer and the size only: the disk, sector and flags are not read. */
#define BK_RQ_NEED_DEV 0
#define BK_RQ_NEED_SECTOR 0
#define BK_RQ_NEED_FLAGS 0
#include "block.bpf.h"
#include "hist.bpf.h"
#include "bitesize.h"

const volatile __u32 targ_per_process = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, BITESIZE_MAX_KEYS);
	__type(key, struct bs_key);
	__type(value, struct bs_hist);
} hists SEC(".maps");

static __always_inline void blk_done(void *ctx, struct bk_rq *r, __u64 now_ns)
{
	static const struct bs_hist zero;
	struct bs_key key = {};
	struct bs_hist *h;

	if (r->who.start_ns) {
		key.known = 1;
		if (targ_per_process)
			key.tgid = r->who.tgid;
		__builtin_memcpy(key.comm, r->who.comm, sizeof(key.comm));
	}
	h = bk_block_lookup_or_add(&hists, &key, &zero);
	if (!h)
		return;
	__sync_fetch_and_add(&h->count, 1);
	__sync_fetch_and_add(&h->total_bytes, r->bytes);
	__sync_fetch_and_add(&h->slots[bk_log2_slot(r->bytes / 1024)], 1);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
