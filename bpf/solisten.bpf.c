// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * solisten: listen() calls of IPv4 and IPv6 sockets, with the address and
 * port they listen on, the backlog asked for and the limit the kernel set.
 *
 * Preferred path: the listen() system call tracepoints (the entry keeps the
 * fd and backlog, the exit finds the socket behind the fd, whose port is
 * known even when bind() was skipped). Other kernels use fexit, or a
 * kprobe/kretprobe pair, on inet_listen.
 */
#include "events.bpf.h"
#include "net.bpf.h"
#include "solisten.h"

struct call {
	__u64 sock;		/* struct socket * (kprobe path), or 0 */
	__s32 fd;		/* (tracepoint path) */
	__s32 backlog;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);	/* tid */
	__type(value, struct call);
} starts SEC(".maps");

static __always_inline void emit(const struct sock *sk, int backlog, long ret)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct listen_event *e;
	struct bk_conn c = {};

	if (bk_filter.failed_only && ret >= 0)
		return;
	bk_sk_conn(sk, &c);
	if (c.family != AF_INET && c.family != AF_INET6)
		return;
	if (bk_net_filtered(&c))
		return;
	e = bk_reserve(sizeof(*e));
	if (!e)
		return;
	e->ts_ns = bpf_ktime_get_ns();
	e->conn = c;
	e->ret = ret;
	e->backlog = backlog;
	e->max_backlog = BPF_CORE_READ(sk, sk_max_ack_backlog);
	e->tgid = id >> 32;
	e->tid = (__u32)id;
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->protocol = BPF_CORE_READ(sk, sk_protocol);
	e->pad = 0;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bk_submit(e);
}

static __always_inline void enter(__u64 sock, long fd, long backlog)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;
	struct call c = { .sock = sock, .fd = fd, .backlog = backlog };

	if (!bk_filtered(id))
		bk_starts_update(&starts, &tid, &c);
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
	sk = sock ? BPF_CORE_READ(sock, sk) : bk_fd_sock(c->fd);
	if (sk)
		emit(sk, c->backlog, ret);
	bpf_map_delete_elem(&starts, &tid);
}

/* tracepoint syscalls:sys_enter_listen(int fd, int backlog) */
SEC("tracepoint/syscalls/sys_enter_listen")
int handle_listen(struct trace_event_raw_sys_enter *ctx)
{
	enter(0, (int)ctx->args[0], (int)ctx->args[1]);
	return 0;
}

/* tracepoint syscalls:sys_exit_listen(long ret) */
SEC("tracepoint/syscalls/sys_exit_listen")
int handle_listen_exit(struct trace_event_raw_sys_exit *ctx)
{
	leave(ctx->ret);
	return 0;
}

/* fexit int inet_listen(struct socket *sock, int backlog) */
SEC("fexit/inet_listen")
int BPF_PROG(handle_listen_fexit, struct socket *sock, int backlog, int ret)
{
	enter((__u64)sock, -1, backlog);
	leave(ret);
	return 0;
}

/* kprobe int inet_listen(struct socket *sock, int backlog) */
SEC("kprobe/inet_listen")
int BPF_KPROBE(handle_listen_kprobe, struct socket *sock, int backlog)
{
	enter((__u64)sock, -1, backlog);
	return 0;
}

/* kretprobe inet_listen -> int */
SEC("kretprobe/inet_listen")
int BPF_KRETPROBE(handle_listen_exit_kprobe, int ret)
{
	leave(ret);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
