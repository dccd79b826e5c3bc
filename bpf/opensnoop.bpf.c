// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * opensnoop: open(), openat() and openat2() calls with their results.
 *
 * Preferred path: the syscall tracepoints (an entry stores the arguments, the
 * exit emits the event). Kernels without syscall tracepoints use fexit, or a
 * kprobe/kretprobe pair, on do_sys_openat2, which all three syscalls reach.
 *
 * Everything read here is stable ABI: the syscall tracepoints' records (see
 * their format files), struct open_how (UAPI) and pt_regs. So the object has
 * no CO-RE relocations, and libbpf need not parse the whole kernel BTF (about
 * 10 MB and 10 ms) before the tracepoint or kprobe path can load.
 */
#define BPF_NO_PRESERVE_ACCESS_INDEX
#include "events.bpf.h"
#include "opensnoop.h"

/* --prefix: only paths starting with this (as given by the caller). */
const volatile char targ_prefix[OPENSNOOP_PREFIX_LEN] = {};
const volatile __u32 targ_prefix_len = 0;

struct args {
	const char *path;
	__u32 flags;
	__u32 mode;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);	/* tid */
	__type(value, struct args);
} starts SEC(".maps");

static __always_inline int enter(const char *path, __u64 flags, __u64 mode)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;
	struct args a = { .path = path, .flags = (__u32)flags, .mode = (__u32)mode };

	if (bk_filtered(id))
		return 0;
	bk_starts_update(&starts, &tid, &a);
	return 0;
}

static __always_inline bool prefix_matches(const char *path)
{
	for (int i = 0; i < OPENSNOOP_PREFIX_LEN; i++) {
		if (i >= targ_prefix_len)
			return true;
		if (path[i] != targ_prefix[i])
			return false;
	}
	return true;
}

BK_SCRATCH(scratch, struct open_event);

static __always_inline void emit(const struct args *a, long ret)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct open_event *e;
	__u32 len;

	if (bk_filter.failed_only && ret >= 0)
		return;
	e = bk_scratch(&scratch);
	if (!e)
		return;
	/* The whole path up to PATH_MAX; only the bytes read are sent. */
	e->str_flags = 0;
	len = bk_read_user_str(e->path, sizeof(e->path), a->path, &e->str_flags, 0);
	if (targ_prefix_len && !prefix_matches(e->path))
		return;
	e->ts_ns = bpf_ktime_get_ns();
	e->ret = ret;
	e->tgid = id >> 32;
	e->tid = (__u32)id;
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->flags = a->flags;
	e->mode = a->mode;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	/* Only the bytes of the path that were read, NUL included. */
	bk_output(e, offsetof(struct open_event, path) + len);
}

static __always_inline int leave(long ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct args *a = bpf_map_lookup_elem(&starts, &tid);

	if (!a)
		return 0;
	emit(a, ret);
	bpf_map_delete_elem(&starts, &tid);
	return 0;
}

/* tracepoint syscalls:sys_enter_open(const char *filename, int flags, umode_t mode) */
SEC("tracepoint/syscalls/sys_enter_open")
int handle_open(struct trace_event_raw_sys_enter *ctx)
{
	return enter((const char *)ctx->args[0], ctx->args[1], ctx->args[2]);
}

/* tracepoint syscalls:sys_enter_openat(int dfd, const char *filename, int flags, umode_t mode) */
SEC("tracepoint/syscalls/sys_enter_openat")
int handle_openat(struct trace_event_raw_sys_enter *ctx)
{
	return enter((const char *)ctx->args[1], ctx->args[2], ctx->args[3]);
}

/* tracepoint syscalls:sys_enter_openat2(int dfd, const char *filename, struct open_how *how, size_t usize) */
SEC("tracepoint/syscalls/sys_enter_openat2")
int handle_openat2(struct trace_event_raw_sys_enter *ctx)
{
	struct open_how how = {};

	bpf_probe_read_user(&how, sizeof(how), (void *)ctx->args[2]);
	return enter((const char *)ctx->args[1], how.flags, how.mode);
}

/* tracepoint syscalls:sys_exit_open(long ret) */
SEC("tracepoint/syscalls/sys_exit_open")
int handle_open_exit(struct trace_event_raw_sys_exit *ctx)
{
	return leave(ctx->ret);
}

/* tracepoint syscalls:sys_exit_openat(long ret) */
SEC("tracepoint/syscalls/sys_exit_openat")
int handle_openat_exit(struct trace_event_raw_sys_exit *ctx)
{
	return leave(ctx->ret);
}

/* tracepoint syscalls:sys_exit_openat2(long ret) */
SEC("tracepoint/syscalls/sys_exit_openat2")
int handle_openat2_exit(struct trace_event_raw_sys_exit *ctx)
{
	return leave(ctx->ret);
}

/* fexit long do_sys_openat2(int dfd, const char __user *filename, struct open_how *how) */
SEC("fexit/do_sys_openat2")
int BPF_PROG(handle_open_fexit, int dfd, const char *filename, struct open_how *how, long ret)
{
	struct args a = { .path = filename };
	struct open_how h = {};

	if (bk_filtered(bpf_get_current_pid_tgid()))
		return 0;
	bpf_probe_read_kernel(&h, sizeof(h), how);
	a.flags = (__u32)h.flags;
	a.mode = (__u32)h.mode;
	emit(&a, ret);
	return 0;
}

/* kprobe long do_sys_openat2(int dfd, const char __user *filename, struct open_how *how) */
SEC("kprobe/do_sys_openat2")
int BPF_KPROBE(handle_open_kprobe, int dfd, const char *filename, struct open_how *how)
{
	struct open_how h = {};

	bpf_probe_read_kernel(&h, sizeof(h), how);
	return enter(filename, h.flags, h.mode);
}

/* kretprobe do_sys_openat2 -> long */
SEC("kretprobe/do_sys_openat2")
int BPF_KRETPROBE(handle_open_exit_kprobe, long ret)
{
	return leave(ret);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
