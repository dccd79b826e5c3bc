/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * Timing a file system's reads, writes, opens, fsyncs and getattrs, for
 * fsslower and fsdist. Three sets of programs; the user side loads one
 * (common/fs/fsops.h):
 *
 * - fentry/fexit on the file system's own functions (ext4_file_read_iter,
 *   ext4_file_write_iter, ext4_file_open, ext4_sync_file, ext4_file_getattr
 *   and their xfs, btrfs, nfs and f2fs twins), targets set before load;
 * - kprobe/kretprobe on the same functions, attached by name;
 * - "syscalls", for kernels with neither: the system calls that reach those
 *   functions (read and write families, open, fsync, fstat), from
 *   raw_syscalls:sys_enter/sys_exit, kept to regular files on a file system
 *   of the type in targ_fstype through the file from the fd
 *   (bpf/file.bpf.h). That times the whole system call, not only the file
 *   system's part: an approximation, which the tools say.
 *
 * Every set records the start of an operation per thread in `starts` and
 * calls the includer's fsop_done() at its end, with the result (bytes, or
 * 0, or -errno; 0 for getattr on the fentry/kprobe paths) and the time.
 * The includer defines fsop_done() after including this header.
 */
#ifndef BPFKIT_FSOPS_BPF_H
#define BPFKIT_FSOPS_BPF_H

#include "file.bpf.h"
#include "fsops.h"
#include "sysnr.bpf.h"

/* The syscalls path: only regular files on a file system of this type. */
const volatile char targ_fstype[BK_FSTYPE_LEN] = {};

struct fsop_start {
	__u64 ts_ns;
	struct file *file;	/* NULL for getattr on the fentry/kprobe paths */
	__s64 pos;		/* reads and writes: the offset */
	__u32 op;		/* FSOP_* */
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);	/* tid */
	__type(value, struct fsop_start);
} starts SEC(".maps");

/* The includer's: an operation `s` ended at now_ns with `ret`. */
static __always_inline void fsop_done(const struct fsop_start *s, long ret, __u64 now_ns);

static __always_inline int fsop_record(__u32 op, struct file *file, __s64 pos)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct fsop_start s = { .op = op, .file = file, .pos = pos };

	s.ts_ns = bpf_ktime_get_ns();
	bk_starts_update(&starts, &tid, &s);
	return 0;
}

static __always_inline int fsop_enter(__u32 op, struct file *file, __s64 pos)
{
	if (bk_filtered(bpf_get_current_pid_tgid()))
		return 0;
	return fsop_record(op, file, pos);
}

static __always_inline int fsop_exit(long ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct fsop_start *s = bpf_map_lookup_elem(&starts, &tid);

	if (!s)
		return 0;
	fsop_done(s, ret, bpf_ktime_get_ns());
	bpf_map_delete_elem(&starts, &tid);
	return 0;
}

/* read_iter/write_iter: the file and offset are in the kiocb. */
static __always_inline int fsop_iter(__u32 op, struct kiocb *iocb)
{
	return fsop_enter(op, BPF_CORE_READ(iocb, ki_filp), BPF_CORE_READ(iocb, ki_pos));
}

/* fentry ssize_t FS_file_read_iter(struct kiocb *iocb, struct iov_iter *to) */
SEC("fentry")
int BPF_PROG(handle_read_fentry, struct kiocb *iocb)
{
	return fsop_iter(FSOP_READ, iocb);
}

/* fexit ssize_t FS_file_read_iter(struct kiocb *iocb, struct iov_iter *to) */
SEC("fexit")
int BPF_PROG(handle_read_fexit, struct kiocb *iocb, struct iov_iter *to, long ret)
{
	return fsop_exit(ret);
}

/* fentry ssize_t FS_file_write_iter(struct kiocb *iocb, struct iov_iter *from) */
SEC("fentry")
int BPF_PROG(handle_write_fentry, struct kiocb *iocb)
{
	return fsop_iter(FSOP_WRITE, iocb);
}

/* fexit ssize_t FS_file_write_iter(struct kiocb *iocb, struct iov_iter *from) */
SEC("fexit")
int BPF_PROG(handle_write_fexit, struct kiocb *iocb, struct iov_iter *from, long ret)
{
	return fsop_exit(ret);
}

