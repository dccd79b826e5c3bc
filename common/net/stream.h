/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * The start of a network "stream tool": one line (or JSON object) per event
 * from the `events` ring buffer, with the common filters (bpf/bpfkit.bpf.h)
 * and the network filters (bpf/net.bpf.h). What is left in the tool's main()
 * is its own: its options, its .rodata, its attach variants, its output.
 *
 *	skel = tool_bpf__open_opts(bk_open_opts());
 *	skel->rodata->targ_... = ...;
 *	struct bk_variant variants[] = { ... };
 *	err = bk_net_stream(&loop, BK_NET_SKEL(skel), variants, n, &stream);
 *	err = bk_run(&loop);
 */
#ifndef BPFKIT_NET_STREAM_H
#define BPFKIT_NET_STREAM_H

#include <linux/types.h>
#include <bpf/libbpf.h>
#include "core/attach.h"
#include "core/loop.h"
#include "bpfkit.h"
#include "net.h"

/* What every network tool's skeleton has: take it with BK_NET_SKEL(skel). */
struct bk_net_skel {
	struct bpf_object_skeleton *skeleton;
	struct bpf_map *events, *ports;
	volatile struct bk_filter *filter;
	volatile struct bk_net_filter *net_filter;
	volatile struct bk_wakeup *wakeup;
	volatile __u64 *drops, *lost_starts;
};

#define BK_NET_SKEL(skel)                                                      \
	(&(const struct bk_net_skel){ (skel)->skeleton, (skel)->maps.events,     \
				      (skel)->maps.bk_net_ports,                 \
				      &(skel)->rodata->bk_filter,                \
				      &(skel)->rodata->bk_net_filter,            \
				      &(skel)->rodata->bk_wakeup,                \
				      &(skel)->bss->bk_drops,                    \
				      &(skel)->bss->bk_lost_starts })

/*
 * The variants of a tool whose object has BK_ACCEPT_PROGRAMS (bpf/net.bpf.h),
 * which differ only in how accepts are seen: accept()'s exits, else fexit,
 * else a kretprobe on inet_csk_accept. `...` are the tool's own programs,
 * needed on every path, if any.
 */
#define BK_NET_ACCEPT_VARIANTS(skel, ...)                                      \
	{                                                                      \
		{ "tracepoint",                                                \
		  { __VA_ARGS__ __VA_OPT__(,)(skel)->progs.handle_accept_exit,  \
		    (skel)->progs.handle_accept4_exit } },                     \
		{ "fentry", { __VA_ARGS__ __VA_OPT__(,)(skel)->progs.handle_accept_fexit } }, \
		{ "kprobe", { __VA_ARGS__ __VA_OPT__(,)(skel)->progs.handle_accept_kprobe } }, \
	}

/* What the tool does: its ring buffer, its events, what a lost start costs. */
struct bk_net_stream {
	size_t ring_bytes;
	ring_buffer_sample_fn handle_event;
	void (*print_header)(void);
	/* What the BPF side's bk_lost_starts cost; NULL: it keeps no starts. */
	const char *lost_what;
	/* struct bk_loop's target_grace_ms (-p). */
	unsigned int target_grace_ms;
};

/*
 * After open and the tool's own .rodata: the filters of bk_env and bk_net
 * into .rodata, the `events` ring buffer sized, the attach path chosen from
 * the n variants (bk_choose(), with --force-path), load, the port lists
 * filled, attach (-v's "attached via" line), then the loop on the events,
 * the signals and the header. 0 or -errno (sentence set); the caller frees
 * the loop with bk_loop_free() and destroys the skeleton.
 */
int bk_net_stream(struct bk_loop *loop, const struct bk_net_skel *s, struct bk_variant *v, int n,
		  const struct bk_net_stream *t);

#endif
