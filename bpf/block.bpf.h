/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * Following block I/O requests from their start to their completion, for
 * biolatency, biosnoop, biotop, bitesize and biostacks.
 *
 * Hooks, each as tp_btf and as raw_tp (the user side, common/block, loads
 * one set, and one issuer hook of the two):
 *
 * - the issuer: block_io_start (6.5 and later) fires when a request is
 *   made, in the task that submitted it; older kernels have
 *   block_bio_queue, which fires in the submitting task for each bio,
 *   kept here by bio until the request that starts with that bio is
 *   issued. There the in-kernel task filters (-p, -t, -u, -n, --cgroup)
 *   apply, and the start time is taken (the queue time of -Q);
 * - block_rq_issue: the request goes to the driver (the --disk filter);
 * - block_rq_complete: the driver completed it (all of it: a partial
 *   completion leaves the rest pending);
 * - block_rq_merge: a request merged into another one goes away.
 *
 * A request's state is in `rqs`, keyed by its address. The includer
 * defines blk_done() after including this header, called once per
 * completed request with its state; BK_RQ_EXTRA (members of struct
 * bk_issuer) and blk_started() (fills them) are optional.
 *
 * What the includer reads of a request, defined before including this
 * header (each 1 by default; a 0 or a const volatile setting that is 0
 * leaves the kernel's field unread, dead code the verifier never runs):
 *
 *   BK_RQ_NEED_DEV     r->dev (read anyway for --disk)
 *   BK_RQ_NEED_SECTOR  r->sector (read anyway for a partition's --disk)
 *   BK_RQ_NEED_BYTES   r->bytes
 *   BK_RQ_NEED_FLAGS   r->cmd_flags
 *   BK_RQ_SLIM         defined: the issuer is its start time alone (no
 *                      tgid, tid, uid, comm), for tools that only time
 *                      requests: a smaller entry to fill and copy.
 *
 * Struct request and struct bio are kernel internals: read with CO-RE; the
 * tp_btf programs read them directly (plain loads the verifier checks by
 * BTF), the raw_tp ones with bpf_probe_read_kernel().
 */
#ifndef BPFKIT_BLOCK_BPF_H
#define BPFKIT_BLOCK_BPF_H

#include "bpfkit.bpf.h"
#include "blockdisk.bpf.h"

#ifndef BK_RQ_NEED_DEV
#define BK_RQ_NEED_DEV 1
#endif
#ifndef BK_RQ_NEED_SECTOR
#define BK_RQ_NEED_SECTOR 1
#endif
#ifndef BK_RQ_NEED_BYTES
#define BK_RQ_NEED_BYTES 1
#endif
#ifndef BK_RQ_NEED_FLAGS
#define BK_RQ_NEED_FLAGS 1
#endif

/* Who made a request, and when. */
struct bk_issuer {
	__u64 start_ns;		/* the request made (or its first bio queued) */
#ifndef BK_RQ_SLIM
	__u32 tgid;
	__u32 tid;
	__u32 uid;
	__u32 pad;
	char comm[16];
#endif
#ifdef BK_RQ_EXTRA
	BK_RQ_EXTRA
#endif
};

/* A request in flight (BK_RQ_SLIM: 24 bytes, else 72). */
struct bk_rq {
	struct bk_issuer who;	/* who.start_ns 0: the issuer is not known */
	__u64 issue_ns;		/* sent to the driver; 0 until then */
#ifndef BK_RQ_SLIM
	__u64 sector;		/* as issued */
	__u32 bytes;		/* as issued */
	__u32 pad;
#endif
	__u32 cmd_flags;	/* REQ_OP_* and REQ_* bits */
	__u32 dev;		/* BK_BLOCK_DEV() of the disk */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u64);	/* struct request * */
	__type(value, struct bk_rq);
} rqs SEC(".maps");

/*
 * The issuers of bios (block_bio_queue path) until their request is issued.
 * LRU: a bio merged into a request that another bio starts is never looked
 * up, and would otherwise stay for good.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 10240);
	__type(key, __u64);	/* struct bio * */
	__type(value, struct bk_issuer);
} bios SEC(".maps");

/* Keys the tools' tables had no room for: their requests are not counted. */
__u64 bk_block_lost_keys = 0;

/*
 * The value of key in a summary map, added from `zero` when missing (NOEXIST:
 * another CPU may have added it meanwhile; then theirs is used). NULL, and
 * counted in bk_block_lost_keys, when the map is full.
 */
static __always_inline void *bk_block_lookup_or_add(void *map, const void *key, const void *zero)
{
	void *v = bpf_map_lookup_elem(map, key);

	if (v)
		return v;
	bpf_map_update_elem(map, key, zero, BPF_NOEXIST);
	v = bpf_map_lookup_elem(map, key);
	if (!v)
		__sync_fetch_and_add(&bk_block_lost_keys, 1);
	return v;
}

