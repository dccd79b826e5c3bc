// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * tcpsynbl: histograms of listening TCP sockets' accept-queue length (the
 * listen() backlog) as connections join it, against the queue's limit.
 */
#include <argp.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "core/attach.h"
#include "core/hist.h"
#include "core/json.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/maps.h"
#include "core/opts.h"
#include "core/output.h"
#include "core/setup.h"
#include "net/conn.h"
#include "net/netopts.h"
#include "tcpsynbl.h"
#include "tcpsynbl.skel.h"

static int hists_fd;

const char argp_program_doc[] =
	"Summarize the backlog of listening TCP sockets as connections join it.\n"
	"\n"
	"USAGE: tcpsynbl [-4|-6] [--lports LIST] [--netns NS] [-j] [-d SECONDS]\n"
	"                [interval [count]]\n"
	"\n"
	"The backlog is the accept queue: connections whose handshake completed,\n"
	"waiting for accept(). Its limit is listen()'s backlog (capped by\n"
	"net.core.somaxconn); beyond it the kernel drops handshakes.\n"
	"\n"
	"EXAMPLES:\n"
	"    tcpsynbl                    # per listener, printed at Ctrl-C\n"
	"    tcpsynbl 1                  # every second\n"
	"    tcpsynbl --lports 8080 -j   # one listener's port, JSON";

struct row {
	struct synbl_key key;
	struct synbl_hist h;
};

static int by_count(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->h.count != y->h.count)
		return x->h.count < y->h.count ? 1 : -1;
	return (int)x->key.port - (int)y->key.port;
}

static void print_row(const struct row *r, const char *t)
{
	char ep[BK_INET_ENDPOINT_LEN] = "?", addr[BK_INET_ADDR_LEN] = "?";
	const struct synbl_key *k = &r->key;
	struct bk_json j;

	bk_inet_endpoint(ep, sizeof(ep), k->family, k->addr, k->port);
	if (bk_env.json) {
		bk_inet_addr(addr, sizeof(addr), k->family, k->addr);
		bk_json_begin(&j, stdout);
		bk_json_str(&j, "time", t, 64);
		bk_json_int(&j, "ip", bk_inet_version(k->family));
		bk_json_str(&j, "laddr", addr, sizeof(addr));
		bk_json_uint(&j, "lport", k->port);
		bk_json_uint(&j, "netns", k->netns);
		bk_json_uint(&j, "max_backlog", k->max_backlog);
		bk_json_uint(&j, "count", r->h.count);
		bk_json_uint(&j, "total", r->h.total);
		bk_json_uint(&j, "max_seen", r->h.max_seen);
		bk_json_log2_hist(&j, "hist", r->h.slots, TCPSYNBL_SLOTS);
		bk_json_end(&j);
		return;
	}
	printf("\n%s (netns %u): %llu connections joined, limit %u, longest %u, average %.1f\n", ep,
	       k->netns, (unsigned long long)r->h.count, k->max_backlog, r->h.max_seen,
	       (double)r->h.total / r->h.count);
	bk_print_log2_hist(stdout, r->h.slots, TCPSYNBL_SLOTS, "backlog");
}

/* One interval: the histograms since the last, taken out of the map. */
static int print_hists(void *ctx)
{
	struct row *rows;
	char t[64];
	long n;

	n = bk_map_drain_rows(hists_fd, sizeof(rows->key), sizeof(rows->h), offsetof(struct row, h),
			      sizeof(*rows), TCPSYNBL_MAX_LISTENERS, (void **)&rows);
	if (n < 0)
		return n;
	qsort(rows, n, sizeof(*rows), by_count);
	if (bk_env.json) {
		bk_time_iso(t, sizeof(t), bk_now_ns());
	} else {
		bk_time_hms(t, sizeof(t), bk_now_ns());
		if (bk_env.interval_s)
			printf("\n%s\n", t);
	}
	for (long i = 0; i < n; i++)
		if (rows[i].h.count)
			print_row(&rows[i], t);
	free(rows);
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	struct bk_loop loop = {};
	struct tcpsynbl_bpf *skel = NULL;
	int err;

	/* Arguments; the shared letters land in bk_env, the network filters in bk_net. */
	bk_net_parse_args(argc, argv, NULL, bk_parse_interval_only, "[interval [count]]", argp_program_doc,
			  BK_OPT_DURATION | BK_OPT_JSON | BK_OPT_FORCE_PATH,
			  BK_NET_FAMILY | BK_NET_LPORTS | BK_NET_NETNS);

	/* Logging, privileges, BTF. */
	err = bk_init("tcpsynbl");
	if (err)
		goto cleanup;

	/* Open the BPF object. */
	skel = tcpsynbl_bpf__open_opts(bk_open_opts());
	err = bk_opened(skel);
	if (err)
		goto cleanup;

	/* Filters go to .rodata before load. */
	bk_net_filter_fill(&skel->rodata->bk_net_filter);

	/* The attach path: sk_data_ready, else fexit, else kprobes on tcp_v{4,6}_syn_recv_sock. */
	struct bk_variant variants[] = {
		{ "tracepoint", { skel->progs.handle_ready } },
		{ "fentry", { skel->progs.handle_ready_fexit }, { skel->progs.handle_ready_v6_fexit } },
		{ "kprobe",
		  { skel->progs.handle_ready_kprobe, skel->progs.handle_ready_exit_kprobe },
		  { skel->progs.handle_ready_v6_kprobe, skel->progs.handle_ready_v6_exit_kprobe } },
	};
	err = bk_choose(variants, 3, bk_env.force_path);
	if (err < 0)
		goto cleanup;

	/* Load (the verifier runs here), fill the port lists, attach. */
	err = bk_net_start(skel->skeleton, skel->maps.bk_net_ports);
	if (err)
		goto cleanup;
	hists_fd = bpf_map__fd(skel->maps.hists);

	/* Signals; there are no events, the map is read at every interval. */
	bk_signals();
	if (!bk_env.json && !bk_env.interval_s)
		printf("Tracing accept backlogs... Hit Ctrl-C to end.\n");

	/* Until Ctrl-C, SIGTERM, -d or count intervals; the last one at the end. */
	loop.drops = &skel->bss->hist_drops;
	loop.drop_what = "connections (no room for another listener)";
	loop.lost_starts = &skel->bss->bk_lost_starts;
	loop.lost_what = "connections were not counted";
	bk_summary(&loop, print_hists, NULL);
	err = bk_run(&loop);

cleanup:
	tcpsynbl_bpf__destroy(skel);
	return bk_exit(err);
}
