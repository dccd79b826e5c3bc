// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * tcppktlat: how long received TCP data waited for the application to read
 * it, from the packet's arrival to the read, above a threshold.
 *
 * Two tracepoints, in every kernel bpfkit runs on: tcp:tcp_probe, which
 * tcp_rcv_established() fires for each packet an established socket
 * receives (data_len is its payload), and tcp:tcp_rcv_space_adjust, which
 * tcp_recvmsg() fires after it copied data to the reader, in the reader's
 * context. The socket's arrival time of the oldest data not read yet is kept
 * per socket cookie (both records carry it); a read reports it and forgets
 * it, so the next data starts a new wait. tcp:tcp_destroy_sock forgets the
 * sockets closed with data unread.
 */
#include "events.bpf.h"
#include "net.bpf.h"
#include "tcppktlat.h"

/* [min_ms]: only waits at least this long. */
const volatile __u64 targ_min_ns = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);	/* socket cookie */
	__type(value, __u64);	/* arrival of the oldest unread data */
} starts SEC(".maps");

/* tracepoint tcp:tcp_probe(struct sock *sk, struct sk_buff *skb) */
SEC("tracepoint/tcp/tcp_probe")
int handle_packet(struct trace_event_raw_tcp_probe *ctx)
{
	struct bk_conn c = { .family = ctx->family, .lport = ctx->sport, .rport = ctx->dport };
	__u64 cookie = ctx->sock_cookie, now;

	if (!ctx->data_len)
		return 0;
	/* The family and ports can be filtered here already; --netns at the read. */
	if ((bk_net_filter.family && c.family != bk_net_filter.family) ||
	    (bk_net_filter.ports && !bk_port_listed(BK_PORTS_ANY, c.lport) &&
	     !bk_port_listed(BK_PORTS_ANY, c.rport)) ||
	    (bk_net_filter.lports && !bk_port_listed(BK_PORTS_LOCAL, c.lport)) ||
	    (bk_net_filter.rports && !bk_port_listed(BK_PORTS_REMOTE, c.rport)))
		return 0;
	now = bpf_ktime_get_ns();
	/* Data already waiting keeps its time: the wait is the oldest data's. */
	if (bpf_map_update_elem(&starts, &cookie, &now, BPF_NOEXIST) &&
	    !bpf_map_lookup_elem(&starts, &cookie))
		__sync_fetch_and_add(&bk_lost_starts, 1);
	return 0;
}

/* tracepoint tcp:tcp_rcv_space_adjust(struct sock *sk) */
SEC("tracepoint/tcp/tcp_rcv_space_adjust")
int handle_read(struct trace_event_raw_tcp_event_sk *ctx)
{
	__u64 cookie = ctx->sock_cookie, id = bpf_get_current_pid_tgid(), now, *since, lat;
	struct pktlat_event *e;
	struct bk_conn c = {};

	since = bpf_map_lookup_elem(&starts, &cookie);
	if (!since)
		return 0;
	now = bpf_ktime_get_ns();
	lat = now - *since;
	bpf_map_delete_elem(&starts, &cookie);
	if (lat < targ_min_ns || bk_filtered(id))
		return 0;
	BK_TP_CONN(&c, ctx);
	if (bk_net_filtered(&c))
		return 0;
	e = bk_reserve(sizeof(*e));
	if (!e)
		return 0;
	e->ts_ns = now;
	e->lat_ns = lat;
	e->conn = c;
	e->tgid = id >> 32;
	e->tid = (__u32)id;
	e->uid = (__u32)bpf_get_current_uid_gid();
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bk_submit(e);
	return 0;
}

/* tracepoint tcp:tcp_destroy_sock(struct sock *sk) */
SEC("tracepoint/tcp/tcp_destroy_sock")
int handle_destroy(struct trace_event_raw_tcp_event_sk *ctx)
{
	__u64 cookie = ctx->sock_cookie;

	bpf_map_delete_elem(&starts, &cookie);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
