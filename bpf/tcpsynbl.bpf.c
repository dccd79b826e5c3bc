// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * tcpsynbl: the length of listening sockets' accept queues (the listen()
 * backlog: connections whose handshake completed, waiting for accept())
 * each time a connection joins one, against the queue's limit.
 *
 * Preferred path: the sock:sk_data_ready tracepoint (Linux 6.6 and later),
 * which a listener fires right after a new connection joined its queue;
 * sk_ack_backlog then counts it. Other kernels use fexit, or a kprobe and
 * kretprobe pair, on tcp_v4_syn_recv_sock and tcp_v6_syn_recv_sock, which
 * make the new socket just before it is queued: a success there is a
 * connection about to join, and the length it will make is one more.
 * (fentry on these six-argument functions needs Linux 6.6; 6.1 takes the
 * kprobes.)
 */
#include "bpfkit.bpf.h"
#include "net.bpf.h"
#include "hist.bpf.h"
#include "tcpsynbl.h"

/* Listeners not kept because `hists` was full. */
__u64 hist_drops = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, TCPSYNBL_MAX_LISTENERS);
	__type(key, struct synbl_key);
	__type(value, struct synbl_hist);
} hists SEC(".maps");

/* kprobe path: the listener of each thread's syn_recv_sock call. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);	/* tid (in a softirq, the interrupted task's) */
	__type(value, __u64);	/* struct sock * */
} starts SEC(".maps");

/* A connection joins listener sk's accept queue, making it `len` long. */
static __always_inline void add(const struct sock *sk, __u32 len)
{
	struct synbl_key key = {};
	struct synbl_hist *h, zero = {};
	struct bk_conn c = {};

	bk_sk_conn(sk, &c);
	if (bk_net_filtered(&c))
		return;
	key.family = c.family;
	key.port = c.lport;
	key.netns = c.netns;
	key.max_backlog = BPF_CORE_READ(sk, sk_max_ack_backlog);
	__builtin_memcpy(key.addr, c.laddr, 16);
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
	__sync_fetch_and_add(&h->total, len);
	__sync_fetch_and_add(&h->slots[bk_log2_slot(len)], 1);
	/* Racy against another CPU, but only ever upwards. */
	if (len > h->max_seen)
		h->max_seen = len;
}

/* tracepoint sock:sk_data_ready(const struct sock *sk) */
SEC("tracepoint/sock/sk_data_ready")
int handle_ready(struct trace_event_raw_sk_data_ready *ctx)
{
	const struct sock *sk = ctx->skaddr;

	if (ctx->protocol != IPPROTO_TCP || (ctx->family != AF_INET && ctx->family != AF_INET6))
		return 0;
	if (BPF_CORE_READ(sk, __sk_common.skc_state) != TCP_LISTEN)
		return 0;
	add(sk, BPF_CORE_READ(sk, sk_ack_backlog));
	return 0;
}

static __always_inline int made(const struct sock *sk, __u64 child)
{
	if (child)
		add(sk, BPF_CORE_READ(sk, sk_ack_backlog) + 1);
	return 0;
}

/*
 * fexit struct sock *tcp_v4_syn_recv_sock(const struct sock *sk, struct sk_buff *skb, ...)
 * An IPv6 listener's IPv4 connections pass through here from
 * tcp_v6_syn_recv_sock, whose exit counts them.
 */
SEC("fexit/tcp_v4_syn_recv_sock")
int BPF_PROG(handle_ready_fexit, const struct sock *sk)
{
	__u64 ret = 0;

	if (BPF_CORE_READ(sk, __sk_common.skc_family) != AF_INET)
		return 0;
	bpf_get_func_ret(ctx, &ret);
	return made(sk, ret);
}

/* fexit struct sock *tcp_v6_syn_recv_sock(const struct sock *sk, struct sk_buff *skb, ...) */
SEC("fexit/tcp_v6_syn_recv_sock")
int BPF_PROG(handle_ready_v6_fexit, const struct sock *sk)
{
	__u64 ret = 0;

	bpf_get_func_ret(ctx, &ret);
	return made(sk, ret);
}

static __always_inline int enter(const struct sock *sk)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 key = (__u64)sk;

	bk_starts_update(&starts, &tid, &key);
	return 0;
}

static __always_inline int leave(__u64 child)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 *sk = bpf_map_lookup_elem(&starts, &tid);

	if (!sk)
		return 0;
	made((const struct sock *)*sk, child);
	bpf_map_delete_elem(&starts, &tid);
	return 0;
}

/* kprobe struct sock *tcp_v4_syn_recv_sock(const struct sock *sk, ...); IPv6 listeners as above */
SEC("kprobe/tcp_v4_syn_recv_sock")
int BPF_KPROBE(handle_ready_kprobe, const struct sock *sk)
{
	if (BPF_CORE_READ(sk, __sk_common.skc_family) != AF_INET)
		return 0;
	return enter(sk);
}

/* kretprobe tcp_v4_syn_recv_sock -> struct sock *; inside tcp_v6_syn_recv_sock it finds its entry */
SEC("kretprobe/tcp_v4_syn_recv_sock")
int BPF_KRETPROBE(handle_ready_exit_kprobe, void *child)
{
	return leave((__u64)child);
}

/* kprobe struct sock *tcp_v6_syn_recv_sock(const struct sock *sk, ...) */
SEC("kprobe/tcp_v6_syn_recv_sock")
int BPF_KPROBE(handle_ready_v6_kprobe, const struct sock *sk)
{
	return enter(sk);
}

/* kretprobe tcp_v6_syn_recv_sock -> struct sock * */
SEC("kretprobe/tcp_v6_syn_recv_sock")
int BPF_KRETPROBE(handle_ready_v6_exit_kprobe, void *child)
{
	return leave((__u64)child);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
