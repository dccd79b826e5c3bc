/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* bashreadline's event ABI, shared by bpf/bashreadline.bpf.c and tools/bashreadline.c. */
#ifndef BASHREADLINE_H
#define BASHREADLINE_H

#define BASHREADLINE_LINE_LEN 512

struct line_event {
	__u64 ts_ns;		/* when readline() returned */
	__u32 tgid;
	__u32 tid;
	__u32 uid;
	__u32 str_flags;	/* BK_STR_CUT(0)/BK_STR_UNREADABLE(0): line (bpfkit.h) */
	char comm[16];
	char line[BASHREADLINE_LINE_LEN];	/* as typed, without the newline; may be "" */
};

#endif
