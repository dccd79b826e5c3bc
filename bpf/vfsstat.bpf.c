// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * vfsstat: counts of VFS operations, in a per-CPU array the user side reads
 * every interval.
 *
 * Preferred path: fentry on the VFS functions themselves (vfs_read,
 * vfs_write, vfs_fsync_range, vfs_open, vfs_create, vfs_unlink, vfs_mkdir,
 * vfs_rmdir), else kprobes on them. Kernels with neither get the "syscalls"
 * path: raw_syscalls:sys_enter with a table of the system calls that reach
 * those functions. That counts calls made, not VFS operations done (failed
 * calls count, in-kernel callers do not); see CAVEATS in vfsstat(8).
 */
#include "bpfkit.bpf.h"
#include "vfsstat.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, VFSSTAT_OPS);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

static __always_inline void add(__u32 op)
{
	__u64 *n = bpf_map_lookup_elem(&counts, &op);

	if (n)
		*n += 1;	/* this CPU's slot: no other writer */
}

static __always_inline int count(__u32 op)
{
	if (!bk_filtered(bpf_get_current_pid_tgid()))
		add(op);
	return 0;
}

/* fentry ssize_t vfs_read(struct file *file, char __user *buf, size_t count, loff_t *pos) */
SEC("fentry/vfs_read")
int BPF_PROG(handle_read_fentry)
{
	return count(VFSSTAT_READ);
}

/* fentry ssize_t vfs_write(struct file *file, const char __user *buf, size_t count, loff_t *pos) */
SEC("fentry/vfs_write")
int BPF_PROG(handle_write_fentry)
{
	return count(VFSSTAT_WRITE);
}

/*
 * fentry int vfs_fsync_range(struct file *file, loff_t start, loff_t end, int datasync)
 * Not vfs_fsync(): that one-line wrapper is inlined into the fsync system
 * calls on common builds (Debian's 6.1), so a hook on it misses them.
 */
SEC("fentry/vfs_fsync_range")
int BPF_PROG(handle_fsync_fentry)
{
	return count(VFSSTAT_FSYNC);
}

/* fentry int vfs_open(const struct path *path, struct file *file) */
SEC("fentry/vfs_open")
int BPF_PROG(handle_open_fentry)
{
	return count(VFSSTAT_OPEN);
}

/* fentry int vfs_create(struct mnt_idmap *idmap, struct inode *dir, struct dentry *dentry, umode_t mode, bool want_excl) */
SEC("fentry/vfs_create")
int BPF_PROG(handle_create_fentry)
{
	return count(VFSSTAT_CREATE);
}

/* fentry int vfs_unlink(struct mnt_idmap *idmap, struct inode *dir, struct dentry *dentry, struct inode **delegated_inode) */
SEC("fentry/vfs_unlink")
int BPF_PROG(handle_unlink_fentry)
{
	return count(VFSSTAT_UNLINK);
}

/* fentry int vfs_mkdir(struct mnt_idmap *idmap, struct inode *dir, struct dentry *dentry, umode_t mode) */
SEC("fentry/vfs_mkdir")
int BPF_PROG(handle_mkdir_fentry)
{
	return count(VFSSTAT_MKDIR);
}

/* fentry int vfs_rmdir(struct mnt_idmap *idmap, struct inode *dir, struct dentry *dentry) */
SEC("fentry/vfs_rmdir")
int BPF_PROG(handle_rmdir_fentry)
{
	return count(VFSSTAT_RMDIR);
}

/* kprobe ssize_t vfs_read(struct file *file, char __user *buf, size_t count, loff_t *pos) */
SEC("kprobe/vfs_read")
int handle_read_kprobe(void *ctx)
{
	return count(VFSSTAT_READ);
}

/* kprobe ssize_t vfs_write(struct file *file, const char __user *buf, size_t count, loff_t *pos) */
SEC("kprobe/vfs_write")
int handle_write_kprobe(void *ctx)
{
	return count(VFSSTAT_WRITE);
}

/* kprobe int vfs_fsync_range(struct file *file, loff_t start, loff_t end, int datasync) */
SEC("kprobe/vfs_fsync_range")
int handle_fsync_kprobe(void *ctx)
{
	return count(VFSSTAT_FSYNC);
}

/* kprobe int vfs_open(const struct path *path, struct file *file) */
SEC("kprobe/vfs_open")
int handle_open_kprobe(void *ctx)
{
	return count(VFSSTAT_OPEN);
}

/* kprobe int vfs_create(struct mnt_idmap *idmap, struct inode *dir, struct dentry *dentry, umode_t mode, bool want_excl) */
SEC("kprobe/vfs_create")
int handle_create_kprobe(void *ctx)
{
	return count(VFSSTAT_CREATE);
}

