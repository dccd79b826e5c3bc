/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* capable's event ABI, shared by bpf/capable.bpf.c and tools/capable.c. */
#ifndef CAPABLE_H
#define CAPABLE_H

/* audit: whether the check would be audited (cap_opt without CAP_OPT_NOAUDIT). */
#define CAPABLE_AUDIT_NO 0
#define CAPABLE_AUDIT_YES 1
#define CAPABLE_AUDIT_UNKNOWN 2	/* the hook does not give the options */

struct cap_event {
	__u64 ts_ns;
	__u32 tgid;
	__u32 tid;
	__u32 uid;
	__u32 userns_ino;	/* inode number of the target user namespace */
	__s32 cap;
	__s32 ret;		/* 0: granted, -errno (-EPERM): denied */
	__u32 audit;		/* CAPABLE_AUDIT_* */
	__u32 pad;
	char comm[16];
};

/* --unique: one event per (process, capability). */
struct cap_key {
	__u32 tgid;
	__s32 cap;
};

#endif
