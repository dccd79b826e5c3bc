/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * The BPF side of the network tools: a connection's addresses from a socket
 * or from a tracepoint record, the network filters (-4/-6, --ports,
 * --lports, --rports, --netns), the socket behind a file descriptor, and
 * the owners of sockets (the process that connected or accepted).
 *
 * Filters come from .rodata (struct bk_net_filter, set before load); the
 * port lists are keys of the bk_net_ports hash map, filled after load. Every
 * network namespace is seen unless --netns picks one.
 */
#ifndef BPFKIT_NET_BPF_H
#define BPFKIT_NET_BPF_H

#include "bpfkit.bpf.h"
#include <bpf/bpf_endian.h>
#include "file.bpf.h"
#include "net.h"

#ifndef AF_INET
#define AF_INET 2
#endif
#ifndef AF_INET6
#define AF_INET6 10
#endif

const volatile struct bk_net_filter bk_net_filter = {};

/* (kind << 16) | port for each listed port; see BK_PORTS_* in net.h. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 3 * BK_NET_MAX_PORTS);
	__type(key, __u32);
	__type(value, __u8);
} bk_net_ports SEC(".maps");

static __always_inline bool bk_port_listed(__u32 kind, __u16 port)
{
	__u32 key = (kind << 16) | port;

	return bpf_map_lookup_elem(&bk_net_ports, &key) != NULL;
}

/* True when the connection is filtered out by -4/-6, --netns or a port list. */
static __always_inline bool bk_net_filtered(const struct bk_conn *c)
{
	if (bk_net_filter.family && c->family != bk_net_filter.family)
		return true;
	if (bk_net_filter.netns && c->netns != bk_net_filter.netns)
		return true;
	if (bk_net_filter.ports && !bk_port_listed(BK_PORTS_ANY, c->lport) &&
	    !bk_port_listed(BK_PORTS_ANY, c->rport))
		return true;
	if (bk_net_filter.lports && !bk_port_listed(BK_PORTS_LOCAL, c->lport))
		return true;
	if (bk_net_filter.rports && !bk_port_listed(BK_PORTS_REMOTE, c->rport))
		return true;
	return false;
}

/* The inode number of the socket's network namespace. */
static __always_inline __u32 bk_sk_netns(const struct sock *sk)
{
	return BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum);
}

/* Local and remote ends of an inet socket. */
static __always_inline void bk_sk_conn(const struct sock *sk, struct bk_conn *c)
{
	c->family = BPF_CORE_READ(sk, __sk_common.skc_family);
	c->lport = BPF_CORE_READ(sk, __sk_common.skc_num);
	c->rport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	if (c->family == AF_INET) {
		BPF_CORE_READ_INTO((__u32 *)c->laddr, sk, __sk_common.skc_rcv_saddr);
		BPF_CORE_READ_INTO((__u32 *)c->raddr, sk, __sk_common.skc_daddr);
	} else {
		BPF_CORE_READ_INTO(&c->laddr, sk, __sk_common.skc_v6_rcv_saddr.in6_u.u6_addr8);
		BPF_CORE_READ_INTO(&c->raddr, sk, __sk_common.skc_v6_daddr.in6_u.u6_addr8);
	}
	c->netns = bk_sk_netns(sk);
}

/*
 * The same from a tracepoint record of the TCP and sock events, which name
 * the socket skaddr and its local end sport/saddr/saddr_v6 (as
 * sock:inet_sock_set_state, tcp:tcp_retransmit_skb, tcp:tcp_destroy_sock
 * do). The verifier allows no copy from a moved context pointer: read it.
 */
#define BK_TP_CONN(c, rec)                                                      \
	do {                                                                    \
		(c)->family = (rec)->family;                                    \
		(c)->lport = (rec)->sport;                                      \
		(c)->rport = (rec)->dport;                                      \
		if ((c)->family == AF_INET) {                                   \
			bpf_probe_read_kernel((c)->laddr, 4, (rec)->saddr);     \
			bpf_probe_read_kernel((c)->raddr, 4, (rec)->daddr);     \
		} else {                                                        \
			bpf_probe_read_kernel((c)->laddr, 16, (rec)->saddr_v6); \
			bpf_probe_read_kernel((c)->raddr, 16, (rec)->daddr_v6); \
		}                                                               \
		(c)->netns = bk_sk_netns((const struct sock *)(rec)->skaddr);   \
	} while (0)

/*
 * The socket behind file descriptor fd of the current task, or NULL when fd
 * is not an open socket (bpf/file.bpf.h's walk of the fd table), for a
 * syscall's exit (accept's new fd) or entry (bind's and listen's fd).
 */
static __always_inline struct sock *bk_fd_sock(long fd)
{
	struct file *f = bk_fd_file(fd);
	struct socket *sock = f ? bk_file_socket(f) : NULL;

	return sock ? BPF_CORE_READ(sock, sk) : NULL;
}

