// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * mountsnoop: mount(), umount2() and the mount API calls (fsopen, fsconfig,
 * fsmount, move_mount, open_tree, mount_setattr, fspick) with their
 * arguments, result and the caller's mount namespace.
 *
 * The syscall tracepoints: the entry stores the arguments (string pointers,
 * integers, the namespace), the exit reads the strings from the caller's
 * memory and emits the event. The mount namespace is a CO-RE read
 * (task->nsproxy->mnt_ns->ns.inum).
 */
#include "events.bpf.h"
#include "mountsnoop.h"

#define FSCONFIG_SET_STRING_CMD 1
#define FSCONFIG_SET_PATH_CMD 3
#define FSCONFIG_SET_PATH_EMPTY_CMD 4

struct args {
	__u64 ts_ns;
	__u64 mnt_ns;
	__u64 arg[MOUNTSNOOP_INTS];
	const char *str[MOUNTSNOOP_STRS];
	__u32 call;
	__u32 nstr;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);	/* tid */
	__type(value, struct args);
} starts SEC(".maps");

BK_SCRATCH(scratch, struct mount_event);
BK_SCRATCH(scratch_args, struct args);

/* A zeroed args record for `call` of the current task, or NULL when filtered out. */
static __always_inline struct args *begin(__u32 call)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct args *a;

	if (bk_filtered(bpf_get_current_pid_tgid()))
		return NULL;
	a = bk_scratch(&scratch_args);
	if (!a)
		return NULL;
	__builtin_memset(a, 0, sizeof(*a));
	a->call = call;
	a->mnt_ns = BPF_CORE_READ(task, nsproxy, mnt_ns, ns.inum);
	a->ts_ns = bpf_ktime_get_ns();
	return a;
}

static __always_inline int commit(struct args *a)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();

	bk_starts_update(&starts, &tid, a);
	return 0;
}

static __always_inline int leave(long ret)
{
	__u64 id = bpf_get_current_pid_tgid(), now = bpf_ktime_get_ns();
	__u32 tid = (__u32)id;
	struct mount_event *e;
	struct args *a;

	a = bpf_map_lookup_elem(&starts, &tid);
	if (!a)
		return 0;
	if (bk_filter.failed_only && ret >= 0)
		goto out;
	e = bk_scratch(&scratch);
	if (!e)
		goto out;
	e->ts_ns = now;
	e->lat_ns = now - a->ts_ns;
	e->ret = ret;
	e->mnt_ns = a->mnt_ns;
	e->tgid = id >> 32;
	e->tid = tid;
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->call = a->call;
	e->null = 0;
	e->str_flags = 0;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	for (int i = 0; i < MOUNTSNOOP_INTS; i++)
		e->arg[i] = a->arg[i];
	for (int i = 0; i < MOUNTSNOOP_STRS; i++) {
		e->str[i][0] = 0;
		if (i >= a->nstr)
			continue;
		if (!a->str[i]) {
			e->null |= 1 << i;
			continue;
		}
		bk_read_user_str(e->str[i], MOUNTSNOOP_STR_LEN, a->str[i], &e->str_flags, i);
	}
	bk_output(e, sizeof(*e));
out:
	bpf_map_delete_elem(&starts, &tid);
	return 0;
}

/*
 * The two programs of one call: handle_<name> on its entry begins a record
 * of `call`, which the body written after MOUNT_CALL() fills from `ctx`'s
 * arguments (as fill_<name>(a, ctx)); handle_<name>_exit on its exit emits it.
 */
#define MOUNT_CALL(name, call)                                                 \
static __always_inline void fill_##name(struct args *a,                        \
					struct trace_event_raw_sys_enter *ctx); \