/* The includer's: request r completed at now_ns. */
static __always_inline void blk_done(void *ctx, struct bk_rq *r, __u64 now_ns);

/* Optional: more about the issuer, in its own context (stack ids). */
#ifndef blk_started
#define blk_started(ctx, w) do { } while (0)
#endif

/*
 * A field of a kernel struct: a plain load in a tp_btf program (btf a
 * constant 1: its arguments are BTF pointers the verifier lets it follow),
 * a CO-RE bpf_probe_read_kernel() in a raw_tp one. Each hook below is
 * inlined with a constant btf, so each program keeps one of the two.
 */
#define BK_FIELD(btf, p, f) ((btf) ? (p)->f : BPF_CORE_READ(p, f))

/* Kernels before 5.17 (about) kept the disk in the request. */
struct request___rq_disk {
	struct gendisk *rq_disk;
} __attribute__((preserve_access_index));

static __always_inline __u32 bk_rq_dev(struct request *rq, bool btf)
{
	struct request___rq_disk *old = (void *)rq;
	struct gendisk *disk;

	if (bpf_core_field_exists(old->rq_disk)) {
		disk = BK_FIELD(btf, old, rq_disk);
	} else {
		struct request_queue *q = BK_FIELD(btf, rq, q);

		disk = q ? BK_FIELD(btf, q, disk) : NULL;
	}
	if (!disk)
		return 0;
	return BK_BLOCK_DEV(BK_FIELD(btf, disk, major), BK_FIELD(btf, disk, first_minor));
}

/* The device, if the tool or --disk needs it (else 0, not read). */
static __always_inline __u32 bk_rq_dev_needed(struct request *rq, bool btf)
{
	return bk_block.dev || BK_RQ_NEED_DEV ? bk_rq_dev(rq, btf) : 0;
}

/* The issuer is the current task: 0, or 1 when the task filters leave it out. */
static __always_inline int bk_issuer_fill(void *ctx, struct bk_issuer *w)
{
	__u64 id = bpf_get_current_pid_tgid();

	if (bk_filtered(id))
		return 1;
	w->start_ns = bpf_ktime_get_ns();
#ifndef BK_RQ_SLIM
	w->tgid = id >> 32;
	w->tid = (__u32)id;
	w->uid = (__u32)bpf_get_current_uid_gid();
	bpf_get_current_comm(w->comm, sizeof(w->comm));
#endif
	blk_started(ctx, w);
	return 0;
}

/* block_io_start: a request made, in the task that submitted it. */
static __always_inline int bk_io_start(void *ctx, struct request *rq, bool btf)
{
	__u64 key = (__u64)rq;
	struct bk_rq r = {};

	if (bk_issuer_fill(ctx, &r.who))
		return 0;
	r.dev = bk_rq_dev_needed(rq, btf);
	if (bk_block.dev && r.dev != bk_block.dev)
		return 0;
	bk_starts_update(&rqs, &key, &r);
	return 0;
}

/* block_bio_queue: a bio submitted; its request, if it starts one, is issued later. */
static __always_inline int bk_bio_queue(void *ctx, struct bio *bio)
{
	__u64 key = (__u64)bio;
	struct bk_issuer w = {};

	if (bk_issuer_fill(ctx, &w))
		return 0;
	bpf_map_update_elem(&bios, &key, &w, BPF_ANY);
	return 0;
}

/* What request rq is as it goes to the driver (only what the includer reads). */
static __always_inline void bk_rq_issued(struct bk_rq *r, struct request *rq, __u64 sector,
					 __u32 dev, bool btf)
{
	r->issue_ns = bpf_ktime_get_ns();
#ifndef BK_RQ_SLIM
	r->sector = sector;
	if (BK_RQ_NEED_BYTES)
		r->bytes = BK_FIELD(btf, rq, __data_len);
#endif
	if (BK_RQ_NEED_FLAGS)
		r->cmd_flags = BK_FIELD(btf, rq, cmd_flags);
	r->dev = dev;
}

static __always_inline int bk_rq_issue(void *ctx, struct request *rq, bool btf)
{
	__u64 key = (__u64)rq, bio;
	__u32 dev = bk_rq_dev_needed(rq, btf);
	__u64 sector = bk_block.sector_hi || BK_RQ_NEED_SECTOR ? BK_FIELD(btf, rq, __sector) : 0;
	struct bk_issuer *w;
	struct bk_rq *r, n = {};

	/*
	 * Without issuers nothing is in rqs before its issue (or a requeued
	 * request, issued again: overwritten), so no lookup.
	 */
	if (bk_block.issuer == BK_ISSUER_NONE) {
		if (!bk_disk_matches(dev, sector))
			return 0;
		bk_rq_issued(&n, rq, sector, dev, btf);
		bk_starts_update(&rqs, &key, &n);
		return 0;
	}
	r = bpf_map_lookup_elem(&rqs, &key);
	if (!bk_disk_matches(dev, sector)) {
		if (r)
			bpf_map_delete_elem(&rqs, &key);
		return 0;
	}
	if (!r) {
		/* Started before tracing, or without a start (a flush's own request). */
		if (bk_block.issuer == BK_ISSUER_BIO_QUEUE) {
			bio = (__u64)BK_FIELD(btf, rq, bio);
			w = bio ? bpf_map_lookup_elem(&bios, &bio) : NULL;
			if (w) {
				n.who = *w;
				bpf_map_delete_elem(&bios, &bio);
			}
		}
		if (bk_block.task_filter && !n.who.start_ns)
			return 0;
		/* Filled, then inserted once: no second lookup. */
		bk_rq_issued(&n, rq, sector, dev, btf);
		bk_starts_update(&rqs, &key, &n);
		return 0;
	}
	bk_rq_issued(r, rq, sector, dev, btf);
	return 0;
}

