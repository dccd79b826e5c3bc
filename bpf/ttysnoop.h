/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* ttysnoop's event ABI, shared by bpf/ttysnoop.bpf.c and tools/ttysnoop.c. */
#ifndef TTYSNOOP_H
#define TTYSNOOP_H

#define TTYSNOOP_DATA 2048	/* bytes of one write kept; more is cut, and said */

struct tty_event {
	__u64 ts_ns;
	__u64 bytes;		/* what write() returned: all it wrote */
	__u32 tgid;
	__u32 tid;
	__u32 uid;
	__u32 rdev;		/* the terminal's device (kernel encoding) */
	__u32 len;		/* bytes of data[] used */
	__u32 str_flags;	/* BK_STR_CUT(0): the write was longer than data[] */
	char comm[16];
	char data[TTYSNOOP_DATA];
};

#endif
