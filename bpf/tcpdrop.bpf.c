// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * tcpdrop: TCP packets the kernel drops, with the drop reason, the place and
 * the kernel stack.
 *
 * One hook, the skb:kfree_skb tracepoint (every kernel bpfkit runs on has
 * it; its reason member came with Linux 5.17, its rx_sk member with 6.12).
 * The packet's IP and TCP headers are read from the sk_buff to keep TCP
 * only. The reason is the running kernel's enum skb_drop_reason value: its
 * names are read by the user side from the kernel's BTF, since the values
 * moved between kernels (NO_SOCKET is 2 in 6.1 and 3 in 6.18).
 */
#include "events.bpf.h"
#include "net.bpf.h"
#include "tcpdrop.h"

#define ETH_P_IP 0x0800
#define ETH_P_IPV6 0x86DD

/* --reason: only this reason, plus one (0: every reason). */
const volatile __u32 targ_reason = 0;

BK_SCRATCH(scratch, struct drop_event);

/* Linux 6.12's record, for its rx_sk member only. */
struct trace_event_raw_kfree_skb___rx_sk {
	void *rx_sk;
} __attribute__((preserve_access_index));

/* IP and TCP headers, as far as they are read. */
struct ip4_hdr {
	__u8 ver_ihl;
	__u8 tos;
	__u16 tot_len;
	__u16 id;
	__u16 frag_off;
	__u8 ttl;
	__u8 protocol;
	__u16 check;
	__u8 saddr[4];
	__u8 daddr[4];
};

struct ip6_hdr {
	__u32 ver_class_flow;
	__u16 payload_len;
	__u8 nexthdr;
	__u8 hop_limit;
	__u8 saddr[16];
	__u8 daddr[16];
};

struct tcp_hdr {
	__u16 source;
	__u16 dest;
	__u32 seq;
	__u32 ack_seq;
	__u8 doff;
	__u8 flags;
};

/*
 * Reads the packet's addresses and ports into e (local end = source for
 * now) and its TCP flags; false when it is not TCP over IPv4 or IPv6.
 */
static __always_inline bool read_packet(struct sk_buff *skb, __u16 proto, struct drop_event *e)
{
	unsigned char *head = BPF_CORE_READ(skb, head);
	__u16 nh = BPF_CORE_READ(skb, network_header);
	struct tcp_hdr th;
	void *l4;

	if (proto == ETH_P_IP) {
		struct ip4_hdr ip;

		if (bpf_probe_read_kernel(&ip, sizeof(ip), head + nh) || ip.protocol != IPPROTO_TCP ||
		    (ip.ver_ihl >> 4) != 4)
			return false;
		e->conn.family = AF_INET;
		__builtin_memcpy(e->conn.laddr, ip.saddr, 4);
		__builtin_memcpy(e->conn.raddr, ip.daddr, 4);
		l4 = head + nh + (ip.ver_ihl & 0xf) * 4;
	} else if (proto == ETH_P_IPV6) {
		struct ip6_hdr ip6;

		if (bpf_probe_read_kernel(&ip6, sizeof(ip6), head + nh) ||
		    ip6.nexthdr != IPPROTO_TCP)
			return false;
		e->conn.family = AF_INET6;
		__builtin_memcpy(e->conn.laddr, ip6.saddr, 16);
		__builtin_memcpy(e->conn.raddr, ip6.daddr, 16);
		l4 = head + nh + sizeof(ip6);
	} else {
		return false;
	}
	if (bpf_probe_read_kernel(&th, sizeof(th), l4))
		return false;
	e->conn.lport = bpf_ntohs(th.source);
	e->conn.rport = bpf_ntohs(th.dest);
	e->tcpflags = th.flags;
	return true;
}

/* Turns the packet's source/destination into this machine's local/remote end. */
static __always_inline void orient(struct drop_event *e)
{
	__u8 tmp[16];
	__u16 port;

	if (e->outgoing)
		return;
	__builtin_memcpy(tmp, e->conn.laddr, 16);
	__builtin_memcpy(e->conn.laddr, e->conn.raddr, 16);
	__builtin_memcpy(e->conn.raddr, tmp, 16);
	port = e->conn.lport;
	e->conn.lport = e->conn.rport;
	e->conn.rport = port;
}

/* tracepoint skb:kfree_skb(struct sk_buff *skb, void *location, enum skb_drop_reason reason[, struct sock *rx_sk]) */
SEC("tracepoint/skb/kfree_skb")
int handle_drop(struct trace_event_raw_kfree_skb *ctx)
{
	struct sk_buff *skb = ctx->skbaddr;
	struct sock *sk = NULL;
	struct drop_event *e;
	__u32 reason = 0;
	__u64 size;
	long n;

	if (ctx->protocol != ETH_P_IP && ctx->protocol != ETH_P_IPV6)
		return 0;
	if (bpf_core_field_exists(ctx->reason)) {
		reason = ctx->reason;
		if (bpf_core_enum_value_exists(enum skb_drop_reason, SKB_CONSUMED) &&
		    reason == bpf_core_enum_value(enum skb_drop_reason, SKB_CONSUMED))
			return 0;
		if (targ_reason && reason != targ_reason - 1)
			return 0;
	}
	e = bk_scratch(&scratch);
	if (!e)
		return 0;
	if (!read_packet(skb, ctx->protocol, e))
		return 0;
	e->reason_known = bpf_core_field_exists(ctx->reason);
	e->reason = reason;
	if (bpf_core_field_exists(struct trace_event_raw_kfree_skb___rx_sk, rx_sk))
		sk = __builtin_preserve_access_index(
			((struct trace_event_raw_kfree_skb___rx_sk *)ctx)->rx_sk);
	if (!sk)
		sk = BPF_CORE_READ(skb, sk);
	e->state = 0;
	e->outgoing = 0;
	if (sk && bk_sk_is_tcp(sk)) {
		e->state = BPF_CORE_READ(sk, __sk_common.skc_state);
		/* A socket sending: its own port is the packet's source. */
		e->outgoing = BPF_CORE_READ(sk, __sk_common.skc_num) == e->conn.lport &&
			      e->state != TCP_LISTEN;
		e->conn.netns = bk_sk_netns(sk);
	} else {
		e->conn.netns = BPF_CORE_READ(skb, dev, nd_net.net, ns.inum);
	}
	orient(e);
	if (bk_net_filtered(&e->conn))
		return 0;
	e->ts_ns = bpf_ktime_get_ns();
	e->location = (__u64)ctx->location;
	n = bpf_get_stack(ctx, e->stack, sizeof(e->stack), 0);
	e->nframes = n > 0 ? n / sizeof(e->stack[0]) : 0;
	size = sizeof(*e) - sizeof(e->stack) + e->nframes * sizeof(e->stack[0]);
	if (size > sizeof(*e))
		size = sizeof(*e);
	bk_output(e, size);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
