// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * tcpstates: every TCP state change, with the time spent in the state left.
 *
 * One hook: the sock:inet_sock_set_state tracepoint (Linux 4.16 and later,
 * so every kernel bpfkit runs on), which the kernel fires for each change
 * of a TCP socket's state, in the context that made it. The time of the
 * last change is kept per socket in `last` until the socket reaches CLOSE.
 */
#include "events.bpf.h"
#include "net.bpf.h"
#include "tcpstates.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);	/* struct sock * */
	__type(value, __u64);	/* when it entered its current state */
} last SEC(".maps");

/* tracepoint sock:inet_sock_set_state(const void *skaddr, int oldstate, int newstate, ...) */
SEC("tracepoint/sock/inet_sock_set_state")
int handle_set_state(struct trace_event_raw_inet_sock_set_state *ctx)
{
	__u64 id = bpf_get_current_pid_tgid(), now = bpf_ktime_get_ns(), *since;
	__u64 sk = (__u64)ctx->skaddr;
	struct state_event *e;
	struct bk_conn c = {};

	if (ctx->protocol != IPPROTO_TCP)
		return 0;
	BK_TP_CONN(&c, ctx);
	if (bk_net_filtered(&c))
		return 0;
	since = bpf_map_lookup_elem(&last, &sk);
	e = bk_reserve(sizeof(*e));
	if (e) {
		e->ts_ns = now;
		e->prev_seen = since != NULL;
		e->prev_ns = since ? now - *since : 0;
		e->conn = c;
		e->tgid = id >> 32;
		e->tid = (__u32)id;
		e->uid = (__u32)bpf_get_current_uid_gid();
		e->oldstate = ctx->oldstate;
		e->newstate = ctx->newstate;
		e->pad = 0;
		bpf_get_current_comm(e->comm, sizeof(e->comm));
		bk_submit(e);
	}
	if (ctx->newstate == TCP_CLOSE)
		bpf_map_delete_elem(&last, &sk);
	else
		bk_starts_update(&last, &sk, &now);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
