// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * tcppktlat: trace how long received TCP data (IPv4 and IPv6) waited for the
 * application to read it, from the packet's arrival, above a threshold.
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
#include "tcppktlat.h"
#include "tcppktlat.skel.h"

#define W_LAT 9

const char argp_program_doc[] =
	"Trace how long received TCP data waited to be read, above a threshold.\n"
	"\n"
	"USAGE: tcppktlat [-p PID] [-t TID] [-u UID] [-n COMM] [--cgroup PATH] [-4|-6]\n"
	"                 [--ports LIST] [--lports LIST] [--rports LIST] [--netns NS]\n"
	"                 [-T] [-U] [-j] [-d SECONDS] [min_ms]\n"
	"\n"
	"EXAMPLES:\n"
	"    tcppktlat                   # every read of data that waited at all\n"
	"    tcppktlat 10                # data that waited 10 ms or more\n"
	"    tcppktlat -p 181 1          # process 181's reads of 1 ms or more\n"
	"    tcppktlat --lports 8080 -j  # a server's reads, JSON lines";

static void print_header(void)
{
	if (bk_env.json)
		return;
	bk_print_prefix_header();
	printf("%-*s %-*s %-*s %-*s %*s\n", BK_W_PID, "PID", BK_W_COMM, "COMM", BK_W_ENDPOINT,
	       "LADDR:LPORT", BK_W_ENDPOINT, "RADDR:RPORT", W_LAT, "LAT(ms)");
}

static int handle_event(void *ctx, void *data, size_t size)
{
	const struct pktlat_event *e = data;
	char comm[4 * 16], local[BK_INET_ENDPOINT_LEN], remote[BK_INET_ENDPOINT_LEN];
	struct bk_json j;

	if (bk_env.json) {
		bk_json_event(&j, stdout, e->ts_ns, e->tgid, e->tid, e->uid, e->comm);
		bk_json_conn(&j, &e->conn);
		bk_json_uint(&j, "lat_ns", e->lat_ns);
		bk_json_end(&j);
		return 0;
	}
	bk_escape(comm, sizeof(comm), e->comm, sizeof(e->comm));
	bk_conn_endpoints(&e->conn, local, remote);
	bk_print_prefix(e->ts_ns, e->uid);
	printf("%-*u %-*s %-*s %-*s %*.3f\n", BK_W_PID, e->tgid, BK_W_COMM, comm, BK_W_ENDPOINT,
	       local, BK_W_ENDPOINT, remote, W_LAT, e->lat_ns / 1e6);
	return 0;
}

static const struct bk_net_stream stream = {
	.ring_bytes = 256 << 10,
	.handle_event = handle_event,
	.print_header = print_header,
	.lost_what = "sockets' waits were not timed",
};

int main(int argc, char **argv)
{
	struct bk_loop loop = {};
	struct tcppktlat_bpf *skel = NULL;
	int err;

	/* Arguments; the shared letters land in bk_env, the network filters in bk_net. */
	bk_net_parse_args(argc, argv, NULL, bk_parse_min_ms_only, "[min_ms]", argp_program_doc,
			  BK_OPT_FILTERS | BK_OPT_TIMESTAMP | BK_OPT_UIDCOL | BK_OPT_DURATION |
			  BK_OPT_JSON, BK_NET_ALL);

	/* Logging, privileges, BTF. */
	err = bk_init("tcppktlat");
	if (err)
		goto cleanup;

	/* Open the BPF object. */
	skel = tcppktlat_bpf__open_opts(bk_open_opts());
	err = bk_opened(skel);
	if (err)
		goto cleanup;

	/* The threshold goes to .rodata before load. */
	skel->rodata->targ_min_ns = bk_net.min_ns;

	/* The three tracepoints; a kernel without them gets one sentence. */
	struct bk_variant variants[] = {
		{ "tracepoint",
		  { skel->progs.handle_packet, skel->progs.handle_read, skel->progs.handle_destroy } },
	};

	/* Filters to .rodata; choose the path, load, attach; events, signals, header. */
	err = bk_net_stream(&loop, BK_NET_SKEL(skel), variants, 1, &stream);
	if (err)
		goto cleanup;

	/* Until Ctrl-C, SIGTERM or -d. */
	err = bk_run(&loop);

cleanup:
	bk_loop_free(&loop);
	tcppktlat_bpf__destroy(skel);
	return bk_exit(err);
}
