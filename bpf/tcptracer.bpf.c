// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * tcptracer: TCP connects, accepts and closes in one stream.
 *
 * Connects: the sock:inet_sock_set_state tracepoint, whose change to
 * SYN_SENT happens inside connect() (the caller is kept) and whose change
 * to ESTABLISHED reports it. Accepts: BK_ACCEPT_PROGRAMS (accept()'s exit,
 * else fexit or a kretprobe on inet_csk_accept). Closes: the change to
 * CLOSE of a socket reported as connected or accepted, under the process
 * that connected or accepted it.
 */
#include "events.bpf.h"
#include "net.bpf.h"
#include "tcptracer.h"

#define OWNER_REPORTED 1	/* its connect or accept was reported */

BK_NET_OWNERS(owners, 65536);

static __always_inline void emit(__u8 type, const struct bk_conn *c, const struct bk_owner *o,
				 __u64 now)
{
	struct tracer_event *e;

	if (bk_net_filtered(c))
		return;
	e = bk_reserve(sizeof(*e));
	if (!e)
		return;
	e->ts_ns = now;
	e->conn = *c;
	e->tgid = o->tgid;
	e->tid = o->tid;
	e->uid = o->uid;
	e->type = type;
	__builtin_memset(e->pad, 0, sizeof(e->pad));
	__builtin_memcpy(e->comm, o->comm, sizeof(e->comm));
	bk_submit(e);
}

static __always_inline void on_accept(struct sock *sk)
{
	__u64 key = (__u64)sk, now = bpf_ktime_get_ns();
	struct bk_owner o;
	struct bk_conn c = {};

	if (bk_filtered(bpf_get_current_pid_tgid()))
		return;
	bk_owner_current(&o, now);
	o.flags = OWNER_REPORTED;
	bk_sk_conn(sk, &c);
	if (!bk_starts_update(&owners, &key, &o))
		emit(TCPTRACER_ACCEPT, &c, &o, now);
}

BK_ACCEPT_PROGRAMS(on_accept)

/* tracepoint sock:inet_sock_set_state(const void *skaddr, int oldstate, int newstate, ...) */
SEC("tracepoint/sock/inet_sock_set_state")
int handle_set_state(struct trace_event_raw_inet_sock_set_state *ctx)
{
	__u64 key = (__u64)ctx->skaddr, now = bpf_ktime_get_ns();
	struct bk_owner *o, fresh;
	struct bk_conn c = {};

	if (ctx->protocol != IPPROTO_TCP)
		return 0;
	if (ctx->newstate == TCP_SYN_SENT) {
		if (bk_filtered(bpf_get_current_pid_tgid()))
			return 0;
		bk_owner_current(&fresh, now);
		bk_starts_update(&owners, &key, &fresh);
		return 0;
	}
	if (ctx->newstate != TCP_CLOSE &&
	    (ctx->newstate != TCP_ESTABLISHED || ctx->oldstate != TCP_SYN_SENT))
		return 0;
	o = bpf_map_lookup_elem(&owners, &key);
	if (!o)
		return 0;
	BK_TP_CONN(&c, ctx);
	if (ctx->newstate == TCP_ESTABLISHED) {
		o->flags |= OWNER_REPORTED;
		emit(TCPTRACER_CONNECT, &c, o, now);
		return 0;
	}
	if (o->flags & OWNER_REPORTED)
		emit(TCPTRACER_CLOSE, &c, o, now);
	bpf_map_delete_elem(&owners, &key);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
