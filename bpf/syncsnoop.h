/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* syncsnoop's event ABI, shared by bpf/syncsnoop.bpf.c and tools/syncsnoop.c. */
#ifndef SYNCSNOOP_H
#define SYNCSNOOP_H

#include "file.h"

/* The calls, as `call` holds them. */
#define SYNCSNOOP_SYNC 0
#define SYNCSNOOP_SYNCFS 1
#define SYNCSNOOP_FSYNC 2
#define SYNCSNOOP_FDATASYNC 3
#define SYNCSNOOP_SYNC_FILE_RANGE 4
#define SYNCSNOOP_MSYNC 5
#define SYNCSNOOP_CALLS 6

/* Variable-length: a record ends after the NUL of name. */
struct sync_event {
	__u64 ts_ns;		/* when the call returned */
	__u64 lat_ns;
	__s64 ret;		/* 0, or -errno */
	__u64 off;		/* sync_file_range: offset; msync: address */
	__u64 len;		/* sync_file_range: nbytes; msync: length */
	struct bk_file_id file;	/* the fd's file (calls with an fd that was open) */
	__u32 tgid;
	__u32 tid;
	__u32 uid;
	__s32 fd;		/* -1: sync, msync */
	__u32 call;		/* SYNCSNOOP_* */
	__u32 flags;		/* sync_file_range, msync */
	__u32 str_flags;	/* name: string 0 (see "Strings that do not fit" in bpfkit.h) */
	char comm[16];
	char fstype[BK_FSTYPE_LEN];	/* empty when there is no file */
	char name[BK_DNAME_LEN];	/* the file's name (its last path component) */
};

#endif
