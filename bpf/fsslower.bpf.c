// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * fsslower: reads, writes, opens and fsyncs of one file system that take
 * longer than a threshold, with the file, offset, size and latency. The
 * hooks are bpf/fsops.bpf.h's; this file turns an operation that ended
 * into an event when it was slow enough.
 */
#include "events.bpf.h"
#include "fsops.bpf.h"
#include "fsslower.h"

/* Operations at least this long are shown (0: all). */
const volatile __u64 targ_min_ns = 0;

BK_SCRATCH(scratch, struct fsslower_event);

static __always_inline void fsop_done(const struct fsop_start *s, long ret, __u64 now_ns)
{
	__u64 id = bpf_get_current_pid_tgid(), delta = now_ns - s->ts_ns;
	struct fsslower_event *e;
	struct file *f = s->file;
	long len = 1;

	if (delta < targ_min_ns)
		return;
	e = bk_scratch(&scratch);
	if (!e)
		return;
	e->ts_ns = now_ns;
	e->lat_ns = delta;
	e->offset = s->pos;
	e->ret = ret;
	e->tgid = id >> 32;
	e->tid = (__u32)id;
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->op = s->op;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	e->file = (struct bk_file_id){};
	e->fstype[0] = 0;
	e->name[0] = 0;
	e->str_flags = 0;
	e->pad = 0;
	if (f) {
		struct inode *inode = BPF_CORE_READ(f, f_inode);

		bk_inode_id(inode, &e->file);
		bk_inode_fstype(inode, e->fstype);
		len = bk_file_name(f, e->name, sizeof(e->name), &e->str_flags, 0);
	}
	bk_output(e, offsetof(struct fsslower_event, name) + len);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
