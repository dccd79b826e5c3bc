// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * statsnoop: stat(), lstat(), fstatat(), statx() and statfs() calls with
 * the path asked about and the result.
 *
 * The syscall tracepoints: the entry stores the arguments, the exit reads the
 * path and emits the event. Only stable ABI is read (the tracepoints'
 * records), so the object has no CO-RE relocations.
 */
#define BPF_NO_PRESERVE_ACCESS_INDEX
#include "events.bpf.h"
#include "statsnoop.h"

struct args {
	const char *path;
	__s32 dfd;
	__u32 call;
	__u32 flags;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);	/* tid */
	__type(value, struct args);
} starts SEC(".maps");

BK_SCRATCH(scratch, struct stat_event);

static __always_inline int enter(__u32 call, long dfd, const char *path, __u64 flags)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;
	struct args a = { .path = path, .dfd = (__s32)dfd, .call = call, .flags = (__u32)flags };

	if (bk_filtered(id))
		return 0;
	bk_starts_update(&starts, &tid, &a);
	return 0;
}

static __always_inline int leave(long ret)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;
	struct stat_event *e;
	struct args *a;
	long len;

	a = bpf_map_lookup_elem(&starts, &tid);
	if (!a)
		return 0;
	if (bk_filter.failed_only && ret >= 0)
		goto out;
	e = bk_scratch(&scratch);
	if (!e)
		goto out;
	e->str_flags = 0;
	e->pad = 0;
	len = bk_read_user_str(e->path, sizeof(e->path), a->path, &e->str_flags, 0);
	e->ts_ns = bpf_ktime_get_ns();
	e->ret = ret;
	e->tgid = id >> 32;
	e->tid = tid;
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->call = a->call;
	e->dfd = a->dfd;
	e->flags = a->flags;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	/* Only the bytes of the path that were read, NUL included. */
	bk_output(e, offsetof(struct stat_event, path) + len);
out:
	bpf_map_delete_elem(&starts, &tid);
	return 0;
}

/* tracepoint syscalls:sys_enter_newstat(const char *filename, struct stat *statbuf) */
SEC("tracepoint/syscalls/sys_enter_newstat")
int handle_stat(struct trace_event_raw_sys_enter *ctx)
{
	return enter(STATSNOOP_STAT, STATSNOOP_AT_FDCWD, (const char *)ctx->args[0], 0);
}

/* tracepoint syscalls:sys_enter_newlstat(const char *filename, struct stat *statbuf) */
SEC("tracepoint/syscalls/sys_enter_newlstat")
int handle_lstat(struct trace_event_raw_sys_enter *ctx)
{
	return enter(STATSNOOP_LSTAT, STATSNOOP_AT_FDCWD, (const char *)ctx->args[0], 0);
}

/* tracepoint syscalls:sys_enter_newfstatat(int dfd, const char *filename, struct stat *statbuf, int flag) */
SEC("tracepoint/syscalls/sys_enter_newfstatat")
int handle_fstatat(struct trace_event_raw_sys_enter *ctx)
{
	return enter(STATSNOOP_FSTATAT, (int)ctx->args[0], (const char *)ctx->args[1], ctx->args[3]);
}

/* tracepoint syscalls:sys_enter_statx(int dfd, const char *filename, unsigned flags, unsigned int mask, struct statx *buffer) */
SEC("tracepoint/syscalls/sys_enter_statx")
int handle_statx(struct trace_event_raw_sys_enter *ctx)
{
	return enter(STATSNOOP_STATX, (int)ctx->args[0], (const char *)ctx->args[1], ctx->args[2]);
}

/* tracepoint syscalls:sys_enter_statfs(const char *pathname, struct statfs *buf) */
SEC("tracepoint/syscalls/sys_enter_statfs")
int handle_statfs(struct trace_event_raw_sys_enter *ctx)
{
	return enter(STATSNOOP_STATFS, STATSNOOP_AT_FDCWD, (const char *)ctx->args[0], 0);
}

/* tracepoint syscalls:sys_exit_{newstat,newlstat,newfstatat,statx,statfs}(long ret) */
SEC("tracepoint/syscalls/sys_exit_newstat")
int handle_stat_exit(struct trace_event_raw_sys_exit *ctx)
{
	return leave(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_newlstat")
int handle_lstat_exit(struct trace_event_raw_sys_exit *ctx)
{
	return leave(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_newfstatat")
int handle_fstatat_exit(struct trace_event_raw_sys_exit *ctx)
{
	return leave(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_statx")
int handle_statx_exit(struct trace_event_raw_sys_exit *ctx)
{
	return leave(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_statfs")
int handle_statfs_exit(struct trace_event_raw_sys_exit *ctx)
{
	return leave(ctx->ret);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
