/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* statsnoop's event ABI, shared by bpf/statsnoop.bpf.c and tools/statsnoop.c. */
#ifndef STATSNOOP_H
#define STATSNOOP_H

/* PATH_MAX: a path the kernel accepts always fits, NUL included. */
#define STATSNOOP_PATH_LEN 4096

/* The calls, as `call` holds them. */
#define STATSNOOP_STAT 0	/* stat(2): newstat */
#define STATSNOOP_LSTAT 1	/* lstat(2): newlstat */
#define STATSNOOP_FSTATAT 2	/* fstatat(2): newfstatat */
#define STATSNOOP_STATX 3
#define STATSNOOP_STATFS 4
#define STATSNOOP_CALLS 5

/* AT_FDCWD as the record's dfd holds it. */
#define STATSNOOP_AT_FDCWD -100
#define STATSNOOP_AT_EMPTY_PATH 0x1000

/* Variable-length: a record ends after the NUL of path. */
struct stat_event {
	__u64 ts_ns;
	__s64 ret;		/* 0, or -errno */
	__u32 tgid;
	__u32 tid;
	__u32 uid;
	__u32 call;		/* STATSNOOP_* */
	__s32 dfd;		/* fstatat, statx: the directory fd (or AT_FDCWD) */
	__u32 flags;		/* fstatat, statx: AT_* flags */
	__u32 str_flags;	/* path: string 0 (see "Strings that do not fit" in bpfkit.h) */
	__u32 pad;
	char comm[16];
	char path[STATSNOOP_PATH_LEN];	/* as the caller gave it */
};

#endif