/* fentry int FS_file_open(struct inode *inode, struct file *file) */
SEC("fentry")
int BPF_PROG(handle_open_fentry, struct inode *inode, struct file *file)
{
	return fsop_enter(FSOP_OPEN, file, 0);
}

/* fexit int FS_file_open(struct inode *inode, struct file *file) */
SEC("fexit")
int BPF_PROG(handle_open_fexit, struct inode *inode, struct file *file, int ret)
{
	return fsop_exit(ret);
}

/* fentry int FS_sync_file(struct file *file, loff_t start, loff_t end, int datasync) */
SEC("fentry")
int BPF_PROG(handle_fsync_fentry, struct file *file)
{
	return fsop_enter(FSOP_FSYNC, file, 0);
}

/* fexit int FS_sync_file(struct file *file, loff_t start, loff_t end, int datasync) */
SEC("fexit")
int BPF_PROG(handle_fsync_fexit, struct file *file, long start, long end, int datasync, int ret)
{
	return fsop_exit(ret);
}

/*
 * fentry int FS_getattr([struct mnt_idmap *idmap,] const struct path *path, struct kstat *stat, u32 mask, unsigned int flags)
 * The argument list changed (5.12, 6.3): only the time is taken.
 */
SEC("fentry")
int handle_getattr_fentry(void *ctx)
{
	return fsop_enter(FSOP_GETATTR, NULL, 0);
}

/* fexit FS_getattr(...): the result's slot moves with the arguments, 0 is passed on. */
SEC("fexit")
int handle_getattr_fexit(void *ctx)
{
	return fsop_exit(0);
}

/* kprobe ssize_t FS_file_read_iter(struct kiocb *iocb, struct iov_iter *to) */
SEC("kprobe")
int BPF_KPROBE(handle_read_kprobe, struct kiocb *iocb)
{
	return fsop_iter(FSOP_READ, iocb);
}

/* kprobe ssize_t FS_file_write_iter(struct kiocb *iocb, struct iov_iter *from) */
SEC("kprobe")
int BPF_KPROBE(handle_write_kprobe, struct kiocb *iocb)
{
	return fsop_iter(FSOP_WRITE, iocb);
}

/* kprobe int FS_file_open(struct inode *inode, struct file *file) */
SEC("kprobe")
int BPF_KPROBE(handle_open_kprobe, struct inode *inode, struct file *file)
{
	return fsop_enter(FSOP_OPEN, file, 0);
}

/* kprobe int FS_sync_file(struct file *file, loff_t start, loff_t end, int datasync) */
SEC("kprobe")
int BPF_KPROBE(handle_fsync_kprobe, struct file *file)
{
	return fsop_enter(FSOP_FSYNC, file, 0);
}

/* kprobe int FS_getattr(...) */
SEC("kprobe")
int handle_getattr_kprobe(struct pt_regs *ctx)
{
	return fsop_enter(FSOP_GETATTR, NULL, 0);
}

/* kretprobe on each of the functions above -> its result */
SEC("kretprobe")
int BPF_KRETPROBE(handle_op_kretprobe, long ret)
{
	return fsop_exit(ret);
}

/*
 * The syscalls path. A read or write is timed when fd is a regular file on
 * a file system of the wanted type; pos < 0 means "at the file position"
 * (for an O_APPEND write: at the end of the file).
 */
static __always_inline int sys_rw(__u32 op, long fd, __s64 pos)
{
	struct file *f;

	if (bk_filtered(bpf_get_current_pid_tgid()))
		return 0;
	f = bk_fd_file(fd);
	if (!f || bk_file_type(f) != BK_S_IFREG || !bk_file_fstype_is(f, targ_fstype))
		return 0;
	if (pos < 0) {
		if (op == FSOP_WRITE && (BPF_CORE_READ(f, f_flags) & BK_O_APPEND))
			pos = BPF_CORE_READ(f, f_inode, i_size);
		else
			pos = bk_file_pos(f);
	}
	return fsop_record(op, f, pos);
}

#define AT_EMPTY_PATH_FLAG 0x1000

/* fstatat() and statx() on a descriptor itself: an empty path with AT_EMPTY_PATH. */
static __always_inline int sys_getattr_at(long dfd, const char *path, __u64 flags)
{
	char c = 0;

	if (!(flags & AT_EMPTY_PATH_FLAG))
		return 0;
	if (path && bpf_probe_read_user(&c, 1, path))
		return 0;
	if (c)
		return 0;
	return sys_rw(FSOP_GETATTR, dfd, 0);
}

