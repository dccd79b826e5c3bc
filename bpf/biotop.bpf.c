// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * biotop: block I/O per issuing process, disk and operation: requests,
 * bytes and the device's time. The hooks are bpf/block.bpf.h's.
 */
/* Keyed by disk and operation, with the bytes: the sector is not read. */
#define BK_RQ_NEED_SECTOR 0
#include "block.bpf.h"
#include "biotop.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, BIOTOP_MAX_KEYS);
	__type(key, struct bt_key);
	__type(value, struct bt_val);
} counts SEC(".maps");

static __always_inline void blk_done(void *ctx, struct bk_rq *r, __u64 now_ns)
{
	static const struct bt_val zero;
	struct bt_key key = {};
	struct bt_val *v;

	if (r->who.start_ns) {
		key.known = 1;
		key.tgid = r->who.tgid;
		__builtin_memcpy(key.comm, r->who.comm, sizeof(key.comm));
	}
	key.dev = r->dev;
	key.op = r->cmd_flags & bk_block.op_mask;
	v = bk_block_lookup_or_add(&counts, &key, &zero);
	if (!v)
		return;
	__sync_fetch_and_add(&v->count, 1);
	__sync_fetch_and_add(&v->bytes, r->bytes);
	__sync_fetch_and_add(&v->total_lat_ns, now_ns - r->issue_ns);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
