/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * What both sides of the file tools share about files: sizes of the names
 * bpf/file.bpf.h reads, the kernel's device-number encoding, and the file
 * type bits of i_mode. The includer provides __u32/__u64.
 */
#ifndef BPFKIT_FILE_H
#define BPFKIT_FILE_H

/* A file-system type name, as in /proc/filesystems ("ext4", "btrfs", "tmpfs"). */
#define BK_FSTYPE_LEN 16
/* One path component: NAME_MAX (255) bytes and the NUL, so never cut. */
#define BK_DNAME_LEN 256

/*
 * The kernel's dev_t (sb->s_dev, tracepoint `dev` fields): 12 bits of major
 * and 20 of minor, unlike the user-space encoding of stat(2).
 */
#define BK_KDEV_MAJOR(dev) ((__u32)(dev) >> 20)
#define BK_KDEV_MINOR(dev) ((__u32)(dev) & ((1U << 20) - 1))

/* File types in i_mode (UAPI <linux/stat.h>). */
#define BK_S_IFMT 0170000
#define BK_S_IFSOCK 0140000
#define BK_S_IFLNK 0120000
#define BK_S_IFREG 0100000
#define BK_S_IFBLK 0060000
#define BK_S_IFDIR 0040000
#define BK_S_IFCHR 0020000
#define BK_S_IFIFO 0010000

/* Which file a record is about: inode number, device and i_mode. */
struct bk_file_id {
	__u64 ino;
	__u32 dev;	/* kernel encoding: BK_KDEV_MAJOR/MINOR */
	__u32 mode;	/* i_mode: type and permission bits */
};

#endif
