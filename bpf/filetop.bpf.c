// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * filetop: reads and writes (calls and bytes) per file and process, summed
 * in the kernel; the user side takes the table out at every refresh.
 *
 * Preferred path: the read and write system calls, from
 * raw_syscalls:sys_enter/sys_exit. The entry finds the file of the
 * descriptor (bpf/file.bpf.h) and keeps it per thread, the exit adds the
 * bytes the call returned. Kernels without syscall
 * tracepoints use fexit on vfs_read/vfs_write (and vfs_readv/vfs_writev
 * where BTF has them), or kprobe/kretprobe pairs on them.
 */
#include "bpfkit.bpf.h"
#include "file.bpf.h"
#include "filetop.h"
#include "sysnr.bpf.h"

#define OP_READ 0
#define OP_WRITE 1
#define EEXIST 17

/* -a: every file type, not only regular files. */
const volatile __u32 targ_all_types = 0;
/* -L: a row per thread, not per process. */
const volatile __u32 targ_per_thread = 0;

/* Files not counted because `files` was full. */
__u64 file_drops = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, FILETOP_MAX_FILES);
	__type(key, struct filetop_key);
	__type(value, struct filetop_value);
} files SEC(".maps");

struct start {
	struct file *file;
	__u32 op;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);	/* tid */
	__type(value, struct start);
} starts SEC(".maps");

static __always_inline bool wanted(struct file *f)
{
	return f && (targ_all_types || bk_file_type(f) == BK_S_IFREG);
}

/* Adds one call of `op` that moved `bytes` on file `f` to its row. */
static __always_inline void account(struct file *f, __u32 op, long bytes)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct filetop_key key = { .tgid = id >> 32 };
	struct filetop_value *v, zero = {};
	struct inode *inode = BPF_CORE_READ(f, f_inode);
	long err;

	if (bytes < 0)
		return;
	key.ino = BPF_CORE_READ(inode, i_ino);
	key.dev = BPF_CORE_READ(inode, i_sb, s_dev);
	if (targ_per_thread)
		key.tid = (__u32)id;
	v = bpf_map_lookup_elem(&files, &key);
	if (!v) {
		zero.mode = BPF_CORE_READ(inode, i_mode);
		bpf_get_current_comm(zero.comm, sizeof(zero.comm));
		bk_file_name(f, zero.name, sizeof(zero.name), &zero.str_flags, 0);
		/* -EEXIST: another CPU made it first; else the map is full. */
		err = bpf_map_update_elem(&files, &key, &zero, BPF_NOEXIST);
		if (err && err != -EEXIST)
			__sync_fetch_and_add(&file_drops, 1);
		v = bpf_map_lookup_elem(&files, &key);
		if (!v)
			return;
	}
	if (op == OP_READ) {
		__sync_fetch_and_add(&v->reads, 1);
		__sync_fetch_and_add(&v->read_bytes, bytes);
	} else {
		__sync_fetch_and_add(&v->writes, 1);
		__sync_fetch_and_add(&v->write_bytes, bytes);
	}
}

static __always_inline int enter(__u32 op, struct file *f)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;
	struct start s = { .file = f, .op = op };

	if (bk_filtered(id) || !wanted(f))
		return 0;
	bk_starts_update(&starts, &tid, &s);
	return 0;
}

static __always_inline int leave(long ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct start *s = bpf_map_lookup_elem(&starts, &tid);

	if (!s)
		return 0;
	account(s->file, s->op, ret);
	bpf_map_delete_elem(&starts, &tid);
	return 0;
}

/*
 * tracepoint raw_syscalls:sys_enter(long id, unsigned long args[6]): the
 * read and write calls by number (one perf event for all, see
 * bpf/sysnr.bpf.h); args[0] is their fd.
 */
SEC("tracepoint/raw_syscalls/sys_enter")
int handle_sys_enter(struct trace_event_raw_sys_enter *ctx)
{
	long id = ctx->id;
	__u32 op;

	if (id == NR_read || id == NR_pread64 || id == NR_readv || id == NR_preadv ||
	    id == NR_preadv2)
		op = OP_READ;
	else if (id == NR_write || id == NR_pwrite64 || id == NR_writev || id == NR_pwritev ||
		 id == NR_pwritev2)
		op = OP_WRITE;
	else
		return 0;
	if (bk_filtered(bpf_get_current_pid_tgid()))
		return 0;
	return enter(op, bk_fd_file((int)ctx->args[0]));
}

