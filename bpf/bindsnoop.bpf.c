// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * bindsnoop: bind() calls of IPv4 and IPv6 sockets, with the protocol, the
 * address and port asked for, the socket's options and the result.
 *
 * Preferred path: the bind() system call tracepoints; the entry keeps the
 * file descriptor and copies the sockaddr from user memory, the exit finds
 * the socket behind the descriptor and reports. Other kernels use fexit, or
 * a kprobe/kretprobe pair, on inet_bind and inet6_bind.
 */
#include "events.bpf.h"
#include "net.bpf.h"
#include "bindsnoop.h"

const volatile struct bind_flag_bits targ_bits = {};

struct call {
	__u64 sock;		/* struct socket * (kprobe path), or 0 */
	__s32 fd;		/* (tracepoint path) */
	__u32 len;
	__u8 addr[32];		/* a sockaddr_in or sockaddr_in6 (28 bytes) */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);	/* tid */
	__type(value, struct call);
} starts SEC(".maps");

BK_SCRATCH(scratch, struct call);

/* Linux 6.1's inet_sock bitfields; 6.6 moved them into inet_flags. */
struct inet_sock___bits {
	__u8 freebind: 1;
	__u8 transparent: 1;
	__u8 bind_address_no_port: 1;
} __attribute__((preserve_access_index));

struct inet_sock___flags {
	unsigned long inet_flags;
} __attribute__((preserve_access_index));

static __always_inline __u8 options(const struct sock *sk)
{
	__u8 opts = 0;

	if (BPF_CORE_READ_BITFIELD_PROBED(sk, __sk_common.skc_reuse))
		opts |= BIND_OPT_REUSEADDR;
	if (BPF_CORE_READ_BITFIELD_PROBED(sk, __sk_common.skc_reuseport))
		opts |= BIND_OPT_REUSEPORT;
	if (bpf_core_field_exists(struct inet_sock___bits, freebind)) {
		const struct inet_sock___bits *in = (const void *)sk;

		if (BPF_CORE_READ_BITFIELD_PROBED(in, freebind))
			opts |= BIND_OPT_FREEBIND;
		if (BPF_CORE_READ_BITFIELD_PROBED(in, transparent))
			opts |= BIND_OPT_TRANSPARENT;
		if (BPF_CORE_READ_BITFIELD_PROBED(in, bind_address_no_port))
			opts |= BIND_OPT_NO_PORT;
	} else if (targ_bits.known) {
		__u64 f = BPF_CORE_READ((const struct inet_sock___flags *)sk, inet_flags);

		if ((f >> targ_bits.freebind) & 1)
			opts |= BIND_OPT_FREEBIND;
		if ((f >> targ_bits.transparent) & 1)
			opts |= BIND_OPT_TRANSPARENT;
		if ((f >> targ_bits.no_port) & 1)
			opts |= BIND_OPT_NO_PORT;
	}
	return opts;
}

static __always_inline void emit(const struct call *c, const struct sock *sk, long ret)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u16 family = *(const __u16 *)c->addr;
	struct bind_event *e;
	struct bk_conn conn = { .family = family };

	if (family != AF_INET && family != AF_INET6)
		return;
	if (bk_filter.failed_only && ret >= 0)
		return;
	conn.lport = bpf_ntohs(*(const __u16 *)(c->addr + 2));
	if (family == AF_INET)
		__builtin_memcpy(conn.laddr, c->addr + 4, 4);
	else
		__builtin_memcpy(conn.laddr, c->addr + 8, 16);
	conn.netns = bk_sk_netns(sk);
	if (bk_net_filtered(&conn))
		return;
	e = bk_reserve(sizeof(*e));
	if (!e)
		return;
	e->ts_ns = bpf_ktime_get_ns();
	e->conn = conn;
	e->ret = ret;
	e->tgid = id >> 32;
	e->tid = (__u32)id;
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->ifindex = BPF_CORE_READ(sk, __sk_common.skc_bound_dev_if);
	e->protocol = BPF_CORE_READ(sk, sk_protocol);
	e->type = BPF_CORE_READ(sk, sk_type);
	e->opts = options(sk);
	e->pad[0] = e->pad[1] = e->pad[2] = 0;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bk_submit(e);
}

