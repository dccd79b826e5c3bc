/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* filelife's event ABI, shared by bpf/filelife.bpf.c and tools/filelife.c. */
#ifndef FILELIFE_H
#define FILELIFE_H

#include "file.h"

/* How the file's birth and death were seen, as `source` holds it. */
#define FILELIFE_VFS 0		/* fentry/kprobe: security_inode_create, vfs_unlink */
#define FILELIFE_EXT4 1		/* ext4:ext4_allocate_inode, ext4:ext4_unlink_enter */
#define FILELIFE_XFS 2		/* xfs:xfs_create, xfs:xfs_remove */
#define FILELIFE_SYSCALLS 3	/* open(O_CREAT) that created, unlink: paired by name */

/* Bytes of the last path component the pairing by name compares. */
#define FILELIFE_KEY_NAME 64
/* Bytes of a path read from the unlink call (for ext4's names). */
#define FILELIFE_PATH_LEN 256

/* Variable-length: a record ends after the NUL of name. */
struct filelife_event {
	__u64 ts_ns;		/* when the file was removed */
	__u64 age_ns;		/* from its creation */
	__u32 tgid;		/* who removed it */
	__u32 tid;
	__u32 uid;
	__u32 creator_tgid;	/* who created it */
	__u32 source;		/* FILELIFE_* */
	__u32 name_is_path;	/* 1: name is the path given to unlink, not the last component */
	__u32 str_flags;	/* name: string 0 (see "Strings that do not fit" in bpfkit.h) */
	__u32 pad;
	char comm[16];
	char creator_comm[16];
	char fstype[BK_FSTYPE_LEN];	/* empty when unknown */
	char name[FILELIFE_PATH_LEN];
};

#endif
