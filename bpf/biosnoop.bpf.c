// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * biosnoop: one event per block I/O request completed, with the task that
 * issued it, its disk, operation, sector, size, queue time and latency. The
 * hooks are bpf/block.bpf.h's.
 */
#include "events.bpf.h"
#include "block.bpf.h"
#include "biosnoop.h"

/* --min-ms: only requests at least this slow (LAT, or QUE + LAT with -Q). */
const volatile __u64 targ_min_ns = 0;
const volatile __u32 targ_queued = 0;

static __always_inline void blk_done(void *ctx, struct bk_rq *r, __u64 now_ns)
{
	__u64 lat = now_ns - r->issue_ns;
	__u64 queue = r->who.start_ns && r->who.start_ns < r->issue_ns ? r->issue_ns - r->who.start_ns
								       : 0;
	struct bio_event *e;

	if (targ_min_ns && (targ_queued ? lat + queue : lat) < targ_min_ns)
		return;
	e = bk_reserve(sizeof(*e));
	if (!e)
		return;
	e->ts_ns = now_ns;
	e->lat_ns = lat;
	e->queue_ns = queue;
	e->sector = r->sector;
	e->bytes = r->bytes;
	e->cmd_flags = r->cmd_flags;
	e->dev = r->dev;
	e->tgid = r->who.tgid;
	e->tid = r->who.tid;
	e->uid = r->who.uid;
	e->issuer_known = r->who.start_ns != 0;
	e->pad = 0;
	__builtin_memcpy(e->comm, r->who.comm, sizeof(e->comm));
	bk_submit(e);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
