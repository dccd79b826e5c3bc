/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * What both sides of every tool share: the common in-kernel filters and the
 * ring-buffer wake-up policy. Both live in .rodata, set before load.
 * The includer provides __u32/__u64 (vmlinux.h or <linux/types.h>).
 */
#ifndef BPFKIT_H
#define BPFKIT_H

#define BK_COMM_LEN 16

/* The common filters; zero means "off" for every field. */
struct bk_filter {
	__u64 cgroup_set;	/* --cgroup: bk_cgroups[0] holds the cgroup */
	__u32 tgid;		/* -p */
	__u32 tid;		/* -t */
	__u32 uid;		/* -u, when uid_set */
	__u32 uid_set;
	__u32 failed_only;	/* -x, for tools whose events can fail */
	__u32 pad;
	char comm[BK_COMM_LEN];	/* -n, exact match */
};

/*
 * When the kernel side wakes the consumer: when this many bytes are queued, or
 * when this long has passed since the last wake-up. In between the consumer
 * finds events on its own short timer, so wake-ups stay far fewer than events.
 */
struct bk_wakeup {
	__u64 bytes;
	__u64 interval_ns;
};

#endif