/* Whether sk is a TCP socket of IPv4 or IPv6. */
static __always_inline bool bk_sk_is_tcp(const struct sock *sk)
{
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);

	return (family == AF_INET || family == AF_INET6) &&
	       BPF_CORE_READ(sk, sk_protocol) == IPPROTO_TCP;
}

/*
 * Who owns a socket: the process that connected it or accepted it, seen in
 * its own context, kept until the socket closes. Tools key a map of these
 * by the socket's address (BK_NET_OWNERS).
 */
struct bk_owner {
	__u64 start_ns;		/* when the session began (SYN_SENT or SYN_RECV) */
	__u32 tgid;
	__u32 tid;
	__u32 uid;
	__u32 flags;		/* for the tool: what it reported already */
	char comm[16];
};

#define BK_NET_OWNERS(name, entries)                                           \
	struct {                                                              \
		__uint(type, BPF_MAP_TYPE_HASH);                              \
		__uint(max_entries, entries);                                 \
		__type(key, __u64);	/* struct sock * */                  \
		__type(value, struct bk_owner);                               \
	} name SEC(".maps")

/* Fills o with the current task, its time start_ns. */
static __always_inline void bk_owner_current(struct bk_owner *o, __u64 start_ns)
{
	__u64 id = bpf_get_current_pid_tgid();

	o->start_ns = start_ns;
	o->tgid = id >> 32;
	o->tid = (__u32)id;
	o->uid = (__u32)bpf_get_current_uid_gid();
	o->flags = 0;
	bpf_get_current_comm(o->comm, sizeof(o->comm));
}

/*
 * Makes the current task the owner of sk, keeping the start time of an
 * entry already there (the session began at SYN_RECV, accept() comes
 * later). A full map is counted in bk_lost_starts.
 */
static __always_inline void bk_owner_claim(void *owners, const void *sk, __u64 start_ns)
{
	__u64 key = (__u64)sk;
	struct bk_owner o, *old = bpf_map_lookup_elem(owners, &key);

	bk_owner_current(&o, old ? old->start_ns : start_ns);
	bk_starts_update(owners, &key, &o);
}

/*
 * The programs that see accepted TCP connections in the accepting process's
 * context, each calling on_accept(struct sock *sk) with the new socket:
 *
 *   tracepoint  handle_accept_exit, handle_accept4_exit: the exits of
 *               accept() and accept4(), the socket behind the new fd
 *   fentry      handle_accept_fexit: fexit on inet_csk_accept (its result;
 *               bpf_get_func_ret, Linux 5.17 and later, since the function
 *               lost two arguments in 6.10)
 *   kprobe      handle_accept_kprobe: kretprobe on inet_csk_accept
 *
 * A tool lists them as variants for bk_choose(). Accepts made inside the
 * kernel (io_uring, NFS, ...) reach inet_csk_accept but no accept() exit.
 */
#define BK_ACCEPT_PROGRAMS(on_accept)                                           \
	/* tracepoint syscalls:sys_exit_accept(long ret) */                     \
	SEC("tracepoint/syscalls/sys_exit_accept")                              \
	int handle_accept_exit(struct trace_event_raw_sys_exit *ctx)            \
	{                                                                       \
		struct sock *sk = ctx->ret >= 0 ? bk_fd_sock(ctx->ret) : NULL;  \
		if (sk && bk_sk_is_tcp(sk))                                     \
			on_accept(sk);                                          \
		return 0;                                                       \
	}                                                                       \
	/* tracepoint syscalls:sys_exit_accept4(long ret) */                    \
	SEC("tracepoint/syscalls/sys_exit_accept4")                             \
	int handle_accept4_exit(struct trace_event_raw_sys_exit *ctx)           \
	{                                                                       \
		struct sock *sk = ctx->ret >= 0 ? bk_fd_sock(ctx->ret) : NULL;  \
		if (sk && bk_sk_is_tcp(sk))                                     \
			on_accept(sk);                                          \
		return 0;                                                       \
	}                                                                       \
	/* fexit struct sock *inet_csk_accept(struct sock *sk, ...) */          \
	SEC("fexit/inet_csk_accept")                                            \
	int BPF_PROG(handle_accept_fexit)                                       \
	{                                                                       \
		__u64 ret = 0;                                                  \
		bpf_get_func_ret(ctx, &ret);                                    \
		if (ret && bk_sk_is_tcp((struct sock *)ret))                    \
			on_accept((struct sock *)ret);                          \
		return 0;                                                       \
	}                                                                       \
	/* kretprobe inet_csk_accept -> struct sock * */                        \
	SEC("kretprobe/inet_csk_accept")                                        \
	int BPF_KRETPROBE(handle_accept_kprobe, struct sock *sk)                \
	{                                                                       \
		if (sk && bk_sk_is_tcp(sk))                                     \
			on_accept(sk);                                          \
		return 0;                                                       \
	}

#endif
