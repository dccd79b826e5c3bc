/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* mountsnoop's event ABI, shared by bpf/mountsnoop.bpf.c and tools/mountsnoop.c. */
#ifndef MOUNTSNOOP_H
#define MOUNTSNOOP_H

/* Bytes of one string argument, NUL included; longer ones are cut (see `cut`). */
#define MOUNTSNOOP_STR_LEN 512
#define MOUNTSNOOP_STRS 4
#define MOUNTSNOOP_INTS 4

/* The calls, as `call` holds them. */
#define MOUNTSNOOP_MOUNT 0
#define MOUNTSNOOP_UMOUNT 1
#define MOUNTSNOOP_FSOPEN 2
#define MOUNTSNOOP_FSCONFIG 3
#define MOUNTSNOOP_FSMOUNT 4
#define MOUNTSNOOP_MOVE_MOUNT 5
#define MOUNTSNOOP_OPEN_TREE 6
#define MOUNTSNOOP_MOUNT_SETATTR 7
#define MOUNTSNOOP_FSPICK 8
#define MOUNTSNOOP_CALLS 9

/*
 * The arguments of each call, in `arg` (integers) and `str` (strings):
 *
 *   mount          str: source, target, fstype, data    arg: flags
 *   umount         str: target                          arg: flags
 *   fsopen         str: fsname                          arg: flags
 *   fsconfig       str: key, value (a string value)     arg: fd, cmd, aux
 *   fsmount                                             arg: fd, flags, attr_flags
 *   move_mount     str: from path, to path              arg: from_dfd, to_dfd, flags
 *   open_tree      str: path                            arg: dfd, flags
 *   mount_setattr  str: path                            arg: dfd, flags, attr_set, attr_clr
 *   fspick         str: path                            arg: dfd, flags
 *
 * A string pointer that was NULL has its bit in `null`; str_flags says
 * which strings did not fit (their first MOUNTSNOOP_STR_LEN - 1 bytes are
 * there) or could not be read (see "Strings that do not fit" in bpfkit.h).
 */
struct mount_event {
	__u64 ts_ns;
	__u64 lat_ns;
	__s64 ret;		/* an fd or 0, or -errno */
	__u64 arg[MOUNTSNOOP_INTS];
	__u64 mnt_ns;		/* inode number of the caller's mount namespace */
	__u32 tgid;
	__u32 tid;
	__u32 uid;
	__u32 call;		/* MOUNTSNOOP_* */
	__u32 null;		/* bit i: str[i] was a NULL pointer */
	__u32 str_flags;	/* BK_STR_CUT(i), BK_STR_UNREADABLE(i) of str[i] */
	char comm[16];
	char str[MOUNTSNOOP_STRS][MOUNTSNOOP_STR_LEN];
};

#endif