SEC("tracepoint/syscalls/sys_enter_" #name)                                    \
int handle_##name(struct trace_event_raw_sys_enter *ctx)                       \
{                                                                              \
	struct args *a = begin(call);                                          \
	if (!a)                                                                \
		return 0;                                                      \
	fill_##name(a, ctx);                                                   \
	return commit(a);                                                      \
}                                                                              \
/* tracepoint syscalls:sys_exit_<name>(long ret) */                            \
SEC("tracepoint/syscalls/sys_exit_" #name)                                     \
int handle_##name##_exit(struct trace_event_raw_sys_exit *ctx)                 \
{                                                                              \
	return leave(ctx->ret);                                                \
}                                                                              \
static __always_inline void fill_##name(struct args *a,                        \
					struct trace_event_raw_sys_enter *ctx)

/* tracepoint syscalls:sys_enter_mount(char *dev_name, char *dir_name, char *type, unsigned long flags, void *data) */
MOUNT_CALL(mount, MOUNTSNOOP_MOUNT)
{
	a->nstr = 4;
	a->str[0] = (const char *)ctx->args[0];
	a->str[1] = (const char *)ctx->args[1];
	a->str[2] = (const char *)ctx->args[2];
	a->str[3] = (const char *)ctx->args[4];
	a->arg[0] = ctx->args[3];
}

/* tracepoint syscalls:sys_enter_umount(char *name, int flags): umount2(2) */
MOUNT_CALL(umount, MOUNTSNOOP_UMOUNT)
{
	a->nstr = 1;
	a->str[0] = (const char *)ctx->args[0];
	a->arg[0] = ctx->args[1];
}

/* tracepoint syscalls:sys_enter_fsopen(const char *_fs_name, unsigned int flags) */
MOUNT_CALL(fsopen, MOUNTSNOOP_FSOPEN)
{
	a->nstr = 1;
	a->str[0] = (const char *)ctx->args[0];
	a->arg[0] = ctx->args[1];
}

/* tracepoint syscalls:sys_enter_fsconfig(int fd, unsigned int cmd, const char *_key, const void *_value, int aux) */
MOUNT_CALL(fsconfig, MOUNTSNOOP_FSCONFIG)
{
	__u64 cmd = ctx->args[1];

	a->nstr = 2;
	a->str[0] = (const char *)ctx->args[2];
	/* Only these commands' values are strings (a binary value has a length in aux). */
	if (cmd == FSCONFIG_SET_STRING_CMD || cmd == FSCONFIG_SET_PATH_CMD ||
	    cmd == FSCONFIG_SET_PATH_EMPTY_CMD)
		a->str[1] = (const char *)ctx->args[3];
	a->arg[0] = (__s32)ctx->args[0];
	a->arg[1] = cmd;
	a->arg[2] = (__s32)ctx->args[4];
}

/* tracepoint syscalls:sys_enter_fsmount(int fs_fd, unsigned int flags, unsigned int attr_flags) */
MOUNT_CALL(fsmount, MOUNTSNOOP_FSMOUNT)
{
	a->arg[0] = (__s32)ctx->args[0];
	a->arg[1] = ctx->args[1];
	a->arg[2] = ctx->args[2];
}

/* tracepoint syscalls:sys_enter_move_mount(int from_dfd, const char *from_pathname, int to_dfd, const char *to_pathname, unsigned int flags) */
MOUNT_CALL(move_mount, MOUNTSNOOP_MOVE_MOUNT)
{
	a->nstr = 2;
	a->str[0] = (const char *)ctx->args[1];
	a->str[1] = (const char *)ctx->args[3];
	a->arg[0] = (__s32)ctx->args[0];
	a->arg[1] = (__s32)ctx->args[2];
	a->arg[2] = ctx->args[4];
}

/* tracepoint syscalls:sys_enter_open_tree(int dfd, const char *filename, unsigned flags) */
MOUNT_CALL(open_tree, MOUNTSNOOP_OPEN_TREE)
{
	a->nstr = 1;
	a->str[0] = (const char *)ctx->args[1];
	a->arg[0] = (__s32)ctx->args[0];
	a->arg[1] = ctx->args[2];
}

/* tracepoint syscalls:sys_enter_mount_setattr(int dfd, const char *path, unsigned int flags, struct mount_attr *uattr, size_t usize) */
MOUNT_CALL(mount_setattr, MOUNTSNOOP_MOUNT_SETATTR)
{
	struct {
		__u64 attr_set, attr_clr;	/* the head of struct mount_attr (UAPI) */
	} attr = {};

	a->nstr = 1;
	a->str[0] = (const char *)ctx->args[1];
	a->arg[0] = (__s32)ctx->args[0];
	a->arg[1] = ctx->args[2];
	/* The first two members (attr_set, attr_clr) are there in every version of the struct. */
	if (ctx->args[4] >= sizeof(attr))
		bpf_probe_read_user(&attr, sizeof(attr), (void *)ctx->args[3]);
	a->arg[2] = attr.attr_set;
	a->arg[3] = attr.attr_clr;
}

/* tracepoint syscalls:sys_enter_fspick(int dfd, const char *path, unsigned int flags) */
MOUNT_CALL(fspick, MOUNTSNOOP_FSPICK)
{
	a->nstr = 1;
	a->str[0] = (const char *)ctx->args[1];
	a->arg[0] = (__s32)ctx->args[0];
	a->arg[1] = ctx->args[2];
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