/* tracepoint raw_syscalls:sys_exit(long id, long ret) */
SEC("tracepoint/raw_syscalls/sys_exit")
int handle_sys_exit(struct trace_event_raw_sys_exit *ctx)
{
	long id = ctx->id;

	if (id == NR_read || id == NR_pread64 || id == NR_readv || id == NR_preadv ||
	    id == NR_preadv2 || id == NR_write || id == NR_pwrite64 || id == NR_writev ||
	    id == NR_pwritev || id == NR_pwritev2)
		return leave(ctx->ret);
	return 0;
}

static __always_inline int fexit(__u32 op, struct file *f, long ret)
{
	if (bk_filtered(bpf_get_current_pid_tgid()) || !wanted(f))
		return 0;
	account(f, op, ret);
	return 0;
}

/* fexit ssize_t vfs_read(struct file *file, char *buf, size_t count, loff_t *pos) */
SEC("fexit/vfs_read")
int BPF_PROG(handle_read_fexit, struct file *file, char *buf, size_t count, loff_t *pos, long ret)
{
	return fexit(OP_READ, file, ret);
}

/* fexit ssize_t vfs_write(struct file *file, const char *buf, size_t count, loff_t *pos) */
SEC("fexit/vfs_write")
int BPF_PROG(handle_write_fexit, struct file *file, char *buf, size_t count, loff_t *pos, long ret)
{
	return fexit(OP_WRITE, file, ret);
}

/* fexit ssize_t vfs_readv(struct file *file, const struct iovec *vec, unsigned long vlen, loff_t *pos, rwf_t flags) */
SEC("fexit/vfs_readv")
int BPF_PROG(handle_readv_fexit, struct file *file, void *vec, unsigned long vlen, loff_t *pos,
	     int flags, long ret)
{
	return fexit(OP_READ, file, ret);
}

/* fexit ssize_t vfs_writev(struct file *file, const struct iovec *vec, unsigned long vlen, loff_t *pos, rwf_t flags) */
SEC("fexit/vfs_writev")
int BPF_PROG(handle_writev_fexit, struct file *file, void *vec, unsigned long vlen, loff_t *pos,
	     int flags, long ret)
{
	return fexit(OP_WRITE, file, ret);
}

/* kprobe ssize_t vfs_read(struct file *file, char *buf, size_t count, loff_t *pos) */
SEC("kprobe/vfs_read")
int BPF_KPROBE(handle_read_kprobe, struct file *file)
{
	return enter(OP_READ, file);
}

/* kprobe ssize_t vfs_write(struct file *file, const char *buf, size_t count, loff_t *pos) */
SEC("kprobe/vfs_write")
int BPF_KPROBE(handle_write_kprobe, struct file *file)
{
	return enter(OP_WRITE, file);
}

/* kprobe vfs_readv(struct file *file, ...) */
SEC("kprobe/vfs_readv")
int BPF_KPROBE(handle_readv_kprobe, struct file *file)
{
	return enter(OP_READ, file);
}

/* kprobe vfs_writev(struct file *file, ...) */
SEC("kprobe/vfs_writev")
int BPF_KPROBE(handle_writev_kprobe, struct file *file)
{
	return enter(OP_WRITE, file);
}

/* kretprobe vfs_read, vfs_write, vfs_readv, vfs_writev -> ssize_t */
SEC("kretprobe/vfs_read")
int BPF_KRETPROBE(handle_read_kretprobe, long ret)
{
	return leave(ret);
}

SEC("kretprobe/vfs_write")
int BPF_KRETPROBE(handle_write_kretprobe, long ret)
{
	return leave(ret);
}

SEC("kretprobe/vfs_readv")
int BPF_KRETPROBE(handle_readv_kretprobe, long ret)
{
	return leave(ret);
}

SEC("kretprobe/vfs_writev")
int BPF_KRETPROBE(handle_writev_kretprobe, long ret)
{
	return leave(ret);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
