// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * tcpretrans: TCP retransmissions, with the connection, its state and the
 * kind of retransmit, or counts of them per connection (-c).
 *
 * The tcp:tcp_retransmit_skb and tcp:tcp_retransmit_synack tracepoints (in
 * every kernel bpfkit runs on). tcp_retransmit_skb's record changed: Linux
 * 6.10 gave the event a class of its own, trace_event_raw_tcp_retransmit_skb
 * with an `err` member at the end, where 6.1 has the shared
 * trace_event_raw_tcp_event_sk_skb without it. The members up to daddr_v6
 * keep their offsets (see both kernels' format files), so they are read
 * through struct retransmit_rec below, with no relocation. err is read only
 * where the running kernel's BTF has it: 6.10 also reports attempts that
 * sent nothing (-EBUSY while the original is still queued in this host),
 * which older kernels never report; they are left out, so that every kernel
 * shows the same thing, segments sent again.
 *
 * -l adds tail-loss probes, which have no tracepoint: fentry/fexit, or a
 * kprobe/kretprobe pair, on tcp_send_loss_probe. A probe that resends the
 * last segment goes through tcp_retransmit_skb too; it is shown once, as a
 * probe.
 */
#include "events.bpf.h"
#include "net.bpf.h"
#include "tcpretrans.h"

/* -c: count in `counts` instead of sending events. */
const volatile __u32 targ_count = 0;
/* -l: tail-loss probes are traced; retransmits inside one are not shown twice. */
const volatile __u32 targ_tlp = 0;

/* The stable part of tcp:tcp_retransmit_skb's record, as both kernels lay it out. */
struct retransmit_rec {
	__u64 common;		/* struct trace_entry */
	const void *skbaddr;
	const void *skaddr;
	int state;
	__u16 sport;
	__u16 dport;
	__u16 family;
	__u8 saddr[4];
	__u8 daddr[4];
	__u8 saddr_v6[16];
	__u8 daddr_v6[16];
};

/* Linux 6.10's record, for its err member only. */
struct trace_event_raw_tcp_retransmit_skb___err {
	int err;
} __attribute__((preserve_access_index));

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct retrans_key);
	__type(value, __u64);
} counts SEC(".maps");

/* -l: the socket whose tail-loss probe the thread is sending. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);	/* tid (in a softirq, the interrupted task's) */
	__type(value, __u64);	/* struct sock * */
} probing SEC(".maps");

static __always_inline void count(const struct bk_conn *c, __u32 kind)
{
	struct retrans_key key = { .conn = *c, .kind = kind };
	__u64 one = 1, *n;

	n = bpf_map_lookup_elem(&counts, &key);
	if (!n) {
		/* Another CPU may create the entry first: then add to its. */
		if (!bpf_map_update_elem(&counts, &key, &one, BPF_NOEXIST))
			return;
		n = bpf_map_lookup_elem(&counts, &key);
		if (!n)
			return;
	}
	__sync_fetch_and_add(n, 1);
}

static __always_inline void emit(const struct bk_conn *c, int state, __u8 kind)
{
	struct retrans_event *e;

	if (bk_net_filtered(c))
		return;
	if (targ_count) {
		count(c, kind);
		return;
	}
	e = bk_reserve(sizeof(*e));
	if (!e)
		return;
	e->ts_ns = bpf_ktime_get_ns();
	e->conn = *c;
	e->state = state;
	e->kind = kind;
	e->pad[0] = e->pad[1] = 0;
	bk_submit(e);
}

/* tracepoint tcp:tcp_retransmit_skb(const struct sock *sk, const struct sk_buff *skb[, int err]) */
SEC("tracepoint/tcp/tcp_retransmit_skb")
int handle_retransmit(struct retransmit_rec *ctx)
{
	struct bk_conn c = {};

	if (bpf_core_field_exists(struct trace_event_raw_tcp_retransmit_skb___err, err) &&
	    __builtin_preserve_access_index(
		    ((struct trace_event_raw_tcp_retransmit_skb___err *)ctx)->err))
		return 0;
	if (targ_tlp) {
		__u32 tid = (__u32)bpf_get_current_pid_tgid();
		__u64 *sk = bpf_map_lookup_elem(&probing, &tid);

		if (sk && *sk == (__u64)ctx->skaddr)
			return 0;
	}
	BK_TP_CONN(&c, ctx);
	emit(&c, ctx->state, RETRANS_SEGMENT);
	return 0;
}

/* tracepoint tcp:tcp_retransmit_synack(const struct sock *sk, const struct request_sock *req) */
SEC("tracepoint/tcp/tcp_retransmit_synack")
int handle_retransmit_synack(struct trace_event_raw_tcp_retransmit_synack *ctx)
{
	struct bk_conn c = {};

	BK_TP_CONN(&c, ctx);
	emit(&c, TCP_SYN_RECV, RETRANS_SYNACK);
	return 0;
}

static __always_inline void probe_begins(struct sock *sk)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 key = (__u64)sk;
	struct bk_conn c = {};

	bk_sk_conn(sk, &c);
	emit(&c, BPF_CORE_READ(sk, __sk_common.skc_state), RETRANS_TLP);
	bk_starts_update(&probing, &tid, &key);
}

static __always_inline void probe_ends(void)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();

	bpf_map_delete_elem(&probing, &tid);
}

/* fentry void tcp_send_loss_probe(struct sock *sk) */
SEC("fentry/tcp_send_loss_probe")
int BPF_PROG(handle_tlp_fentry, struct sock *sk)
{
	probe_begins(sk);
	return 0;
}

/* fexit void tcp_send_loss_probe(struct sock *sk) */
SEC("fexit/tcp_send_loss_probe")
int BPF_PROG(handle_tlp_fexit, struct sock *sk)
{
	probe_ends();
	return 0;
}

/* kprobe void tcp_send_loss_probe(struct sock *sk) */
SEC("kprobe/tcp_send_loss_probe")
int BPF_KPROBE(handle_tlp_kprobe, struct sock *sk)
{
	probe_begins(sk);
	return 0;
}

/* kretprobe tcp_send_loss_probe */
SEC("kretprobe/tcp_send_loss_probe")
int BPF_KRETPROBE(handle_tlp_exit_kprobe)
{
	probe_ends();
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
