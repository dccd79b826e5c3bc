/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * What both sides of the block I/O tools share (bpf/block.bpf.h,
 * common/block/block.h): the --disk filter, the tracepoints' argument
 * layout and where the issuer of a request comes from. The includer
 * provides __u32/__u64.
 */
#ifndef BPFKIT_BLOCK_ABI_H
#define BPFKIT_BLOCK_ABI_H

/* The kernel's dev_t of a major and minor number (MKDEV in the kernel). */
#define BK_BLOCK_DEV(major, minor) (((__u32)(major) << 20) | (__u32)(minor))
#define BK_BLOCK_MAJOR(dev) ((__u32)(dev) >> 20)
#define BK_BLOCK_MINOR(dev) ((__u32)(dev) & ((1U << 20) - 1))

/* Who made a request: where the issuer columns come from. */
#define BK_ISSUER_NONE 0	/* not tracked: the tool does not show it */
#define BK_ISSUER_IO_START 1	/* block_io_start: the request's own start (6.5 and later) */
#define BK_ISSUER_BIO_QUEUE 2	/* block_bio_queue of the request's first bio */

/* Settings of bpf/block.bpf.h in .rodata, filled by bk_block_fill(). */
struct bk_block_opts {
	/*
	 * --disk: requests of one disk, or of one partition of it. Requests
	 * carry the whole disk's device number and sectors counted from the
	 * disk's start (a partition is remapped before its request is made),
	 * so a partition is its disk and its range of sectors.
	 */
	__u64 sector_lo;	/* a partition's first sector on its disk */
	__u64 sector_hi;	/* its end (exclusive); 0 for a whole disk */
	__u32 dev;		/* the disk, BK_BLOCK_DEV(); 0: every disk */
	/*
	 * Where the request or bio is among a tracepoint's arguments: kernels
	 * before 5.11 passed the request queue first (block_rq_issue(q, rq),
	 * block_bio_queue(q, bio)). Read from the kernel's BTF.
	 */
	__u32 rq_arg;		/* block_rq_issue, block_rq_merge */
	__u32 bio_arg;		/* block_bio_queue */
	__u32 issuer;		/* BK_ISSUER_* */
	/*
	 * A task filter (-p, -t, -u, -n, --cgroup) is set: it applies to the
	 * issuer, so requests whose issuer is not known are left out.
	 */
	__u32 task_filter;
	__u32 op_mask;		/* the REQ_OP_* bits of cmd_flags on this kernel */
};

#endif
