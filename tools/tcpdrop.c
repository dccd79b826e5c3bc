// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * tcpdrop: trace TCP packets the kernel drops (IPv4 and IPv6), with the drop
 * reason by name, the place it happened and the kernel stack.
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "core/attach.h"
#include "core/json.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/opts.h"
#include "core/output.h"
#include "core/setup.h"
#include "kernel/btfenum.h"
#include "net/conn.h"
#include "net/netopts.h"
#include "stacks/stacks.h"
#include "tcpdrop.h"
#include "tcpdrop.skel.h"

#define REASON_PREFIX "SKB_DROP_REASON_"
#define W_FLAGS 5

static struct {
	const char *reason;	/* --reason, as given */
	struct bk_enum_names reasons;
	struct bk_stacks *stacks;
	struct bk_trace *trace;
} opt;

const char argp_program_doc[] =
	"Trace TCP packets the kernel drops, with the reason, place and kernel stack.\n"
	"\n"
	"USAGE: tcpdrop [--reason NAME] [-4|-6] [--ports LIST] [--lports LIST]\n"
	"               [--rports LIST] [--netns NS] [-T] [-j] [-d SECONDS]\n"
	"\n"
	"Reason names are the running kernel's (enum skb_drop_reason, without\n"
	"SKB_DROP_REASON_): NO_SOCKET, TCP_CSUM, NETFILTER_DROP, ...\n"
	"\n"
	"EXAMPLES:\n"
	"    tcpdrop                     # every dropped TCP packet\n"
	"    tcpdrop --reason NO_SOCKET  # packets to ports nothing listens on\n"
	"    tcpdrop --lports 443        # drops on local port 443\n"
	"    tcpdrop -T -j               # JSON lines with the stack";

enum { OPT_REASON = 2000 };

