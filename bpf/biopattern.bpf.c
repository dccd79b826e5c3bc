// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * biopattern: per disk, how many completed requests started where the
 * previous one ended (sequential) and how many did not (random). One
 * program, on the block_rq_complete tracepoint's record (stable ABI: no
 * CO-RE read, no BTF parse).
 */
#include "bpfkit.bpf.h"
#include "blockdisk.bpf.h"
#include "biopattern.h"

/* Where each disk's last completed request ended (kept across intervals). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, BIOPATTERN_MAX_DISKS);
	__type(key, __u32);
	__type(value, __u64);
} ends SEC(".maps");

/* Taken out by the user side each interval. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, BIOPATTERN_MAX_DISKS);
	__type(key, __u32);
	__type(value, struct bp_counts);
} counts SEC(".maps");

/* Requests not counted: a table was full. */
__u64 lost_disks = 0;

/* The tracepoint's record, as its format file gives it since 2.6.x. */
struct rq_complete_args {
	__u64 common;
	__u32 dev;		/* dev_t: major << 20 | minor */
	__u32 pad;
	__u64 sector;
	__u32 nr_sector;
	__s32 error;
};

/* tracepoint block/block_rq_complete(struct request *rq, blk_status_t error, unsigned int nr_bytes) */
SEC("tracepoint/block/block_rq_complete")
int handle_rq_complete(struct rq_complete_args *ctx)
{
	static const struct bp_counts zero;
	__u32 dev = ctx->dev;
	__u64 sector = ctx->sector, end = sector + ctx->nr_sector, *last;
	struct bp_counts *c;

	/* Flushes have no position. */
	if (!ctx->nr_sector || !bk_disk_matches(dev, sector))
		return 0;
	c = bpf_map_lookup_elem(&counts, &dev);
	if (!c) {
		bpf_map_update_elem(&counts, &dev, &zero, BPF_NOEXIST);
		c = bpf_map_lookup_elem(&counts, &dev);
		if (!c) {
			__sync_fetch_and_add(&lost_disks, 1);
			return 0;
		}
	}
	last = bpf_map_lookup_elem(&ends, &dev);
	if (last && *last == sector)
		__sync_fetch_and_add(&c->sequential, 1);
	else
		__sync_fetch_and_add(&c->random, 1);
	__sync_fetch_and_add(&c->bytes, (__u64)ctx->nr_sector * 512);
	if (last)
		*last = end;
	else
		bpf_map_update_elem(&ends, &dev, &end, BPF_ANY);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
