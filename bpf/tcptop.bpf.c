// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * tcptop: bytes sent and received per TCP connection and process, summed in
 * the `flows` hash map, which user space empties at every refresh.
 *
 * Preferred path: the sock:sock_send_length and sock:sock_recv_length
 * tracepoints (Linux 6.3 and later), which see every sendmsg/recvmsg on any
 * socket with its result; TCP sockets are picked out here. Older kernels use
 * fexit, or a kprobe/kretprobe pair, on tcp_sendmsg for bytes sent and fentry
 * or a kprobe on tcp_cleanup_rbuf for bytes received.
 */
#include "bpfkit.bpf.h"
#include <bpf/bpf_endian.h>
#include "tcptop.h"

#define AF_INET 2
#define AF_INET6 10
#define MSG_PEEK 2
#define EEXIST 17

/* Connections not counted because `flows` was full. */
__u64 flow_drops = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, TCPTOP_MAX_FLOWS);
	__type(key, struct flow_key);
	__type(value, struct flow);
} flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);	/* tid */
	__type(value, struct sock *);
} starts SEC(".maps");

static __always_inline void account(struct sock *sk, __u64 rx, __u64 tx)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct flow_key key = { .tgid = id >> 32 };
	struct flow *f, zero = {};
	long err;

	if (bk_filtered(id))
		return;
	key.family = BPF_CORE_READ(sk, __sk_common.skc_family);
	if ((key.family != AF_INET && key.family != AF_INET6) ||
	    BPF_CORE_READ(sk, sk_protocol) != IPPROTO_TCP)
		return;
	key.lport = BPF_CORE_READ(sk, __sk_common.skc_num);
	key.rport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	if (key.family == AF_INET) {
		BPF_CORE_READ_INTO((__u32 *)key.laddr, sk, __sk_common.skc_rcv_saddr);
		BPF_CORE_READ_INTO((__u32 *)key.raddr, sk, __sk_common.skc_daddr);
	} else {
		BPF_CORE_READ_INTO(&key.laddr, sk, __sk_common.skc_v6_rcv_saddr.in6_u.u6_addr8);
		BPF_CORE_READ_INTO(&key.raddr, sk, __sk_common.skc_v6_daddr.in6_u.u6_addr8);
	}
	f = bpf_map_lookup_elem(&flows, &key);
	if (!f) {
		bpf_get_current_comm(zero.comm, sizeof(zero.comm));
		/* -EEXIST: another CPU made it first; else the map is full. */
		err = bpf_map_update_elem(&flows, &key, &zero, BPF_NOEXIST);
		if (err && err != -EEXIST)
			__sync_fetch_and_add(&flow_drops, 1);
		f = bpf_map_lookup_elem(&flows, &key);
		if (!f)
			return;
	}
	if (rx)
		__sync_fetch_and_add(&f->rx_bytes, rx);
	if (tx)
		__sync_fetch_and_add(&f->tx_bytes, tx);
}

/* tracepoint sock:sock_send_length(struct sock *sk, int ret, int flags) */
SEC("tracepoint/sock/sock_send_length")
int handle_send(struct trace_event_raw_sock_msg_length *ctx)
{
	if (ctx->ret > 0)
		account(ctx->sk, 0, ctx->ret);
	return 0;
}

/* tracepoint sock:sock_recv_length(struct sock *sk, int ret, int flags) */
SEC("tracepoint/sock/sock_recv_length")
int handle_recv(struct trace_event_raw_sock_msg_length *ctx)
{
	/* Peeked bytes stay queued: they are counted when they are read. */
	if (ctx->ret > 0 && !(ctx->flags & MSG_PEEK))
		account(ctx->sk, ctx->ret, 0);
	return 0;
}

/* fexit int tcp_sendmsg(struct sock *sk, struct msghdr *msg, size_t size) */
SEC("fexit/tcp_sendmsg")
int BPF_PROG(handle_send_fexit, struct sock *sk, struct msghdr *msg, size_t size, int ret)
{
	if (ret > 0)
		account(sk, 0, ret);
	return 0;
}

/* fentry void tcp_cleanup_rbuf(struct sock *sk, int copied) */
SEC("fentry/tcp_cleanup_rbuf")
int BPF_PROG(handle_recv_fentry, struct sock *sk, int copied)
{
	if (copied > 0)
		account(sk, copied, 0);
	return 0;
}

/* kprobe int tcp_sendmsg(struct sock *sk, struct msghdr *msg, size_t size) */
SEC("kprobe/tcp_sendmsg")
int BPF_KPROBE(handle_send_kprobe, struct sock *sk)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();

	bk_starts_update(&starts, &tid, &sk);
	return 0;
}

/* kretprobe tcp_sendmsg -> int */
SEC("kretprobe/tcp_sendmsg")
int BPF_KRETPROBE(handle_send_exit_kprobe, int ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct sock **skp = bpf_map_lookup_elem(&starts, &tid);

	if (!skp)
		return 0;
	if (ret > 0)
		account(*skp, 0, ret);
	bpf_map_delete_elem(&starts, &tid);
	return 0;
}

/* kprobe void tcp_cleanup_rbuf(struct sock *sk, int copied) */
SEC("kprobe/tcp_cleanup_rbuf")
int BPF_KPROBE(handle_recv_kprobe, struct sock *sk, int copied)
{
	if (copied > 0)
		account(sk, copied, 0);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
