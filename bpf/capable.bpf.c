// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * capable: capability checks and their verdicts.
 *
 * Preferred path: the capability:cap_capable tracepoint (Linux 6.13+), which
 * fires inside cap_capable() with the verdict but without the cap_opt
 * options, so AUDIT is unknown there. Older kernels use fexit, or a
 * kprobe/kretprobe pair, on cap_capable(), which every LSM stack calls.
 */
#include "events.bpf.h"
#include "capable.h"

#define CAP_OPT_NOAUDIT (1U << 1)

/*
 * The capability:cap_capable record as its format file gives it; declared
 * here because not every vendored vmlinux.h is from a kernel that has it.
 */
struct cap_capable_record {
	__u64 common;
	const struct cred *cred;
	struct user_namespace *target_ns;
	const struct user_namespace *capable_ns;
	int cap;
	int ret;
};

/* --unique: show each (process, capability) once. */
const volatile __u32 targ_unique = 0;

struct args {
	struct user_namespace *ns;
	__s32 cap;
	__u32 opts;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);	/* tid */
	__type(value, struct args);
} starts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 10240);
	__type(key, struct cap_key);
	__type(value, __u8);
} seen SEC(".maps");

static __always_inline void emit(struct user_namespace *ns, int cap, int ret, __u32 audit)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct cap_event *e;

	if (bk_filter.failed_only && ret == 0)
		return;
	if (targ_unique) {
		struct cap_key k = { .tgid = id >> 32, .cap = cap };
		__u8 one = 1;

		/* BPF_NOEXIST fails for a pair already shown. */
		if (bpf_map_update_elem(&seen, &k, &one, BPF_NOEXIST))
			return;
	}
	e = bk_reserve(sizeof(*e));
	if (!e)
		return;
	e->ts_ns = bpf_ktime_get_ns();
	e->tgid = id >> 32;
	e->tid = (__u32)id;
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->userns_ino = ns ? BPF_CORE_READ(ns, ns.inum) : 0;
	e->cap = cap;
	e->ret = ret;
	e->audit = audit;
	e->pad = 0;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bk_submit(e);
}

static __always_inline __u32 audit_of(__u32 opts)
{
	return opts & CAP_OPT_NOAUDIT ? CAPABLE_AUDIT_NO : CAPABLE_AUDIT_YES;
}

/* tracepoint capability:cap_capable(const struct cred *cred, struct user_namespace *target_ns, const struct user_namespace *capable_ns, int cap, int ret) */
SEC("tracepoint/capability/cap_capable")
int handle_capable(struct cap_capable_record *ctx)
{
	if (bk_filtered(bpf_get_current_pid_tgid()))
		return 0;
	emit(ctx->target_ns, ctx->cap, ctx->ret, CAPABLE_AUDIT_UNKNOWN);
	return 0;
}

/* fexit int cap_capable(const struct cred *cred, struct user_namespace *targ_ns, int cap, unsigned int opts) */
SEC("fexit/cap_capable")
int BPF_PROG(handle_capable_fexit, const struct cred *cred, struct user_namespace *targ_ns,
	     int cap, unsigned int opts, int ret)
{
	if (bk_filtered(bpf_get_current_pid_tgid()))
		return 0;
	emit(targ_ns, cap, ret, audit_of(opts));
	return 0;
}

/* kprobe int cap_capable(const struct cred *cred, struct user_namespace *targ_ns, int cap, unsigned int opts) */
SEC("kprobe/cap_capable")
int BPF_KPROBE(handle_capable_kprobe, const struct cred *cred, struct user_namespace *targ_ns,
	       int cap, unsigned int opts)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;
	struct args a = { .ns = targ_ns, .cap = cap, .opts = opts };

	if (bk_filtered(id))
		return 0;
	bk_starts_update(&starts, &tid, &a);
	return 0;
}

/* kretprobe cap_capable -> int */
SEC("kretprobe/cap_capable")
int BPF_KRETPROBE(handle_capable_exit_kprobe, int ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct args *a = bpf_map_lookup_elem(&starts, &tid);

	if (!a)
		return 0;
	emit(a->ns, a->cap, ret, audit_of(a->opts));
	bpf_map_delete_elem(&starts, &tid);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
