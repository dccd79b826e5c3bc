// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * tcptop: TCP throughput per connection and process, refreshed top-style.
 */
#include <argp.h>
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "core/attach.h"
#include "net/inet.h"
#include "core/json.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/opts.h"
#include "core/output.h"
#include "core/setup.h"
#include "core/top.h"
#include "tcptop.h"
#include "tcptop.skel.h"

/* Widths that keep a row of IPv4 endpoints within 80 columns. */
#define W_COMM 15
#define W_ENDPOINT 21
#define W_KB 5

enum sort_by { SORT_ALL, SORT_RX, SORT_TX };

/* The screen and its options, set out below its printers. */
static struct bk_top top;

const char argp_program_doc[] =
	"Show TCP throughput per connection and process, refreshed top-style.\n"
	"\n"
	"USAGE: tcptop [-C] [-S rx|tx|all] [-r ROWS] [-p PID] [-u UID] [-n COMM] [-j]\n"
	"              [-d SECONDS] [interval [count]]\n"
	"\n"
	"EXAMPLES:\n"
	"    tcptop              # refresh every second, until Ctrl-C\n"
	"    tcptop -C 5 3       # three refreshes 5 s apart, without clearing\n"
	"    tcptop -S rx -r 5   # the five connections receiving the most\n"
	"    tcptop -p 181       # only process 181\n"
	"    tcptop -j 10        # JSON lines every 10 s, with exact bytes\n"
	"    tcptop -C -d 30 5   # every 5 s for 30 s";

static const struct argp_option options[] = {
	BK_TOP_ARGP_OPTIONS("connections", "FIELD",
			    "Sort by rx, tx or all (received plus sent; the default)"),
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	return bk_top_parse_opt(&top, key, arg, state);
}

struct row {
	struct flow_key key;
	struct flow f;
};

static __u64 sort_value(const struct row *r)
{
	switch (top.sort) {
	case SORT_RX:
		return r->f.rx_bytes;
	case SORT_TX:
		return r->f.tx_bytes;
	default:
		return r->f.rx_bytes + r->f.tx_bytes;
	}
}

static int by_bytes(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	__u64 vx = sort_value(x), vy = sort_value(y);

	if (vx != vy)
		return vx < vy ? 1 : -1;
	if (x->key.tgid != y->key.tgid)
		return x->key.tgid < y->key.tgid ? -1 : 1;
	return (int)x->key.lport - (int)y->key.lport;
}

static void print_row(void *ctx, const void *row, const char *t)
{
	const struct row *r = row;
	char comm[4 * 16], laddr[BK_INET_ENDPOINT_LEN] = "?", raddr[BK_INET_ENDPOINT_LEN] = "?";
	char a[BK_INET_ADDR_LEN] = "?";
	const struct flow_key *k = &r->key;
	struct bk_json j;

	if (bk_env.json) {
		bk_json_begin(&j, stdout);
		bk_json_str(&j, "time", t, strlen(t));
		bk_json_uint(&j, "pid", k->tgid);
		bk_json_str(&j, "comm", r->f.comm, sizeof(r->f.comm));
		bk_json_int(&j, "ip", bk_inet_version(k->family));
		bk_inet_addr(a, sizeof(a), k->family, k->laddr);
		bk_json_str(&j, "laddr", a, sizeof(a));
		bk_json_uint(&j, "lport", k->lport);
		bk_inet_addr(a, sizeof(a), k->family, k->raddr);
		bk_json_str(&j, "raddr", a, sizeof(a));
		bk_json_uint(&j, "rport", k->rport);
		bk_json_uint(&j, "rx_bytes", r->f.rx_bytes);
		bk_json_uint(&j, "tx_bytes", r->f.tx_bytes);
		bk_json_uint(&j, "rx_kb", r->f.rx_bytes / 1024);
		bk_json_uint(&j, "tx_kb", r->f.tx_bytes / 1024);
		bk_json_end(&j);
		return;
	}
	bk_escape(comm, sizeof(comm), r->f.comm, sizeof(r->f.comm));
	bk_inet_endpoint(laddr, sizeof(laddr), k->family, k->laddr, k->lport);
	bk_inet_endpoint(raddr, sizeof(raddr), k->family, k->raddr, k->rport);
	printf("%-*u %-*s %-*s %-*s %*llu %*llu\n", BK_W_PID, k->tgid, W_COMM, comm, W_ENDPOINT,
	       laddr, W_ENDPOINT, raddr, W_KB, (unsigned long long)(r->f.rx_bytes / 1024), W_KB,
	       (unsigned long long)(r->f.tx_bytes / 1024));
}

