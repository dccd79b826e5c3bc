/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* opensnoop's event ABI, shared by bpf/opensnoop.bpf.c and tools/opensnoop.c. */
#ifndef OPENSNOOP_H
#define OPENSNOOP_H

#define OPENSNOOP_PATH_LEN 4096	/* PATH_MAX: a path the kernel accepts fits whole */
#define OPENSNOOP_PREFIX_LEN 128

struct open_event {
	__u64 ts_ns;
	__s64 ret;		/* the fd, or -errno */
	__u32 tgid;
	__u32 tid;
	__u32 uid;
	__u32 flags;		/* open(2) flags */
	__u32 mode;
	__u32 str_flags;	/* BK_STR_CUT(0)/BK_STR_UNREADABLE(0): the path (bpfkit.h) */
	char comm[16];
	char path[OPENSNOOP_PATH_LEN];	/* as the caller gave it; records end after its NUL */
};

#endif
