// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * tcpconnect: active TCP connects, with their addresses and destination port.
 *
 * Preferred path: the sock:inet_sock_set_state tracepoint at the move to
 * SYN_SENT. tcp_v4_connect() and tcp_v6_connect() make that move inside
 * connect(), in the caller's context, once the source address is chosen (the
 * source port may still be 0, which is why there is no SPORT column). Other
 * kernels use fexit, or a kprobe/kretprobe pair, on tcp_v4_connect and
 * tcp_v6_connect and report the connects that returned 0.
 */
#include "events.bpf.h"
#include <bpf/bpf_endian.h>
#include "tcpconnect.h"

#define AF_INET 2
#define AF_INET6 10

/* -c: count connects in `counts` instead of sending events. */
const volatile __u32 targ_count = 0;
/* --ports: only destination ports that are keys of `ports`. */
const volatile __u32 targ_ports = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, TCPCONNECT_MAX_PORTS);
	__type(key, __u16);	/* host order */
	__type(value, __u8);
} ports SEC(".maps");

/* -c: connects per row; sized by the user side (--max-rows), allocated as rows come. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, TCPCONNECT_DEFAULT_ROWS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct connect_key);
	__type(value, __u64);
} counts SEC(".maps");

/* -c: connects not counted because `counts` was full (a new row did not fit). */
__u64 count_misses = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);	/* tid */
	__type(value, struct sock *);
} starts SEC(".maps");

static __always_inline void count(__u16 family, const __u8 *saddr, const __u8 *daddr, __u16 dport)
{
	struct connect_key key = { .family = family, .dport = dport };
	__u64 one = 1, *n;

	__builtin_memcpy(key.saddr, saddr, sizeof(key.saddr));
	__builtin_memcpy(key.daddr, daddr, sizeof(key.daddr));
	n = bpf_map_lookup_elem(&counts, &key);
	if (!n) {
		/* Another CPU may create the entry first (-EEXIST): then add to its. */
		long err = bpf_map_update_elem(&counts, &key, &one, BPF_NOEXIST);

		if (!err)
			return;
		n = bpf_map_lookup_elem(&counts, &key);
		if (!n) {
			__sync_fetch_and_add(&count_misses, 1);
			return;
		}
	}
	__sync_fetch_and_add(n, 1);
}

/* saddr/daddr: 16 bytes each, IPv4 in the first four. */
static __always_inline void emit(__u16 family, const __u8 *saddr, const __u8 *daddr, __u16 dport)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct connect_event *e;

	if (bk_filtered(id))
		return;
	if (targ_ports && !bpf_map_lookup_elem(&ports, &dport))
		return;
	if (targ_count) {
		count(family, saddr, daddr, dport);
		return;
	}
	e = bk_reserve(sizeof(*e));
	if (!e)
		return;
	e->ts_ns = bpf_ktime_get_ns();
	e->tgid = id >> 32;
	e->tid = (__u32)id;
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->family = family;
	e->dport = dport;
	__builtin_memcpy(e->saddr, saddr, sizeof(e->saddr));
	__builtin_memcpy(e->daddr, daddr, sizeof(e->daddr));
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bk_submit(e);
}

/* The fexit and kretprobe paths read the addresses from the socket. */
static __always_inline void emit_sock(struct sock *sk)
{
	__u8 saddr[16] = {}, daddr[16] = {};
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);
	__u16 dport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));

	if (family == AF_INET) {
		BPF_CORE_READ_INTO((__u32 *)saddr, sk, __sk_common.skc_rcv_saddr);
		BPF_CORE_READ_INTO((__u32 *)daddr, sk, __sk_common.skc_daddr);
	} else {
		BPF_CORE_READ_INTO(&saddr, sk, __sk_common.skc_v6_rcv_saddr.in6_u.u6_addr8);
		BPF_CORE_READ_INTO(&daddr, sk, __sk_common.skc_v6_daddr.in6_u.u6_addr8);
	}
	emit(family, saddr, daddr, dport);
}

/* tracepoint sock:inet_sock_set_state(const void *skaddr, int oldstate, int newstate, ...) */
SEC("tracepoint/sock/inet_sock_set_state")
int handle_connect(struct trace_event_raw_inet_sock_set_state *ctx)
{
	__u8 saddr[16] = {}, daddr[16] = {};

	if (ctx->newstate != TCP_SYN_SENT || ctx->protocol != IPPROTO_TCP)
		return 0;
	/* The verifier allows no copy from a moved context pointer: read it. */
	if (ctx->family == AF_INET) {
		bpf_probe_read_kernel(saddr, 4, ctx->saddr);
		bpf_probe_read_kernel(daddr, 4, ctx->daddr);
	} else {
		bpf_probe_read_kernel(saddr, 16, ctx->saddr_v6);
		bpf_probe_read_kernel(daddr, 16, ctx->daddr_v6);
	}
	emit(ctx->family, saddr, daddr, ctx->dport);
	return 0;
}

/*
 * fexit int tcp_v4_connect(struct sock *sk, struct sockaddr *uaddr, int addr_len)
 * An IPv6 socket connecting to a v4-mapped address passes through here from
 * tcp_v6_connect; that connect is reported by tcp_v6_connect's exit.
 */
SEC("fexit/tcp_v4_connect")
int BPF_PROG(handle_connect_fexit, struct sock *sk, struct sockaddr *uaddr, int addr_len, int ret)
{
	if (ret == 0 && BPF_CORE_READ(sk, __sk_common.skc_family) == AF_INET)
		emit_sock(sk);
	return 0;
}

/* fexit int tcp_v6_connect(struct sock *sk, struct sockaddr *uaddr, int addr_len) */
SEC("fexit/tcp_v6_connect")
int BPF_PROG(handle_connect_v6_fexit, struct sock *sk, struct sockaddr *uaddr, int addr_len,
	     int ret)
{
	if (ret == 0)
		emit_sock(sk);
	return 0;
}

static __always_inline int enter(struct sock *sk)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();

	bk_starts_update(&starts, &tid, &sk);
	return 0;
}

/* v4: the return of tcp_v4_connect; an IPv6 socket waits for tcp_v6_connect's. */
static __always_inline int leave(int ret, bool v4)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct sock **skp = bpf_map_lookup_elem(&starts, &tid);
	struct sock *sk;

	if (!skp)
		return 0;
	sk = *skp;
	if (v4 && BPF_CORE_READ(sk, __sk_common.skc_family) != AF_INET)
		return 0;
	if (ret == 0)
		emit_sock(sk);
	bpf_map_delete_elem(&starts, &tid);
	return 0;
}

/* kprobe int tcp_v4_connect(struct sock *sk, struct sockaddr *uaddr, int addr_len) */
SEC("kprobe/tcp_v4_connect")
int BPF_KPROBE(handle_connect_kprobe, struct sock *sk)
{
	return enter(sk);
}

/* kretprobe tcp_v4_connect -> int */
SEC("kretprobe/tcp_v4_connect")
int BPF_KRETPROBE(handle_connect_exit_kprobe, int ret)
{
	return leave(ret, true);
}

/* kprobe int tcp_v6_connect(struct sock *sk, struct sockaddr *uaddr, int addr_len) */
SEC("kprobe/tcp_v6_connect")
int BPF_KPROBE(handle_connect_v6_kprobe, struct sock *sk)
{
	return enter(sk);
}

/* kretprobe tcp_v6_connect -> int */
SEC("kretprobe/tcp_v6_connect")
int BPF_KRETPROBE(handle_connect_v6_exit_kprobe, int ret)
{
	return leave(ret, false);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
