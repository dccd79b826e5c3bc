// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * tcplife: TCP sessions, from their first state change to their close, with
 * the bytes each way and the process that opened them.
 *
 * The sock:inet_sock_set_state tracepoint marks a session's birth (SYN_SENT,
 * inside connect(); SYN_RECV for a passive open, in a softirq) and its end
 * (CLOSE), when tcp_sock's byte counters are read. The opener of an active
 * session is the task that moved it to SYN_SENT; of a passive one, the task
 * that accepted it, seen at accept()'s exit (or fexit/kretprobe on
 * inet_csk_accept, see BK_ACCEPT_PROGRAMS). Sessions that began before the
 * tool started, or that never reached ESTABLISHED, are not reported.
 */
#include "events.bpf.h"
#include "net.bpf.h"
#include "tcplife.h"

#define OWNER_ACTIVE 1		/* opened by connect() */
#define OWNER_ESTABLISHED 2	/* reached ESTABLISHED */

#define SEND_SHUTDOWN 2

BK_NET_OWNERS(owners, 65536);

/*
 * Data bytes each way. The kernel's counters are in sequence space, where
 * the SYN and the FIN take one each: bytes_acked has our SYN (an active
 * open) and our FIN once the peer acknowledged it; bytes_received has the
 * peer's FIN once it arrived in order (which sets SOCK_DONE). Called at the
 * change to CLOSE, before tcp_done() marks the socket shut down.
 */
static __always_inline void data_bytes(struct sock *sk, int oldstate, bool active, __u64 *tx,
				       __u64 *rx)
{
	struct tcp_sock *tp = (struct tcp_sock *)sk;
	__u64 acked = BPF_CORE_READ(tp, bytes_acked), received = BPF_CORE_READ(tp, bytes_received);
	__u64 flags = BPF_CORE_READ(sk, __sk_common.skc_flags);
	__u64 fin_acked = 0, fin_received;

	/* Our FIN was sent when the socket left ESTABLISHED or CLOSE_WAIT that way. */
	if ((oldstate == TCP_FIN_WAIT1 || oldstate == TCP_FIN_WAIT2 || oldstate == TCP_CLOSING ||
	     oldstate == TCP_LAST_ACK) && (BPF_CORE_READ(sk, sk_shutdown) & SEND_SHUTDOWN) &&
	    BPF_CORE_READ(tp, snd_una) == BPF_CORE_READ(tp, write_seq))
		fin_acked = 1;
	fin_received = (flags >> bpf_core_enum_value(enum sock_flags, SOCK_DONE)) & 1;
	acked -= active + fin_acked;
	*tx = acked > BPF_CORE_READ(tp, bytes_acked) ? 0 : acked;
	*rx = received >= fin_received ? received - fin_received : 0;
}

/* Whether a process filter (-p, -t, -u, -n, --cgroup) is set. */
static __always_inline bool process_filter(void)
{
	return bk_filter.tgid || bk_filter.tid || bk_filter.uid_set || bk_filter.comm[0] ||
	       bk_filter.cgroup_set;
}

/* A passive session found its process: the one accepting it now. */
static __always_inline void on_accept(struct sock *sk)
{
	__u64 key = (__u64)sk;
	struct bk_owner *o = bpf_map_lookup_elem(&owners, &key);
	__u32 flags;

	if (!o)
		return;
	if (bk_filtered(bpf_get_current_pid_tgid())) {
		bpf_map_delete_elem(&owners, &key);
		return;
	}
	flags = o->flags;
	bk_owner_current(o, o->start_ns);
	o->flags = flags;
}

BK_ACCEPT_PROGRAMS(on_accept)

static __always_inline void emit(struct trace_event_raw_inet_sock_set_state *ctx,
				 const struct bk_owner *o, __u64 now)
{
	struct life_event *e;
	struct bk_conn c = {};

	if (!o->tgid && process_filter())
		return;
	BK_TP_CONN(&c, ctx);
	if (bk_net_filtered(&c))
		return;
	e = bk_reserve(sizeof(*e));
	if (!e)
		return;
	e->ts_ns = now;
	e->span_ns = now - o->start_ns;
	data_bytes((struct sock *)ctx->skaddr, ctx->oldstate, o->flags & OWNER_ACTIVE, &e->tx_bytes,
		   &e->rx_bytes);
	e->conn = c;
	e->tgid = o->tgid;
	e->tid = o->tid;
	e->uid = o->uid;
	e->active = !!(o->flags & OWNER_ACTIVE);
	__builtin_memcpy(e->comm, o->comm, sizeof(e->comm));
	bk_submit(e);
}

/* tracepoint sock:inet_sock_set_state(const void *skaddr, int oldstate, int newstate, ...) */
SEC("tracepoint/sock/inet_sock_set_state")
int handle_set_state(struct trace_event_raw_inet_sock_set_state *ctx)
{
	__u64 key = (__u64)ctx->skaddr, now = bpf_ktime_get_ns();
	struct bk_owner *o, fresh = {};

	if (ctx->protocol != IPPROTO_TCP)
		return 0;
	switch (ctx->newstate) {
	case TCP_SYN_SENT:
		/* Inside connect(): the caller opens the session. */
		if (bk_filtered(bpf_get_current_pid_tgid()))
			return 0;
		bk_owner_current(&fresh, now);
		fresh.flags = OWNER_ACTIVE;
		bk_starts_update(&owners, &key, &fresh);
		return 0;
	case TCP_SYN_RECV:
		/* A new child of a listener, in a softirq: its process is known at accept(). */
		if (ctx->oldstate != TCP_LISTEN)
			return 0;
		fresh.start_ns = now;
		bk_starts_update(&owners, &key, &fresh);
		return 0;
	case TCP_ESTABLISHED:
		o = bpf_map_lookup_elem(&owners, &key);
		if (o)
			o->flags |= OWNER_ESTABLISHED;
		return 0;
	case TCP_CLOSE:
		o = bpf_map_lookup_elem(&owners, &key);
		if (!o)
			return 0;
		if (o->flags & OWNER_ESTABLISHED)
			emit(ctx, o, now);
		bpf_map_delete_elem(&owners, &key);
		return 0;
	}
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
