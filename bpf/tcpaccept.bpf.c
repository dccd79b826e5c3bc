// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * tcpaccept: accepted TCP connections, with the process that accepted them.
 *
 * Preferred path: the exits of accept() and accept4() (syscall
 * tracepoints), where the new file descriptor leads to its socket, in the
 * accepting thread's own context. Other kernels use fexit, or a kretprobe,
 * on inet_csk_accept, which accept() calls in that context too. Never the
 * state change to ESTABLISHED: that happens in a softirq, in whatever
 * process the packet interrupted.
 */
#include "events.bpf.h"
#include "net.bpf.h"
#include "tcpaccept.h"

static __always_inline void emit(struct sock *sk)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct accept_event *e;
	struct bk_conn c = {};

	if (bk_filtered(id))
		return;
	bk_sk_conn(sk, &c);
	if (bk_net_filtered(&c))
		return;
	e = bk_reserve(sizeof(*e));
	if (!e)
		return;
	e->ts_ns = bpf_ktime_get_ns();
	e->conn = c;
	e->tgid = id >> 32;
	e->tid = (__u32)id;
	e->uid = (__u32)bpf_get_current_uid_gid();
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bk_submit(e);
}

BK_ACCEPT_PROGRAMS(emit)

char LICENSE[] SEC("license") = "Dual BSD/GPL";
