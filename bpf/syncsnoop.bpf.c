// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * syncsnoop: sync(), syncfs(), fsync(), fdatasync(), sync_file_range() and
 * msync() calls with their latency, result and, for calls on a file
 * descriptor, the file (through bpf/file.bpf.h).
 *
 * The syscall tracepoints: the entry stores the arguments and the struct
 * file of the fd (which the call holds for its whole run), the exit emits the
 * event. The file's name and type are read at the exit, once per event.
 */
#include "events.bpf.h"
#include "file.bpf.h"
#include "syncsnoop.h"

struct start {
	__u64 ts_ns;
	struct file *file;
	__u64 off;
	__u64 len;
	__s32 fd;
	__u32 call;
	__u32 flags;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);	/* tid */
	__type(value, struct start);
} starts SEC(".maps");

BK_SCRATCH(scratch, struct sync_event);

static __always_inline int enter(__u32 call, long fd, __u64 off, __u64 len, __u64 flags)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;
	struct start s = {
		.call = call, .fd = (__s32)fd, .off = off, .len = len, .flags = (__u32)flags,
	};

	if (bk_filtered(id))
		return 0;
	if (fd >= 0)
		s.file = bk_fd_file(fd);
	s.ts_ns = bpf_ktime_get_ns();
	bk_starts_update(&starts, &tid, &s);
	return 0;
}

static __always_inline int leave(long ret)
{
	__u64 id = bpf_get_current_pid_tgid(), now = bpf_ktime_get_ns();
	__u32 tid = (__u32)id;
	struct sync_event *e;
	struct start *s;
	long len = 1;

	s = bpf_map_lookup_elem(&starts, &tid);
	if (!s)
		return 0;
	if (bk_filter.failed_only && ret >= 0)
		goto out;
	e = bk_scratch(&scratch);
	if (!e)
		goto out;
	e->ts_ns = now;
	e->lat_ns = now - s->ts_ns;
	e->ret = ret;
	e->off = s->off;
	e->len = s->len;
	e->tgid = id >> 32;
	e->tid = tid;
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->fd = s->fd;
	e->call = s->call;
	e->flags = s->flags;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	e->file = (struct bk_file_id){};
	e->fstype[0] = 0;
	e->name[0] = 0;
	e->str_flags = 0;
	if (s->file) {
		struct file *f = s->file;
		struct inode *inode = BPF_CORE_READ(f, f_inode);

		bk_inode_id(inode, &e->file);
		bk_inode_fstype(inode, e->fstype);
		len = bk_file_name(f, e->name, sizeof(e->name), &e->str_flags, 0);
	}
	bk_output(e, offsetof(struct sync_event, name) + len);
out:
	bpf_map_delete_elem(&starts, &tid);
	return 0;
}

/* tracepoint syscalls:sys_enter_sync(void) */
SEC("tracepoint/syscalls/sys_enter_sync")
int handle_sync(struct trace_event_raw_sys_enter *ctx)
{
	return enter(SYNCSNOOP_SYNC, -1, 0, 0, 0);
}

/* tracepoint syscalls:sys_enter_syncfs(int fd) */
SEC("tracepoint/syscalls/sys_enter_syncfs")
int handle_syncfs(struct trace_event_raw_sys_enter *ctx)
{
	return enter(SYNCSNOOP_SYNCFS, (int)ctx->args[0], 0, 0, 0);
}

/* tracepoint syscalls:sys_enter_fsync(unsigned int fd) */
SEC("tracepoint/syscalls/sys_enter_fsync")
int handle_fsync(struct trace_event_raw_sys_enter *ctx)
{
	return enter(SYNCSNOOP_FSYNC, (int)ctx->args[0], 0, 0, 0);
}

/* tracepoint syscalls:sys_enter_fdatasync(unsigned int fd) */
SEC("tracepoint/syscalls/sys_enter_fdatasync")
int handle_fdatasync(struct trace_event_raw_sys_enter *ctx)
{
	return enter(SYNCSNOOP_FDATASYNC, (int)ctx->args[0], 0, 0, 0);
}

/* tracepoint syscalls:sys_enter_sync_file_range(int fd, loff_t offset, loff_t nbytes, unsigned int flags) */
SEC("tracepoint/syscalls/sys_enter_sync_file_range")
int handle_sync_file_range(struct trace_event_raw_sys_enter *ctx)
{
	return enter(SYNCSNOOP_SYNC_FILE_RANGE, (int)ctx->args[0], ctx->args[1], ctx->args[2],
		     ctx->args[3]);
}

/* tracepoint syscalls:sys_enter_msync(unsigned long start, size_t len, int flags) */
SEC("tracepoint/syscalls/sys_enter_msync")
int handle_msync(struct trace_event_raw_sys_enter *ctx)
{
	return enter(SYNCSNOOP_MSYNC, -1, ctx->args[0], ctx->args[1], ctx->args[2]);
}

/* tracepoint syscalls:sys_exit_{sync,syncfs,fsync,fdatasync,sync_file_range,msync}(long ret) */
SEC("tracepoint/syscalls/sys_exit_sync")
int handle_sync_exit(struct trace_event_raw_sys_exit *ctx)
{
	return leave(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_syncfs")
int handle_syncfs_exit(struct trace_event_raw_sys_exit *ctx)
{
	return leave(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_fsync")
int handle_fsync_exit(struct trace_event_raw_sys_exit *ctx)
{
	return leave(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_fdatasync")
int handle_fdatasync_exit(struct trace_event_raw_sys_exit *ctx)
{
	return leave(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_sync_file_range")
int handle_sync_file_range_exit(struct trace_event_raw_sys_exit *ctx)
{
	return leave(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_msync")
int handle_msync_exit(struct trace_event_raw_sys_exit *ctx)
{
	return leave(ctx->ret);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
