// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * tcpconnlat: the latency of active TCP connects, from the SYN to the
 * handshake's end.
 *
 * One hook, the sock:inet_sock_set_state tracepoint (on every kernel bpfkit
 * runs on): the change to SYN_SENT happens inside connect(), in the caller's
 * context, just before the SYN is sent; the change from SYN_SENT to
 * ESTABLISHED when the SYN-ACK is processed. The difference is the exact
 * connect latency, without kprobes on tcp_v4_connect or
 * tcp_rcv_state_process.
 */
#include "events.bpf.h"
#include "net.bpf.h"
#include "tcpconnlat.h"

/* [min_ms]: only connects that took at least this long. */
const volatile __u64 targ_min_ns = 0;

BK_NET_OWNERS(starts, 10240);

/* tracepoint sock:inet_sock_set_state(const void *skaddr, int oldstate, int newstate, ...) */
SEC("tracepoint/sock/inet_sock_set_state")
int handle_set_state(struct trace_event_raw_inet_sock_set_state *ctx)
{
	__u64 key = (__u64)ctx->skaddr, now = bpf_ktime_get_ns();
	struct connlat_event *e;
	struct bk_owner *o, fresh;
	struct bk_conn c = {};

	if (ctx->protocol != IPPROTO_TCP)
		return 0;
	if (ctx->newstate == TCP_SYN_SENT) {
		if (bk_filtered(bpf_get_current_pid_tgid()))
			return 0;
		bk_owner_current(&fresh, now);
		bk_starts_update(&starts, &key, &fresh);
		return 0;
	}
	if (ctx->oldstate != TCP_SYN_SENT)
		return 0;
	/* Established, or the connect failed (CLOSE): the entry goes either way. */
	o = bpf_map_lookup_elem(&starts, &key);
	if (!o)
		return 0;
	if (ctx->newstate != TCP_ESTABLISHED || now - o->start_ns < targ_min_ns)
		goto out;
	BK_TP_CONN(&c, ctx);
	if (bk_net_filtered(&c))
		goto out;
	e = bk_reserve(sizeof(*e));
	if (!e)
		goto out;
	e->ts_ns = now;
	e->lat_ns = now - o->start_ns;
	e->conn = c;
	e->tgid = o->tgid;
	e->tid = o->tid;
	e->uid = o->uid;
	__builtin_memcpy(e->comm, o->comm, sizeof(e->comm));
	bk_submit(e);
out:
	bpf_map_delete_elem(&starts, &key);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