static __always_inline int bk_rq_complete(void *ctx, struct request *rq, __u32 nr_bytes, bool btf)
{
	__u64 key = (__u64)rq;
	struct bk_rq *r = bpf_map_lookup_elem(&rqs, &key);

	if (!r)
		return 0;
	/* A partial completion: the rest of the request is still to come. */
	if (nr_bytes < BK_FIELD(btf, rq, __data_len))
		return 0;
	if (r->issue_ns)
		blk_done(ctx, r, bpf_ktime_get_ns());
	bpf_map_delete_elem(&rqs, &key);
	return 0;
}

static __always_inline int bk_rq_merge(struct request *rq)
{
	__u64 key = (__u64)rq;

	bpf_map_delete_elem(&rqs, &key);
	return 0;
}

/* The request or bio argument, per bk_block's layout (a constant: the other load is dead code). */
#define BK_RQ_ARG(ctx) ((struct request *)(bk_block.rq_arg ? (ctx)[1] : (ctx)[0]))
#define BK_BIO_ARG(ctx) ((struct bio *)(bk_block.bio_arg ? (ctx)[1] : (ctx)[0]))

/* tp_btf block_io_start(struct request *rq) */
SEC("tp_btf/block_io_start")
int handle_io_start(__u64 *ctx)
{
	return bk_io_start(ctx, (struct request *)ctx[0], true);
}

/* raw_tp block_io_start(struct request *rq) */
SEC("raw_tp/block_io_start")
int handle_io_start_raw(__u64 *ctx)
{
	return bk_io_start(ctx, (struct request *)ctx[0], false);
}

/* tp_btf block_bio_queue(struct bio *bio); before 5.11 (struct request_queue *q, struct bio *bio) */
SEC("tp_btf/block_bio_queue")
int handle_bio_queue(__u64 *ctx)
{
	return bk_bio_queue(ctx, BK_BIO_ARG(ctx));
}

/* raw_tp block_bio_queue(struct bio *bio); before 5.11 (struct request_queue *q, struct bio *bio) */
SEC("raw_tp/block_bio_queue")
int handle_bio_queue_raw(__u64 *ctx)
{
	return bk_bio_queue(ctx, BK_BIO_ARG(ctx));
}

/* tp_btf block_rq_issue(struct request *rq); before 5.11 (struct request_queue *q, struct request *rq) */
SEC("tp_btf/block_rq_issue")
int handle_rq_issue(__u64 *ctx)
{
	return bk_rq_issue(ctx, BK_RQ_ARG(ctx), true);
}

/* raw_tp block_rq_issue(struct request *rq); before 5.11 (struct request_queue *q, struct request *rq) */
SEC("raw_tp/block_rq_issue")
int handle_rq_issue_raw(__u64 *ctx)
{
	return bk_rq_issue(ctx, BK_RQ_ARG(ctx), false);
}

/* tp_btf block_rq_complete(struct request *rq, blk_status_t error, unsigned int nr_bytes) */
SEC("tp_btf/block_rq_complete")
int handle_rq_complete(__u64 *ctx)
{
	return bk_rq_complete(ctx, (struct request *)ctx[0], (__u32)ctx[2], true);
}

/* raw_tp block_rq_complete(struct request *rq, blk_status_t error, unsigned int nr_bytes) */
SEC("raw_tp/block_rq_complete")
int handle_rq_complete_raw(__u64 *ctx)
{
	return bk_rq_complete(ctx, (struct request *)ctx[0], (__u32)ctx[2], false);
}

/* tp_btf block_rq_merge(struct request *rq); before 5.11 (struct request_queue *q, struct request *rq) */
SEC("tp_btf/block_rq_merge")
int handle_rq_merge(__u64 *ctx)
{
	return bk_rq_merge(BK_RQ_ARG(ctx));
}

/* raw_tp block_rq_merge(struct request *rq); before 5.11 (struct request_queue *q, struct request *rq) */
SEC("raw_tp/block_rq_merge")
int handle_rq_merge_raw(__u64 *ctx)
{
	return bk_rq_merge(BK_RQ_ARG(ctx));
}

#endif
