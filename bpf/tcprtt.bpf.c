// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * tcprtt: histograms of TCP's smoothed round-trip time, sampled at every
 * packet an established socket receives, per address or port if asked.
 *
 * Preferred path: the tcp:tcp_probe tracepoint, which tcp_rcv_established()
 * fires with the socket's srtt (in microseconds) and both ends in its record.
 * Its skaddr member (the socket, for --netns) came with Linux 6.x; older
 * records have none, and the user side does not use this path with --netns
 * there. Other kernels use fentry, or a kprobe, on tcp_rcv_established and
 * read tcp_sock's srtt_us (eight times the RTT).
 */
#include "bpfkit.bpf.h"
#include "net.bpf.h"
#include "hist.bpf.h"
#include "tcprtt.h"

const volatile __u32 targ_by = TCPRTT_BY_NONE;
const volatile __u32 targ_ms = 0;

/* Histograms not kept because `hists` was full. */
__u64 hist_drops = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, TCPRTT_MAX_KEYS);
	__type(key, struct rtt_key);
	__type(value, struct rtt_hist);
} hists SEC(".maps");

/* Linux 6.x's tcp_probe record, for its skaddr member only. */
struct trace_event_raw_tcp_probe___sk {
	const void *skaddr;
} __attribute__((preserve_access_index));

static __always_inline void add(const struct bk_conn *c, __u64 srtt_us)
{
	struct rtt_key key = {};
	struct rtt_hist *h, zero = {};
	__u64 slot_v = targ_ms ? srtt_us / 1000 : srtt_us;

	if (bk_net_filtered(c))
		return;
	switch (targ_by) {
	case TCPRTT_BY_LADDR:
		key.family = c->family;
		__builtin_memcpy(key.addr, c->laddr, 16);
		break;
	case TCPRTT_BY_RADDR:
		key.family = c->family;
		__builtin_memcpy(key.addr, c->raddr, 16);
		break;
	case TCPRTT_BY_LPORT:
		key.port = c->lport;
		break;
	case TCPRTT_BY_RPORT:
		key.port = c->rport;
		break;
	}
	h = bpf_map_lookup_elem(&hists, &key);
	if (!h) {
		/* NOEXIST: another CPU may have added it meanwhile; then use theirs. */
		bpf_map_update_elem(&hists, &key, &zero, BPF_NOEXIST);
		h = bpf_map_lookup_elem(&hists, &key);
		if (!h) {
			__sync_fetch_and_add(&hist_drops, 1);
			return;
		}
	}
	__sync_fetch_and_add(&h->count, 1);
	__sync_fetch_and_add(&h->total_ns, srtt_us * 1000);
	__sync_fetch_and_add(&h->slots[bk_log2_slot(slot_v)], 1);
}

/* tracepoint tcp:tcp_probe(struct sock *sk, struct sk_buff *skb) */
SEC("tracepoint/tcp/tcp_probe")
int handle_probe(struct trace_event_raw_tcp_probe *ctx)
{
	struct bk_conn c = { .family = ctx->family, .lport = ctx->sport, .rport = ctx->dport };
	/* saddr and daddr hold a sockaddr_in or sockaddr_in6. */
	int off = ctx->family == AF_INET ? 4 : 8, len = ctx->family == AF_INET ? 4 : 16;

	if (ctx->family != AF_INET && ctx->family != AF_INET6)
		return 0;
	bpf_probe_read_kernel(c.laddr, len, (void *)ctx->saddr + off);
	bpf_probe_read_kernel(c.raddr, len, (void *)ctx->daddr + off);
	if (bpf_core_field_exists(struct trace_event_raw_tcp_probe___sk, skaddr))
		c.netns = bk_sk_netns(__builtin_preserve_access_index(
			((struct trace_event_raw_tcp_probe___sk *)ctx)->skaddr));
	add(&c, ctx->srtt);
	return 0;
}

static __always_inline int from_sock(struct sock *sk)
{
	struct tcp_sock *tp = (struct tcp_sock *)sk;
	struct bk_conn c = {};

	bk_sk_conn(sk, &c);
	if (c.family == AF_INET || c.family == AF_INET6)
		add(&c, BPF_CORE_READ(tp, srtt_us) >> 3);
	return 0;
}

/* fentry void tcp_rcv_established(struct sock *sk, struct sk_buff *skb) */
SEC("fentry/tcp_rcv_established")
int BPF_PROG(handle_probe_fentry, struct sock *sk)
{
	return from_sock(sk);
}

/* kprobe void tcp_rcv_established(struct sock *sk, struct sk_buff *skb) */
SEC("kprobe/tcp_rcv_established")
int BPF_KPROBE(handle_probe_kprobe, struct sock *sk)
{
	return from_sock(sk);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
