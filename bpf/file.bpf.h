/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * File from fd: from a system call's file descriptor (a syscall tracepoint's
 * argument or return value) to the struct file the task has open, and from
 * there to its inode, file-system type, name and, for sockets, the struct
 * socket.
 *
 *	struct file *f = bk_fd_file(fd);		// NULL: no such fd
 *	if (!f || !bk_file_fstype_is(f, targ_fstype))
 *		return 0;
 *	bk_file_id(f, &e->file);			// ino, dev, i_mode
 *	bk_file_name(f, e->name, sizeof(e->name), &e->str_flags, 0);	// "app.log"
 *
 * Every read is a CO-RE read (BPF_CORE_READ, probe reads): a tool that
 * includes this header carries relocations, so libbpf parses the kernel BTF
 * at load. The walk is task->files->fdt->fd[fd]; it runs in the task's own
 * context (a syscall tracepoint of the current task), where the table cannot
 * go away, and a table resized by another thread meanwhile is freed only
 * after an RCU grace period, which a tracing program holds off.
 *
 * Cost: about six probe reads for the file, two more for its inode, three
 * and a short string read for the file-system type.
 */
#ifndef BPFKIT_FILE_BPF_H
#define BPFKIT_FILE_BPF_H

#include "bpfkit.bpf.h"
#include "file.h"

/* file->f_mode: the open created the file (Linux 4.19 and later). */
#define BK_FMODE_CREATED 0x100000
/* file->f_flags */
#define BK_O_APPEND 02000

/* The struct file of `fd` in `task`'s table, or NULL. */
static __always_inline struct file *bk_task_fd_file(struct task_struct *task, long fd)
{
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct file **fds, *f = NULL;
	unsigned int max;

	if (!fdt || fd < 0)
		return NULL;
	max = BPF_CORE_READ(fdt, max_fds);
	if ((unsigned long)fd >= max)
		return NULL;
	fds = BPF_CORE_READ(fdt, fd);
	if (bpf_probe_read_kernel(&f, sizeof(f), fds + fd))
		return NULL;
	return f;
}

/* The struct file of `fd` in the current task's table, or NULL. */
static __always_inline struct file *bk_fd_file(long fd)
{
	return bk_task_fd_file((struct task_struct *)bpf_get_current_task(), fd);
}

/* Inode number, device (kernel encoding) and i_mode of an inode. */
static __always_inline void bk_inode_id(struct inode *inode, struct bk_file_id *id)
{
	id->ino = BPF_CORE_READ(inode, i_ino);
	id->dev = BPF_CORE_READ(inode, i_sb, s_dev);
	id->mode = BPF_CORE_READ(inode, i_mode);
}

/* The same for an open file. */
static __always_inline void bk_file_id(struct file *f, struct bk_file_id *id)
{
	bk_inode_id(BPF_CORE_READ(f, f_inode), id);
}

/* The file type bits of an open file's inode (BK_S_IFREG, ...). */
static __always_inline __u32 bk_file_type(struct file *f)
{
	return BPF_CORE_READ(f, f_inode, i_mode) & BK_S_IFMT;
}

/* The file position (file->f_pos): where read()/write() without an offset start. */
static __always_inline __s64 bk_file_pos(struct file *f)
{
	return BPF_CORE_READ(f, f_pos);
}

/*
 * Whether the file system of superblock `sb` has the type named `want`
 * ("ext4"; sb->s_type->name, as in /proc/filesystems). An empty `want`
 * matches every file system.
 */
static __always_inline bool bk_sb_fstype_is(struct super_block *sb, const volatile char *want)
{
	char name[BK_FSTYPE_LEN];
	const char *p;

	if (!want[0])
		return true;
	p = BPF_CORE_READ(sb, s_type, name);
	if (bpf_probe_read_kernel_str(name, sizeof(name), p) <= 0)
		return false;
	for (int i = 0; i < BK_FSTYPE_LEN; i++) {
		if (name[i] != want[i])
			return false;
		if (!name[i])
			return true;
	}
	return true;
}

static __always_inline bool bk_file_fstype_is(struct file *f, const volatile char *want)
{
	if (!want[0])
		return true;
	return bk_sb_fstype_is(BPF_CORE_READ(f, f_inode, i_sb), want);
}

/* The type name of the file system an inode lives on, into buf[BK_FSTYPE_LEN]. */
static __always_inline long bk_inode_fstype(struct inode *inode, char *buf)
{
	return bpf_probe_read_kernel_str(buf, BK_FSTYPE_LEN, BPF_CORE_READ(inode, i_sb, s_type, name));
}

/*
 * A dentry's name (the last path component, not the path) into buf[size],
 * as string i of a record whose str_flags are *flags (see "Strings that do
 * not fit" in bpfkit.h): returns the bytes stored with the NUL, 1 to size.
 * With BK_DNAME_LEN bytes it is never cut.
 */
static __always_inline __u32 bk_dentry_name(struct dentry *d, char *buf, __u32 size, __u32 *flags,
					    int i)
{
	return bk_read_kernel_str(buf, size, (const char *)BPF_CORE_READ(d, d_name.name), flags, i);
}

/* The name an open file was opened by (its dentry's), as bk_dentry_name(). */
static __always_inline __u32 bk_file_name(struct file *f, char *buf, __u32 size, __u32 *flags,
					  int i)
{
	return bk_dentry_name(BPF_CORE_READ(f, f_path.dentry), buf, size, flags, i);
}

/*
 * The struct socket behind a socket's file (file->private_data), or NULL
 * when the file is not a socket.
 */
static __always_inline struct socket *bk_file_socket(struct file *f)
{
	if (bk_file_type(f) != BK_S_IFSOCK)
		return NULL;
	return BPF_CORE_READ(f, private_data);
}

#endif
