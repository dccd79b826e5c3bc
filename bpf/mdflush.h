/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* mdflush's event ABI, shared by bpf/mdflush.bpf.c and tools/mdflush.c. */
#ifndef MDFLUSH_H
#define MDFLUSH_H

#define MDFLUSH_DISK_LEN 32	/* gendisk's disk_name */

struct mdflush_event {
	__u64 ts_ns;
	__u32 tgid;
	__u32 tid;
	__u32 uid;
	__u32 pad;
	char comm[16];
	char disk[MDFLUSH_DISK_LEN];	/* the md device: "md0" */
};

#endif
