// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * tcplife: TCP sessions (IPv4 and IPv6) when they close: how long they
 * lasted, the bytes each way, and the process that opened them.
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
#include "tcplife.h"
#include "tcplife.skel.h"

#define W_KB 6
#define W_MS 9

const char argp_program_doc[] =
	"Trace TCP sessions when they close: duration, bytes each way, opener.\n"
	"\n"
	"USAGE: tcplife [-p PID] [-t TID] [-u UID] [-n COMM] [--cgroup PATH] [-4|-6]\n"
	"               [--ports LIST] [--lports LIST] [--rports LIST] [--netns NS]\n"
	"               [-T] [-U] [-j] [-d SECONDS]\n"
	"\n"
	"EXAMPLES:\n"
	"    tcplife                     # every TCP session that ends\n"
	"    tcplife -p 181              # sessions opened by process 181\n"
	"    tcplife --lports 80,443     # sessions on local ports 80 and 443\n"
	"    tcplife --rports 5432 -6    # IPv6 sessions to remote port 5432\n"
	"    tcplife -T -j               # JSON lines with exact bytes";

static void print_header(void)
{
	if (bk_env.json)
		return;
	bk_print_prefix_header();
	printf("%-*s %-*s %-*s %*s %-*s %*s %*s %*s %*s\n", BK_W_PID, "PID", BK_W_COMM, "COMM",
	       BK_W_ADDR, "LADDR", BK_W_PORT, "LPORT", BK_W_ADDR, "RADDR", BK_W_PORT, "RPORT", W_KB,
	       "TX_KB", W_KB, "RX_KB", W_MS, "MS");
}

static int handle_event(void *ctx, void *data, size_t size)
{
	const struct life_event *e = data;
	char comm[4 * 16], laddr[BK_INET_ADDR_LEN], raddr[BK_INET_ADDR_LEN], pid[16] = "-";
	struct bk_json j;

	if (bk_env.json) {
		bk_json_event(&j, stdout, e->ts_ns, e->tgid, e->tid, e->uid, e->comm);
		bk_json_conn(&j, &e->conn);
		bk_json_bool(&j, "active", e->active);
		bk_json_uint(&j, "tx_bytes", e->tx_bytes);
		bk_json_uint(&j, "rx_bytes", e->rx_bytes);
		bk_json_uint(&j, "span_ns", e->span_ns);
		bk_json_end(&j);
		return 0;
	}
	if (e->tgid)
		snprintf(pid, sizeof(pid), "%u", e->tgid);
	bk_escape(comm, sizeof(comm), e->tgid ? e->comm : "-", sizeof(e->comm));
	bk_conn_addrs(&e->conn, laddr, raddr);
	bk_print_prefix(e->ts_ns, e->uid);
	printf("%-*s %-*s %-*s %*u %-*s %*u %*llu %*llu %*.3f\n", BK_W_PID, pid, BK_W_COMM, comm,
	       BK_W_ADDR, laddr, BK_W_PORT, e->conn.lport, BK_W_ADDR, raddr, BK_W_PORT,
	       e->conn.rport, W_KB, (unsigned long long)(e->tx_bytes / 1024), W_KB,
	       (unsigned long long)(e->rx_bytes / 1024), W_MS, e->span_ns / 1e6);
	return 0;
}

static const struct bk_net_stream stream = {
	.ring_bytes = 256 << 10,
	.handle_event = handle_event,
	.print_header = print_header,
	.lost_what = "sessions were not tracked",
	/* With -p: a socket the process closed finishes closing after it exits. */
	.target_grace_ms = 250,
};

int main(int argc, char **argv)
{
	struct bk_loop loop = {};
	struct tcplife_bpf *skel = NULL;
	int err;

	/* Arguments; the shared letters land in bk_env, the network filters in bk_net. */
	bk_net_parse_args(argc, argv, NULL, NULL, NULL, argp_program_doc,
			  BK_OPT_FILTERS | BK_OPT_TIMESTAMP | BK_OPT_UIDCOL | BK_OPT_DURATION |
			  BK_OPT_JSON | BK_OPT_FORCE_PATH, BK_NET_ALL);

	/* Logging, privileges, BTF. */
	err = bk_init("tcplife");
	if (err)
		goto cleanup;

	/* Open the BPF object. */
	skel = tcplife_bpf__open_opts(bk_open_opts());
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
	tcplife_bpf__destroy(skel);
	return bk_exit(err);
}
