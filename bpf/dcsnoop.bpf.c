// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * dcsnoop: directory-entry cache lookups. Misses: d_lookup() returning NULL
 * (the name was not in the cache: the file system's lookup runs next);
 * with -a every lookup_fast() of a path walk too. The dcache has no
 * tracepoints: fentry/fexit where the kernel has them, else kprobes; a
 * kernel with neither cannot run this tool.
 */
#include "events.bpf.h"
#include "dcsnoop.h"

BK_SCRATCH(scratch, struct dcsnoop_event);

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);	/* tid */
	__type(value, __u64);	/* the d_lookup's struct qstr * */
} starts SEC(".maps");

static __always_inline int emit(__u32 type, const unsigned char *name)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct dcsnoop_event *e;
	long len;

	if (bk_filtered(id))
		return 0;
	e = bk_scratch(&scratch);
	if (!e)
		return 0;
	e->str_flags = 0;
	e->pad = 0;
	len = bk_read_kernel_str(e->name, sizeof(e->name), (const char *)name, &e->str_flags, 0);
	e->ts_ns = bpf_ktime_get_ns();
	e->tgid = id >> 32;
	e->tid = (__u32)id;
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->type = type;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bk_output(e, offsetof(struct dcsnoop_event, name) + len);
	return 0;
}

/* fexit struct dentry *d_lookup(const struct dentry *parent, const struct qstr *name) */
SEC("fexit/d_lookup")
int BPF_PROG(handle_lookup_fexit, const struct dentry *parent, const struct qstr *name,
	     struct dentry *ret)
{
	if (ret)
		return 0;
	return emit(DCSNOOP_MISS, BPF_CORE_READ(name, name));
}

/* fentry struct dentry *lookup_fast(struct nameidata *nd, ...) (-a) */
SEC("fentry/lookup_fast")
int BPF_PROG(handle_fast_fentry, struct nameidata *nd)
{
	return emit(DCSNOOP_REF, BPF_CORE_READ(nd, last.name));
}

/* kprobe struct dentry *d_lookup(const struct dentry *parent, const struct qstr *name) */
SEC("kprobe/d_lookup")
int BPF_KPROBE(handle_lookup_kprobe, const struct dentry *parent, const struct qstr *name)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 n = (__u64)name;

	if (bk_filtered(bpf_get_current_pid_tgid()))
		return 0;
	bk_starts_update(&starts, &tid, &n);
	return 0;
}

/* kretprobe d_lookup -> struct dentry * */
SEC("kretprobe/d_lookup")
int BPF_KRETPROBE(handle_lookup_kretprobe, struct dentry *ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 *n = bpf_map_lookup_elem(&starts, &tid);

	if (!n)
		return 0;
	if (!ret)
		emit(DCSNOOP_MISS, BPF_CORE_READ((struct qstr *)*n, name));
	bpf_map_delete_elem(&starts, &tid);
	return 0;
}

/* kprobe struct dentry *lookup_fast(struct nameidata *nd, ...) (-a) */
SEC("kprobe/lookup_fast")
int BPF_KPROBE(handle_fast_kprobe, struct nameidata *nd)
{
	return emit(DCSNOOP_REF, BPF_CORE_READ(nd, last.name));
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
