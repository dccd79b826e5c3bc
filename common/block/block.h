/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * The user side of the block I/O tools: disks by name and number (--disk
 * and the DISK column), the attach path of bpf/block.bpf.h, and request
 * flags as the kernel names them.
 *
 *	struct bk_block_progs p = BK_BLOCK_PROGS(skel->progs);
 *	bk_block_choose(&p, issuer, &disk, bk_env.force_path, &skel->rodata->bk_block);
 *	bk_start(skel->skeleton);
 *	... bk_disk_name(r->dev), bk_rq_rwbs(buf, sizeof(buf), r->cmd_flags) ...
 *
 * Device numbers are the kernel's dev_t (BK_BLOCK_DEV: major << 20 | minor),
 * as requests and the block tracepoints carry them.
 */
#ifndef BPFKIT_BLOCK_BLOCK_H
#define BPFKIT_BLOCK_BLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <bpf/libbpf.h>
#include <linux/types.h>
#include "block_abi.h"

#define BK_DISK_NAME_LEN 32

/* A disk, or a partition of one, as --disk names it. */
struct bk_disk {
	char name[BK_DISK_NAME_LEN];	/* as sysfs names it: "sda1", "loop0" */
	char disk[BK_DISK_NAME_LEN];	/* its disk: "sda" ("loop0" for a disk) */
	__u32 dev;			/* the disk's BK_BLOCK_DEV() */
	bool partition;
	__u64 start, sectors;		/* a partition's sectors on its disk */
};

/*
 * --disk: a name in /proc/partitions or /sys/class/block ("sda", "sda1",
 * "nvme0n1p2"), a block device file ("/dev/sda1", "/dev/disk/by-id/..."),
 * or MAJOR:MINOR. 0, or -ENOENT/-ENOTBLK/-EINVAL with the sentence set
 * (a usage error).
 */
int bk_disk_parse(const char *s, struct bk_disk *d);

/* --disk, the same in every block tool: the option, and its parser (exits 64). */
#define BK_OPT_DISK 2100
#define BK_DISK_OPTION                                                               \
	{ "disk", BK_OPT_DISK, "DISK", 0,                                            \
	  "Only this disk, or partition (sda, sda1, /dev/..., MAJOR:MINOR)", 0 }
struct argp_state;
void bk_disk_arg(const struct argp_state *state, const char *arg, struct bk_disk *d);

/*
 * The name of a disk by its BK_BLOCK_DEV(), from /proc/partitions, else
 * sysfs (disks come and go: unknown numbers are looked up again), else
 * "MAJOR:MINOR". Valid until the next call.
 */
const char *bk_disk_name(__u32 dev);

/* The programs of bpf/block.bpf.h: [0] tp_btf, [1] raw_tp. */
struct bk_block_progs {
	struct bpf_program *issue[2], *complete[2], *merge[2], *io_start[2], *bio_queue[2];
};

#define BK_BLOCK_PROGS(p)                                                       \
	{                                                                     \
		.issue = { (p).handle_rq_issue, (p).handle_rq_issue_raw },    \
		.complete = { (p).handle_rq_complete, (p).handle_rq_complete_raw }, \
		.merge = { (p).handle_rq_merge, (p).handle_rq_merge_raw },    \
		.io_start = { (p).handle_io_start, (p).handle_io_start_raw }, \
		.bio_queue = { (p).handle_bio_queue, (p).handle_bio_queue_raw }, \
	}

/*
 * Before load: chooses the attach path and fills the rodata `o` (the disk
 * may be NULL, or never parsed (dev 0): every disk). With `issuer`, or when a task filter is set,
 * the issuer of each request is tracked, and the paths are "tp_btf" and
 * "raw_tp" (block_io_start) then "tp_btf_bio" and "raw_tp_bio"
 * (block_bio_queue); without, "tp_btf" and "raw_tp". `force`
 * (--force-path) may be NULL. Returns 0, -EINVAL for an unknown path (a
 * usage error), or -ENOENT with the sentence set.
 */
int bk_block_choose(struct bk_block_progs *p, bool issuer, const struct bk_disk *disk,
		    const char *force, volatile struct bk_block_opts *o);

/* The --disk filter alone into `o` (bk_block_choose() does it too); disk may be NULL. */
void bk_block_disk_fill(const struct bk_disk *disk, volatile struct bk_block_opts *o);

/* Whether a task filter (-p, -t, -u, -n, --cgroup) is set. */
bool bk_block_task_filter(void);

/*
 * Request flags (struct request's cmd_flags), by the running kernel's enum
 * values (BTF), read by bk_block_choose().
 *
 * bk_rq_rwbs: the letters blktrace and the block tracepoints show ("R",
 * "WS", "FWFS", "D", "N"). bk_rq_op: the operation, lower case ("read",
 * "write", "flush", "discard", ...; "op42" for one the kernel does not
 * name). bk_rq_flags: the REQ_ flags set, "SYNC|META|IDLE", "" for none.
 */
/*
 * A BPF-side counter of requests left uncounted because a table was full,
 * reported like drops: a bk_loop on_check callback with ctx this struct.
 */
struct bk_block_lost {
	volatile __u64 *count;
	const char *table;	/* "the histogram table" */
	__u64 seen;
};
void bk_block_lost_check(void *ctx, bool final);

/*
 * Reports both BPF-side losses of a block tool through the loop: requests
 * not followed (bk_lost_starts: the table of requests in flight was full)
 * and requests not counted because `table` (bk_block_lost_keys) was full.
 */
struct bk_loop;
void bk_block_lost_watch(struct bk_loop *loop, struct bk_block_lost *lost,
			 volatile __u64 *lost_starts, volatile __u64 *lost_keys, const char *table);

char *bk_rq_rwbs(char *buf, size_t len, __u32 cmd_flags);
char *bk_rq_op(char *buf, size_t len, __u32 cmd_flags);
char *bk_rq_flags(char *buf, size_t len, __u32 cmd_flags);

#endif
