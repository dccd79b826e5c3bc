// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * tcpaccept: trace accepted TCP connections (IPv4 and IPv6) with the
 * process that accepted them.
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
#include "tcpaccept.h"
#include "tcpaccept.skel.h"

const char argp_program_doc[] =
	"Trace accepted TCP connections, with the process that accepted them.\n"
	"\n"
	"USAGE: tcpaccept [-p PID] [-t TID] [-u UID] [-n COMM] [--cgroup PATH] [-4|-6]\n"
	"                 [--ports LIST] [--lports LIST] [--rports LIST] [--netns NS]\n"
	"                 [-T] [-U] [-j] [-d SECONDS]\n"
	"\n"
	"EXAMPLES:\n"
	"    tcpaccept                   # every accepted TCP connection\n"
	"    tcpaccept -p 181            # accepted by process 181 only\n"
	"    tcpaccept --lports 80,443   # on local ports 80 and 443 only\n"
	"    tcpaccept -6                # IPv6 sockets only\n"
	"    tcpaccept -T -U             # add time and UID columns\n"
	"    tcpaccept -j                # JSON lines";

static void print_header(void)
{
	if (bk_env.json)
		return;
	bk_print_prefix_header();
	printf("%-*s %-*s IP %-*s %*s %-*s %*s\n", BK_W_PID, "PID", BK_W_COMM, "COMM", BK_W_ADDR,
	       "RADDR", BK_W_PORT, "RPORT", BK_W_ADDR, "LADDR", BK_W_PORT, "LPORT");
}

static int handle_event(void *ctx, void *data, size_t size)
{
	const struct accept_event *e = data;
	char comm[4 * 16], laddr[BK_INET_ADDR_LEN], raddr[BK_INET_ADDR_LEN];
	struct bk_json j;

	if (bk_env.json) {
		bk_json_event(&j, stdout, e->ts_ns, e->tgid, e->tid, e->uid, e->comm);
		bk_json_conn(&j, &e->conn);
		bk_json_end(&j);
		return 0;
	}
	bk_escape(comm, sizeof(comm), e->comm, sizeof(e->comm));
	bk_conn_addrs(&e->conn, laddr, raddr);
	bk_print_prefix(e->ts_ns, e->uid);
	printf("%-*u %-*s %-2d %-*s %*u %-*s %*u\n", BK_W_PID, e->tgid, BK_W_COMM, comm,
	       bk_inet_version(e->conn.family), BK_W_ADDR, raddr, BK_W_PORT, e->conn.rport,
	       BK_W_ADDR, laddr, BK_W_PORT, e->conn.lport);
	return 0;
}

static const struct bk_net_stream stream = {
	.ring_bytes = 256 << 10,
	.handle_event = handle_event,
	.print_header = print_header,
};

int main(int argc, char **argv)
{
	struct bk_loop loop = {};
	struct tcpaccept_bpf *skel = NULL;
	int err;

	/* Arguments; the shared letters land in bk_env, the network filters in bk_net. */
	bk_net_parse_args(argc, argv, NULL, NULL, NULL, argp_program_doc,
			  BK_OPT_FILTERS | BK_OPT_TIMESTAMP | BK_OPT_UIDCOL | BK_OPT_DURATION |
			  BK_OPT_JSON | BK_OPT_FORCE_PATH, BK_NET_ALL);

	/* Logging, privileges, BTF. */
	err = bk_init("tcpaccept");
	if (err)
		goto cleanup;

	/* Open the BPF object. */
	skel = tcpaccept_bpf__open_opts(bk_open_opts());
	err = bk_opened(skel);
	if (err)
		goto cleanup;

	/* The attach path: accept()'s exit, else fexit, else a kretprobe on inet_csk_accept. */
	struct bk_variant variants[] = BK_NET_ACCEPT_VARIANTS(skel);

	/* Filters to .rodata; choose the path, load, attach; events, signals, header. */
	err = bk_net_stream(&loop, BK_NET_SKEL(skel), variants, 3, &stream);
	if (err)
		goto cleanup;

	/* Until Ctrl-C, SIGTERM or -d. */
	err = bk_run(&loop);

cleanup:
	bk_loop_free(&loop);
	tcpaccept_bpf__destroy(skel);
	return bk_exit(err);
}