/* Keeps the call's arguments: the socket or its fd, and the sockaddr. */
static __always_inline void enter(__u64 sock, long fd, const void *addr, long len, bool user)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;
	struct call *c;

	if (bk_filtered(id))
		return;
	c = bk_scratch(&scratch);
	if (!c)
		return;
	c->sock = sock;
	c->fd = fd;
	c->len = len;
	__builtin_memset(c->addr, 0, sizeof(c->addr));
	if (len > sizeof(c->addr))
		len = sizeof(c->addr);
	if (len < 2)
		return;
	if (user)
		bpf_probe_read_user(c->addr, len & 31, addr);
	else
		bpf_probe_read_kernel(c->addr, len & 31, addr);
	bk_starts_update(&starts, &tid, c);
}

static __always_inline void leave(long ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct call *c = bpf_map_lookup_elem(&starts, &tid);
	struct socket *sock;
	struct sock *sk;

	if (!c)
		return;
	sock = (struct socket *)c->sock;
	if (sock)
		sk = BPF_CORE_READ(sock, sk);
	else
		sk = bk_fd_sock(c->fd);
	if (sk)
		emit(c, sk, ret);
	bpf_map_delete_elem(&starts, &tid);
}

/* tracepoint syscalls:sys_enter_bind(int fd, struct sockaddr *umyaddr, int addrlen) */
SEC("tracepoint/syscalls/sys_enter_bind")
int handle_bind(struct trace_event_raw_sys_enter *ctx)
{
	enter(0, (int)ctx->args[0], (const void *)ctx->args[1], (int)ctx->args[2], true);
	return 0;
}

/* tracepoint syscalls:sys_exit_bind(long ret) */
SEC("tracepoint/syscalls/sys_exit_bind")
int handle_bind_exit(struct trace_event_raw_sys_exit *ctx)
{
	leave(ctx->ret);
	return 0;
}

/* fexit int inet_bind(struct socket *sock, struct sockaddr *uaddr, int addr_len) */
SEC("fexit/inet_bind")
int BPF_PROG(handle_bind_fexit, struct socket *sock, struct sockaddr *uaddr, int addr_len, int ret)
{
	enter((__u64)sock, -1, uaddr, addr_len, false);
	leave(ret);
	return 0;
}

/* fexit int inet6_bind(struct socket *sock, struct sockaddr *uaddr, int addr_len) */
SEC("fexit/inet6_bind")
int BPF_PROG(handle_bind6_fexit, struct socket *sock, struct sockaddr *uaddr, int addr_len, int ret)
{
	enter((__u64)sock, -1, uaddr, addr_len, false);
	leave(ret);
	return 0;
}

/* kprobe int inet_bind(struct socket *sock, struct sockaddr *uaddr, int addr_len) */
SEC("kprobe/inet_bind")
int BPF_KPROBE(handle_bind_kprobe, struct socket *sock, struct sockaddr *uaddr, int addr_len)
{
	enter((__u64)sock, -1, uaddr, addr_len, false);
	return 0;
}

/* kretprobe inet_bind -> int */
SEC("kretprobe/inet_bind")
int BPF_KRETPROBE(handle_bind_exit_kprobe, int ret)
{
	leave(ret);
	return 0;
}

/* kprobe int inet6_bind(struct socket *sock, struct sockaddr *uaddr, int addr_len) */
SEC("kprobe/inet6_bind")
int BPF_KPROBE(handle_bind6_kprobe, struct socket *sock, struct sockaddr *uaddr, int addr_len)
{
	enter((__u64)sock, -1, uaddr, addr_len, false);
	return 0;
}

/* kretprobe inet6_bind -> int */
SEC("kretprobe/inet6_bind")
int BPF_KRETPROBE(handle_bind6_exit_kprobe, int ret)
{
	leave(ret);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