/* An open's file is known when it returns: the type is checked then. */
static __always_inline int sys_open_exit(long ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct fsop_start *s = bpf_map_lookup_elem(&starts, &tid);
	struct file *f;

	if (!s)
		return 0;
	if (ret >= 0) {
		f = bk_fd_file(ret);
		if (f && bk_file_type(f) == BK_S_IFREG && bk_file_fstype_is(f, targ_fstype)) {
			s->file = f;
			fsop_done(s, ret, bpf_ktime_get_ns());
		}
	}
	bpf_map_delete_elem(&starts, &tid);
	return 0;
}

/*
 * The syscalls path runs on raw_syscalls:sys_enter/sys_exit, two perf
 * events rather than one per call (see bpf/sysnr.bpf.h), and picks its
 * calls by number. targ_ops says which operations the tool times.
 */
const volatile __u32 targ_ops = 0;

#define FSOP_WANT(op) (targ_ops & (1u << (op)))

/* tracepoint raw_syscalls:sys_enter(long id, unsigned long args[6]) */
SEC("tracepoint/raw_syscalls/sys_enter")
int handle_sys_enter(struct trace_event_raw_sys_enter *ctx)
{
	long id = ctx->id, fd = (int)ctx->args[0];

	if (FSOP_WANT(FSOP_READ)) {
		/* read, readv(fd, ...); pread64, preadv, preadv2(fd, ..., pos) (preadv2: -1 = the file position) */
		if (id == NR_read || id == NR_readv)
			return sys_rw(FSOP_READ, fd, -1);
		if (id == NR_pread64 || id == NR_preadv || id == NR_preadv2)
			return sys_rw(FSOP_READ, fd, ctx->args[3]);
	}
	if (FSOP_WANT(FSOP_WRITE)) {
		if (id == NR_write || id == NR_writev)
			return sys_rw(FSOP_WRITE, fd, -1);
		if (id == NR_pwrite64 || id == NR_pwritev || id == NR_pwritev2)
			return sys_rw(FSOP_WRITE, fd, ctx->args[3]);
	}
	/* fsync, fdatasync(fd) */
	if (FSOP_WANT(FSOP_FSYNC) && (id == NR_fsync || id == NR_fdatasync))
		return sys_rw(FSOP_FSYNC, fd, 0);
	/* open, openat, openat2, creat: the file is checked at the exit */
	if (FSOP_WANT(FSOP_OPEN) &&
	    (id == NR_openat || id == NR_openat2 || id == NR_open || id == NR_creat))
		return fsop_enter(FSOP_OPEN, NULL, 0);
	if (FSOP_WANT(FSOP_GETATTR)) {
		/* newfstat(fd, buf); newfstatat(dfd, path, buf, flag); statx(dfd, path, flags, mask, buf) */
		if (id == NR_newfstat)
			return sys_rw(FSOP_GETATTR, fd, 0);
		if (id == NR_newfstatat)
			return sys_getattr_at(fd, (const char *)ctx->args[1], ctx->args[3]);
		if (id == NR_statx)
			return sys_getattr_at(fd, (const char *)ctx->args[1], ctx->args[2]);
	}
	return 0;
}

/* tracepoint raw_syscalls:sys_exit(long id, long ret) */
SEC("tracepoint/raw_syscalls/sys_exit")
int handle_sys_exit(struct trace_event_raw_sys_exit *ctx)
{
	long id = ctx->id;

	if (id == NR_openat || id == NR_openat2 || id == NR_open || id == NR_creat)
		return FSOP_WANT(FSOP_OPEN) ? sys_open_exit(ctx->ret) : 0;
	if (id == NR_read || id == NR_readv || id == NR_pread64 || id == NR_preadv ||
	    id == NR_preadv2 || id == NR_write || id == NR_writev || id == NR_pwrite64 ||
	    id == NR_pwritev || id == NR_pwritev2 || id == NR_fsync || id == NR_fdatasync ||
	    id == NR_newfstat || id == NR_newfstatat || id == NR_statx)
		return fsop_exit(ctx->ret);
	return 0;
}

#endif