/* The title line and the column header of a refresh. */
static void print_head(void *ctx, const char *t, long n)
{
	printf("%s  %ld connection%s\n", t, n, n == 1 ? "" : "s");
	printf("%-*s %-*s %-*s %-*s %*s %*s\n", BK_W_PID, "PID", W_COMM, "COMM", W_ENDPOINT, "LADDR",
	       W_ENDPOINT, "RADDR", W_KB, "RX_KB", W_KB, "TX_KB");
}

/* Every refresh: the connections of the last interval, most bytes first. */
static struct bk_top top = {
	.rows = 20,
	.max_rows = TCPTOP_MAX_FLOWS,
	.sort_keys = (const char *const[]){ "all", "rx", "tx", NULL },
	.sort_want = "rx, tx or all",
	BK_TOP_ROW(struct row, key, f),
	.cap = TCPTOP_MAX_FLOWS,
	.cmp = by_bytes,
	.head = print_head,
	.print_row = print_row,
};

int main(int argc, char **argv)
{
	struct bk_loop loop = {};
	struct tcptop_bpf *skel = NULL;
	int err;

	/* Arguments; the shared letters land in bk_env. One second by default. */
	bk_parse_args_doc(argc, argv, options, parse_arg, "[interval [count]]", argp_program_doc,
			  BK_OPT_PID | BK_OPT_UID | BK_OPT_COMM | BK_OPT_CGROUP | BK_OPT_JSON |
			  BK_OPT_DURATION | BK_OPT_FORCE_PATH);
	bk_top_args(&top);

	/* Logging, privileges, BTF. */
	err = bk_init("tcptop");
	if (err)
		goto cleanup;

	/* Open the BPF object. */
	skel = tcptop_bpf__open_opts(bk_open_opts());
	err = bk_opened(skel);
	if (err)
		goto cleanup;

	/* Filters go to .rodata before load. */
	bk_filter_fill(&skel->rodata->bk_filter);

	/* The attach path: the sock length tracepoints, else fentry/fexit, else kprobes. */
	struct bk_variant variants[] = {
		{ "tracepoint", { skel->progs.handle_send, skel->progs.handle_recv } },
		{ "fentry", { skel->progs.handle_send_fexit, skel->progs.handle_recv_fentry } },
		{ "kprobe",
		  { skel->progs.handle_send_kprobe, skel->progs.handle_send_exit_kprobe,
		    skel->progs.handle_recv_kprobe } },
	};
	err = bk_choose(variants, 3, bk_env.force_path);
	if (err < 0)
		goto cleanup;

	/* Load (the verifier runs here) and attach. */
	err = bk_start(skel->skeleton);
	if (err)
		goto cleanup;
	top.fd = bpf_map__fd(skel->maps.flows);

	/* Signals; there are no events, the map is read at every refresh. */
	bk_signals();

	/* Until Ctrl-C, SIGTERM, -d or count refreshes. */
	loop.drops = &skel->bss->flow_drops;
	loop.drop_what = "connections";
	loop.lost_starts = &skel->bss->bk_lost_starts;
	loop.lost_what = "sends were not counted";
	bk_summary(&loop, bk_top_refresh, &top);
	err = bk_run(&loop);

cleanup:
	tcptop_bpf__destroy(skel);
	return bk_exit(err);
}
