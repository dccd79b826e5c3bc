// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * tcptracer: trace TCP connects, accepts and closes (IPv4 and IPv6) in one
 * stream, each under the process that opened the connection.
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
#include "tcptracer.h"
#include "tcptracer.skel.h"

const char argp_program_doc[] =
	"Trace TCP connects, accepts and closes in one stream.\n"
	"\n"
	"USAGE: tcptracer [-p PID] [-t TID] [-u UID] [-n COMM] [--cgroup PATH] [-4|-6]\n"
	"                 [--ports LIST] [--lports LIST] [--rports LIST] [--netns NS]\n"
	"                 [-T] [-U] [-j] [-d SECONDS]\n"
	"\n"
	"TYPE is C (connect), A (accept) or X (close).\n"
	"\n"
	"EXAMPLES:\n"
	"    tcptracer                   # every connect, accept and close\n"
	"    tcptracer -p 181            # process 181's connections\n"
	"    tcptracer --rports 443      # connections to remote port 443\n"
	"    tcptracer -T -j             # JSON lines";

static const char *type_name(int type, bool json)
{
	switch (type) {
	case TCPTRACER_CONNECT:
		return json ? "connect" : "C";
	case TCPTRACER_ACCEPT:
		return json ? "accept" : "A";
	case TCPTRACER_CLOSE:
		return json ? "close" : "X";
	}
	return "?";
}

static void print_header(void)
{
	if (bk_env.json)
		return;
	bk_print_prefix_header();
	printf("T %-*s %-*s IP %-*s %-*s %*s %*s\n", BK_W_PID, "PID", BK_W_COMM, "COMM", BK_W_ADDR,
	       "LADDR", BK_W_ADDR, "RADDR", BK_W_PORT, "LPORT", BK_W_PORT, "RPORT");
}

static int handle_event(void *ctx, void *data, size_t size)
{
	const struct tracer_event *e = data;
	char comm[4 * 16], laddr[BK_INET_ADDR_LEN], raddr[BK_INET_ADDR_LEN];
	struct bk_json j;

	if (bk_env.json) {
		bk_json_event(&j, stdout, e->ts_ns, e->tgid, e->tid, e->uid, e->comm);
		bk_json_str(&j, "type", type_name(e->type, true), (size_t)-1);
		bk_json_conn(&j, &e->conn);
		bk_json_end(&j);
		return 0;
	}
	bk_escape(comm, sizeof(comm), e->comm, sizeof(e->comm));
	bk_conn_addrs(&e->conn, laddr, raddr);
	bk_print_prefix(e->ts_ns, e->uid);
	printf("%s %-*u %-*s %-2d %-*s %-*s %*u %*u\n", type_name(e->type, false), BK_W_PID,
	       e->tgid, BK_W_COMM, comm, bk_inet_version(e->conn.family), BK_W_ADDR, laddr,
	       BK_W_ADDR, raddr, BK_W_PORT, e->conn.lport, BK_W_PORT, e->conn.rport);
	return 0;
}

static const struct bk_net_stream stream = {
	.ring_bytes = 256 << 10,
	.handle_event = handle_event,
	.print_header = print_header,
	.lost_what = "connections were not tracked",
	/* With -p: a socket the process closed finishes closing after it exits. */
	.target_grace_ms = 250,
};

int main(int argc, char **argv)
{
	struct bk_loop loop = {};
	struct tcptracer_bpf *skel = NULL;
	int err;

	/* Arguments; the shared letters land in bk_env, the network filters in bk_net. */
	bk_net_parse_args(argc, argv, NULL, NULL, NULL, argp_program_doc,
			  BK_OPT_FILTERS | BK_OPT_TIMESTAMP | BK_OPT_UIDCOL | BK_OPT_DURATION |
			  BK_OPT_JSON | BK_OPT_FORCE_PATH, BK_NET_ALL);

	/* Logging, privileges, BTF. */
	err = bk_init("tcptracer");
	if (err)
		goto cleanup;

	/* Open the BPF object. */
	skel = tcptracer_bpf__open_opts(bk_open_opts());
	err = bk_opened(skel);
	if (err)
		goto cleanup;

	/* The attach path, which only changes how accepts are seen. */
	struct bk_variant variants[] = BK_NET_ACCEPT_VARIANTS(skel, skel->progs.handle_set_state);

	/* Filters to .rodata; choose the path, load, attach; events, signals, header. */
	err = bk_net_stream(&loop, BK_NET_SKEL(skel), variants, 3, &stream);
	if (err)
		goto cleanup;

	/* Until Ctrl-C, SIGTERM or -d. */
	err = bk_run(&loop);

cleanup:
	bk_loop_free(&loop);
	tcptracer_bpf__destroy(skel);
	return bk_exit(err);
}
