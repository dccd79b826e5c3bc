// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * gethostlatency: how long getaddrinfo(), gethostbyname() and
 * gethostbyname2() take, and which name was asked for.
 *
 * A uprobe at each function's entry stores the time and the name (read there,
 * while the caller's buffer is surely mapped) per thread; one uretprobe
 * program, attached to all three returns, emits the event. The user side
 * attaches them to the libc it resolved, with a PID for -p.
 */
#include "events.bpf.h"
#include "gethostlatency.h"

struct start {
	__u64 ts_ns;
	__u32 func;
	__u32 str_flags;
	char host[GETHOSTLATENCY_HOST_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);	/* tid */
	__type(value, struct start);
} starts SEC(".maps");

/* Too large for the BPF stack: the start record is built here. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct start);
} scratch SEC(".maps");

static __always_inline int enter(const char *host, __u32 func)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id, zero = 0;
	struct start *s;

	if (bk_filtered(id))
		return 0;
	s = bpf_map_lookup_elem(&scratch, &zero);
	if (!s)
		return 0;
	s->str_flags = 0;
	bk_read_user_str(s->host, sizeof(s->host), host, &s->str_flags, 0);
	s->func = func;
	s->ts_ns = bpf_ktime_get_ns();
	bk_starts_update(&starts, &tid, s);
	return 0;
}

/* uprobe int getaddrinfo(const char *node, const char *service, hints, res) */
SEC("uprobe")
int BPF_KPROBE(handle_getaddrinfo, const char *node)
{
	return enter(node, GETHOSTLATENCY_GETADDRINFO);
}

/* uprobe struct hostent *gethostbyname(const char *name) */
SEC("uprobe")
int BPF_KPROBE(handle_gethostbyname, const char *name)
{
	return enter(name, GETHOSTLATENCY_GETHOSTBYNAME);
}

/* uprobe struct hostent *gethostbyname2(const char *name, int af) */
SEC("uprobe")
int BPF_KPROBE(handle_gethostbyname2, const char *name)
{
	return enter(name, GETHOSTLATENCY_GETHOSTBYNAME2);
}

/* uretprobe getaddrinfo/gethostbyname/gethostbyname2 -> int / struct hostent * */
SEC("uretprobe")
int BPF_KRETPROBE(handle_lookup_exit)
{
	__u64 id = bpf_get_current_pid_tgid(), now = bpf_ktime_get_ns();
	__u32 tid = (__u32)id;
	struct host_event *e;
	struct start *s;

	s = bpf_map_lookup_elem(&starts, &tid);
	if (!s)
		return 0;
	e = bk_reserve(sizeof(*e));
	if (e) {
		e->ts_ns = now;
		e->delta_ns = now - s->ts_ns;
		e->tgid = id >> 32;
		e->tid = tid;
		e->func = s->func;
		e->str_flags = s->str_flags;
		bpf_get_current_comm(e->comm, sizeof(e->comm));
		__builtin_memcpy(e->host, s->host, sizeof(e->host));
		bk_submit(e);
	}
	bpf_map_delete_elem(&starts, &tid);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