/* kprobe int vfs_unlink(struct mnt_idmap *idmap, struct inode *dir, struct dentry *dentry, struct inode **delegated_inode) */
SEC("kprobe/vfs_unlink")
int handle_unlink_kprobe(void *ctx)
{
	return count(VFSSTAT_UNLINK);
}

/* kprobe int vfs_mkdir(struct mnt_idmap *idmap, struct inode *dir, struct dentry *dentry, umode_t mode) */
SEC("kprobe/vfs_mkdir")
int handle_mkdir_kprobe(void *ctx)
{
	return count(VFSSTAT_MKDIR);
}

/* kprobe int vfs_rmdir(struct mnt_idmap *idmap, struct inode *dir, struct dentry *dentry) */
SEC("kprobe/vfs_rmdir")
int handle_rmdir_kprobe(void *ctx)
{
	return count(VFSSTAT_RMDIR);
}

/*
 * The "syscalls" path: system call numbers of this architecture, and which
 * VFS function each one reaches. Only read/pread64 and write/pwrite64 count
 * as reads and writes, because only they reach vfs_read()/vfs_write(); the
 * vectored calls go through vfs_readv()/vfs_writev(), which the other paths
 * do not count either.
 */
#define O_CREAT_FLAG 0100
#define AT_REMOVEDIR_FLAG 0x200
#define S_IFMT_BITS 0170000
#define S_IFREG_BITS 0100000

#if defined(__TARGET_ARCH_x86)
#define NR_read 0
#define NR_write 1
#define NR_open 2
#define NR_pread64 17
#define NR_pwrite64 18
#define NR_fsync 74
#define NR_fdatasync 75
#define NR_mkdir 83
#define NR_rmdir 84
#define NR_creat 85
#define NR_unlink 87
#define NR_mknod 133
#define NR_openat 257
#define NR_mkdirat 258
#define NR_mknodat 259
#define NR_unlinkat 263
#define NR_openat2 437
#elif defined(__TARGET_ARCH_arm64)
/* The generic table: no open, creat, mkdir, rmdir, unlink or mknod. */
#define NR_read 63
#define NR_write 64
#define NR_pread64 67
#define NR_pwrite64 68
#define NR_fsync 82
#define NR_fdatasync 83
#define NR_mkdirat 34
#define NR_mknodat 33
#define NR_unlinkat 35
#define NR_openat 56
#define NR_openat2 437
#else
#error "vfsstat: no system call table for this architecture"
#endif

/* O_CREAT opens count as creates too, created or not: the flags are all there is. */
static __always_inline int open_op(__u64 flags, int *op2)
{
	if (flags & O_CREAT_FLAG)
		*op2 = VFSSTAT_CREATE;
	return VFSSTAT_OPEN;
}

/* Only regular files (type 0 means regular) reach vfs_create(). */
static __always_inline int mknod_op(__u64 mode)
{
	__u64 type = mode & S_IFMT_BITS;

	return type == S_IFREG_BITS || type == 0 ? VFSSTAT_CREATE : -1;
}

/* tracepoint raw_syscalls:sys_enter(long id, unsigned long args[6]) */
SEC("tracepoint/raw_syscalls/sys_enter")
int handle_sys_enter(struct trace_event_raw_sys_enter *ctx)
{
	struct open_how how = {};
	int op = -1, op2 = -1;

	/* Every system call of the system comes here: classify before filtering. */
	switch (ctx->id) {
	case NR_read:
	case NR_pread64:
		op = VFSSTAT_READ;
		break;
	case NR_write:
	case NR_pwrite64:
		op = VFSSTAT_WRITE;
		break;
	case NR_fsync:
	case NR_fdatasync:
		op = VFSSTAT_FSYNC;
		break;
	case NR_openat:
		op = open_op(ctx->args[2], &op2);
		break;
	case NR_openat2:
		bpf_probe_read_user(&how, sizeof(how), (void *)ctx->args[2]);
		op = open_op(how.flags, &op2);
		break;
	case NR_mknodat:
		op = mknod_op(ctx->args[2]);
		break;
	case NR_mkdirat:
		op = VFSSTAT_MKDIR;
		break;
	case NR_unlinkat:
		op = ctx->args[2] & AT_REMOVEDIR_FLAG ? VFSSTAT_RMDIR : VFSSTAT_UNLINK;
		break;
#ifdef NR_open
	case NR_open:
		op = open_op(ctx->args[1], &op2);
		break;
	case NR_creat:
		op = open_op(O_CREAT_FLAG, &op2);
		break;
	case NR_mknod:
		op = mknod_op(ctx->args[1]);
		break;
	case NR_mkdir:
		op = VFSSTAT_MKDIR;
		break;
	case NR_rmdir:
		op = VFSSTAT_RMDIR;
		break;
	case NR_unlink:
		op = VFSSTAT_UNLINK;
		break;
#endif
	}
	if (op < 0 || bk_filtered(bpf_get_current_pid_tgid()))
		return 0;
	add(op);
	if (op2 >= 0)
		add(op2);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
