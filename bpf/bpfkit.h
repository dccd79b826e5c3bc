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
 * Strings that do not fit. A string a record carries from the traced system
 * (a path, an argument, a host name) is shown whole, or visibly cut, or
 * visibly unreadable: never silently short, never silently empty.
 *
 * - Record: a __u32 `str_flags` member; for its i-th string (numbered in
 *   the tool's header) BK_STR_CUT(i) says the source went on past the
 *   buffer, BK_STR_UNREADABLE(i) that it could not be read at all (the
 *   string is then empty).
 * - BPF side: bk_read_user_str() / bk_read_kernel_str() (bpfkit.bpf.h) read
 *   a string and set these bits.
 * - User side: bk_escape_str() (core/output.h) for columns, which appends
 *   BK_CUT_MARK ("...") to a cut string and shows an unreadable one as
 *   BK_UNREADABLE_MARK; bk_json_rec_str() (core/json.h) for JSON, which
 *   writes KEY (null when unreadable) and KEY_truncated (true/false).
 */
#define BK_STR_CUT(i) (1U << (i))
#define BK_STR_UNREADABLE(i) (1U << (16 + (i)))

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
