// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * tcpstates: trace TCP state changes (IPv4 and IPv6), with the time each
 * socket spent in the state it left.
 */
#include <argp.h>
#include <stdio.h>
#include <bpf/libbpf.h>
#include "core/attach.h"
#include "core/json.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/opts.h"
#include "core/output.h"
#include "core/setup.h"
#include "net/conn.h"
#include "net/netopts.h"
#include "net/stream.h"
#include "tcpstates.h"
#include "tcpstates.skel.h"

#define W_MS 9

const char argp_program_doc[] =
	"Trace TCP state changes, with the time spent in the state left.\n"
	"\n"
	"USAGE: tcpstates [-4|-6] [--ports LIST] [--lports LIST] [--rports LIST]\n"
	"                 [--netns NS] [-T] [-j] [-d SECONDS]\n"
	"\n"
	"EXAMPLES:\n"
	"    tcpstates                     # every state change of every TCP socket\n"
	"    tcpstates --lports 80,443     # only sockets on local ports 80 and 443\n"
	"    tcpstates -6 --rports 5432    # IPv6 sockets to remote port 5432\n"
	"    tcpstates --netns /run/netns/blue   # one network namespace\n"
	"    tcpstates -T -j               # JSON lines";

static void print_header(void)
{
	if (bk_env.json)
		return;
	bk_print_prefix_header();
	printf("%-*s %-*s %-*s %-*s %-*s -> %-*s %*s\n", BK_W_PID, "PID", BK_W_COMM, "COMM",
	       BK_W_ENDPOINT, "LADDR:LPORT", BK_W_ENDPOINT, "RADDR:RPORT", BK_W_STATE, "OLDSTATE",
	       BK_W_STATE, "NEWSTATE", W_MS, "MS");
}

static int handle_event(void *ctx, void *data, size_t size)
{
	const struct state_event *e = data;
	char comm[4 * 16], local[BK_INET_ENDPOINT_LEN], remote[BK_INET_ENDPOINT_LEN], ms[32] = "-";
	struct bk_json j;

	if (bk_env.json) {
		bk_json_event(&j, stdout, e->ts_ns, e->tgid, e->tid, e->uid, e->comm);
		bk_json_conn(&j, &e->conn);
		bk_json_str(&j, "oldstate", bk_tcp_state(e->oldstate), (size_t)-1);
		bk_json_str(&j, "newstate", bk_tcp_state(e->newstate), (size_t)-1);
		if (e->prev_seen)
			bk_json_uint(&j, "prev_ns", e->prev_ns);
		else
			bk_json_null(&j, "prev_ns");
		bk_json_end(&j);
		return 0;
	}
	bk_escape(comm, sizeof(comm), e->comm, sizeof(e->comm));
	bk_conn_endpoints(&e->conn, local, remote);
	if (e->prev_seen)
		snprintf(ms, sizeof(ms), "%.3f", e->prev_ns / 1e6);
	bk_print_prefix(e->ts_ns, e->uid);
	printf("%-*u %-*s %-*s %-*s %-*s -> %-*s %*s\n", BK_W_PID, e->tgid, BK_W_COMM, comm,
	       BK_W_ENDPOINT, local, BK_W_ENDPOINT, remote, BK_W_STATE, bk_tcp_state(e->oldstate),
	       BK_W_STATE, bk_tcp_state(e->newstate), W_MS, ms);
	return 0;
}

static const struct bk_net_stream stream = {
	.ring_bytes = 256 << 10,
	.handle_event = handle_event,
	.print_header = print_header,
	.lost_what = "sockets had no room to keep the time of their state",
};

int main(int argc, char **argv)
{
	struct bk_loop loop = {};
	struct tcpstates_bpf *skel = NULL;
	int err;

	/* Arguments; the shared letters land in bk_env, the network filters in bk_net. */
	bk_net_parse_args(argc, argv, NULL, NULL, NULL, argp_program_doc,
			  BK_OPT_TIMESTAMP | BK_OPT_DURATION | BK_OPT_JSON, BK_NET_ALL);

	/* Logging, privileges, BTF. */
	err = bk_init("tcpstates");
	if (err)
		goto cleanup;

	/* Open the BPF object. */
	skel = tcpstates_bpf__open_opts(bk_open_opts());
	err = bk_opened(skel);
	if (err)
		goto cleanup;

	/* The one hook; a kernel without it gets one sentence. */
	struct bk_variant variants[] = { { "tracepoint", { skel->progs.handle_set_state } } };

	/* Filters to .rodata; choose the path, load, attach; events, signals, header. */
	err = bk_net_stream(&loop, BK_NET_SKEL(skel), variants, 1, &stream);
	if (err)
		goto cleanup;

	/* Until Ctrl-C, SIGTERM or -d. */
	err = bk_run(&loop);

cleanup:
	bk_loop_free(&loop);
	tcpstates_bpf__destroy(skel);
	return bk_exit(err);
}