static const struct argp_option options[] = {
	{ "reason", OPT_REASON, "NAME", 0, "Only drops with this reason (a name of this kernel's "
	  "enum skb_drop_reason)", 0 },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case OPT_REASON:
		if (!*arg)
			bk_usage(state, "empty --reason");
		opt.reason = arg;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* "S", "S.", "P.", "F.", "R", ...: tcpdump's letters, '.' for ACK. */
static void flags_str(char *buf, __u8 f)
{
	static const struct { __u8 bit; char c; } names[] = {
		{ TCPDROP_SYN, 'S' }, { TCPDROP_FIN, 'F' }, { TCPDROP_RST, 'R' }, { TCPDROP_PSH, 'P' },
		{ TCPDROP_URG, 'U' }, { TCPDROP_ECE, 'E' },   { TCPDROP_CWR, 'W' }, { TCPDROP_ACK, '.' },
	};
	int n = 0;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (f & names[i].bit)
			buf[n++] = names[i].c;
	if (!n)
		buf[n++] = '-';
	buf[n] = 0;
}

static const char *reason_str(const struct drop_event *e, char *buf, size_t len)
{
	const char *name = bk_enum_name(&opt.reasons, e->reason);

	if (!e->reason_known)
		return "-";
	if (name)
		return name;
	snprintf(buf, len, "%u", e->reason);
	return buf;
}

/* The kernel stack from the function that dropped the packet outwards. */
static void symbolize(const struct drop_event *e, char *loc, size_t len)
{
	int first = 0, n = e->nframes < TCPDROP_STACK_DEPTH ? e->nframes : TCPDROP_STACK_DEPTH;

	for (int i = 0; i < n; i++) {
		if (e->stack[i] == e->location) {
			first = i;
			break;
		}
	}
	bk_trace_reset(opt.trace);
	bk_stacks_add_kernel_ips(opt.stacks, opt.trace, &e->location, 1);
	if (opt.trace->n)
		snprintf(loc, len, "%s+0x%llx", opt.trace->f[0].name,
			 (unsigned long long)opt.trace->f[0].offset);
	else
		snprintf(loc, len, "0x%llx", (unsigned long long)e->location);
	bk_trace_reset(opt.trace);
	bk_stacks_add_kernel_ips(opt.stacks, opt.trace, e->stack + first, n - first);
}

static int handle_event(void *ctx, void *data, size_t size)
{
	const struct drop_event *e = data;
	const struct bk_trace *t = opt.trace;
	char src[BK_INET_ENDPOINT_LEN], dst[BK_INET_ENDPOINT_LEN], flags[16], num[16], loc[256];
	char frame[512], ts[48];
	const char *state = e->state ? bk_tcp_state(e->state) : "-";
	struct bk_json j;

	if (size < sizeof(*e) - sizeof(e->stack))
		return 0;
	flags_str(flags, e->tcpflags);
	symbolize(e, loc, sizeof(loc));
	if (bk_env.json) {
		bk_time_iso(ts, sizeof(ts), e->ts_ns);
		bk_json_begin(&j, stdout);
		bk_json_str(&j, "time", ts, sizeof(ts));
		bk_json_conn(&j, &e->conn);
		bk_json_str(&j, "direction", e->outgoing ? "out" : "in", (size_t)-1);
		if (e->state)
			bk_json_str(&j, "state", state, (size_t)-1);
		else
			bk_json_null(&j, "state");
		bk_json_str(&j, "flags", flags, sizeof(flags));
		if (e->reason_known) {
			bk_json_str(&j, "reason", reason_str(e, num, sizeof(num)), (size_t)-1);
			bk_json_uint(&j, "reason_code", e->reason);
		} else {
			bk_json_null(&j, "reason");
			bk_json_null(&j, "reason_code");
		}
		bk_json_str(&j, "location", loc, sizeof(loc));
		bk_json_array_begin(&j, "kstack");
		for (int i = t->n - 1; i >= 0; i--) {
			snprintf(frame, sizeof(frame), "%s+0x%llx", t->f[i].name,
				 (unsigned long long)t->f[i].offset);
			bk_json_str(&j, NULL, frame, sizeof(frame));
		}
		bk_json_array_end(&j);
		bk_json_end(&j);
		return 0;
	}
	if (e->outgoing)
		bk_conn_endpoints(&e->conn, src, dst);
	else
		bk_conn_endpoints(&e->conn, dst, src);
	bk_print_prefix(e->ts_ns, 0);
	printf("%-2d %-*s > %-*s %-*s %-*s %s\n", bk_inet_version(e->conn.family), BK_W_ENDPOINT, src,
	       BK_W_ENDPOINT, dst, BK_W_STATE, state, W_FLAGS, flags, reason_str(e, num, sizeof(num)));
	for (int i = t->n - 1; i >= 0; i--)
		printf("\t%s+0x%llx%s%s%s\n", t->f[i].name, (unsigned long long)t->f[i].offset,
		       t->f[i].module && *t->f[i].module ? " [" : "",
		       t->f[i].module && *t->f[i].module ? t->f[i].module : "",
		       t->f[i].module && *t->f[i].module ? "]" : "");
	printf("\n");
	return 0;
}

static void print_header(void)
{
	if (bk_env.json)
		return;
	bk_print_prefix_header();
	printf("IP %-*s   %-*s %-*s %-*s %s\n", BK_W_ENDPOINT, "SADDR:SPORT", BK_W_ENDPOINT,
	       "DADDR:DPORT", BK_W_STATE, "STATE", W_FLAGS, "FLAGS", "REASON");
}

/* The reason names of this kernel; --reason checked against them. */
static int load_reasons(__u32 *targ)
{
	long v;
	int err = bk_enum_names_load(&opt.reasons, "skb_drop_reason", REASON_PREFIX, 4096);

	if (err == -ENOENT) {
		if (opt.reason)
			bk_usage(NULL, "this kernel has no drop reasons (Linux 5.17 and later have "
				 "them): --reason cannot be used");
		return 0;
	}
	if (err || !opt.reason)
		return err;
	v = bk_enum_value(&opt.reasons, opt.reason, REASON_PREFIX);
	if (v < 0)
		bk_usage(NULL, "this kernel has no drop reason '%s' (see the reason list in "
			 "/sys/kernel/tracing/events/skb/kfree_skb/format)", opt.reason);
	*targ = v + 1;
	return 0;
}

int main(int argc, char **argv)
{
	struct bk_loop loop = {};
	struct tcpdrop_bpf *skel = NULL;
	int err;

	/* Arguments; the shared letters land in bk_env, the network filters in bk_net. */
	bk_net_parse_args(argc, argv, options, parse_arg, NULL, argp_program_doc,
			  BK_OPT_TIMESTAMP | BK_OPT_DURATION | BK_OPT_JSON, BK_NET_ALL);

	/* Logging, privileges, BTF. */
	err = bk_init("tcpdrop");
	if (err)
		goto cleanup;

	/* Open the BPF object. */
	skel = tcpdrop_bpf__open_opts(bk_open_opts());
	err = bk_opened(skel);
	if (err)
		goto cleanup;

	/* Filters (--reason from this kernel's BTF) go to .rodata before load. */
	err = load_reasons((__u32 *)&skel->rodata->targ_reason);
	if (err)
		goto cleanup;
	bk_net_filter_fill(&skel->rodata->bk_net_filter);
	err = bk_events_size(skel->maps.events, &skel->rodata->bk_wakeup, 1 << 20);
	if (err)
		goto cleanup;

	/* The one hook; a kernel without it gets one sentence. */
	struct bk_variant variants[] = { { "tracepoint", { skel->progs.handle_drop } } };
	err = bk_choose(variants, 1, NULL);
	if (err < 0)
		goto cleanup;

	/* Load (the verifier runs here), fill the port lists, attach. */
	err = bk_net_start(skel->skeleton, skel->maps.bk_net_ports);
	if (err)
		goto cleanup;

	/* Kernel symbols for the stacks, events, signals, then the header. */
	err = bk_stacks_new(-1, &opt.stacks);
	opt.trace = bk_trace_new();
	if (err || !opt.trace) {
		err = err ? err : -ENOMEM;
		goto cleanup;
	}
	err = bk_events(&loop, skel->maps.events, handle_event, NULL, &skel->bss->bk_drops);
	if (err)
		goto cleanup;
	bk_signals();
	print_header();

	/* Until Ctrl-C, SIGTERM or -d. */
	err = bk_run(&loop);

cleanup:
	bk_loop_free(&loop);
	tcpdrop_bpf__destroy(skel);
	bk_trace_free(opt.trace);
	bk_stacks_free(opt.stacks);
	bk_enum_names_free(&opt.reasons);
	return bk_exit(err);
}
