// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * tcptop: TCP throughput per connection and process, refreshed top-style.
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "core/attach.h"
#include "net/inet.h"
#include "core/json.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/maps.h"
#include "core/opts.h"
#include "core/output.h"
#include "core/setup.h"
#include "tcptop.h"
#include "tcptop.skel.h"

/* Widths that keep a row of IPv4 endpoints within 80 columns. */
#define W_COMM 15
#define W_ENDPOINT 21
#define W_KB 5

enum sort_by { SORT_ALL, SORT_RX, SORT_TX };

static struct {
	bool no_clear;
	enum sort_by sort;
	long rows;
	int fd;			/* of the flows map */
	long printed;		/* refreshes printed, for the blank line between them */
	bool clear;		/* clear the screen before each refresh */
} opt = { .rows = 20 };

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
	{ "no-clear", 'C', NULL, 0, "Do not clear the screen between refreshes", 0 },
	{ "sort", 'S', "FIELD", 0, "Sort by rx, tx or all (received plus sent; the default)", 0 },
	{ "rows", 'r', "ROWS", 0, "Show at most ROWS connections per refresh (default 20)", 0 },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'C':
		opt.no_clear = true;
		break;
	case 'S':
		if (!strcmp(arg, "all"))
			opt.sort = SORT_ALL;
		else if (!strcmp(arg, "rx"))
			opt.sort = SORT_RX;
		else if (!strcmp(arg, "tx"))
			opt.sort = SORT_TX;
		else
			bk_usage(state, "invalid --sort '%s': want rx, tx or all", arg);
		break;
	case 'r':
		if (bk_parse_long(arg, 1, TCPTOP_MAX_FLOWS, &opt.rows))
			bk_usage(state, "invalid --rows '%s': want 1 to %d", arg, TCPTOP_MAX_FLOWS);
		break;
	case ARGP_KEY_ARG:
		bk_parse_interval_arg(state, arg);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

struct row {
	struct flow_key key;
	struct flow f;
};

static __u64 sort_value(const struct row *r)
{
	switch (opt.sort) {
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

/* Takes every entry out of the map: what arrives meanwhile goes to the next refresh. */
static long take_flows(struct row **out)
{
	static struct flow_key keys[TCPTOP_MAX_FLOWS];
	static struct flow flows[TCPTOP_MAX_FLOWS];
	struct row *rows;
	long n;

	n = bk_map_drain(opt.fd, sizeof(keys[0]), sizeof(flows[0]), keys, flows, TCPTOP_MAX_FLOWS);
	if (n < 0)
		return n;
	rows = calloc(n ? n : 1, sizeof(*rows));
	if (!rows) {
		bk_set_error("out of memory for %ld connections", n);
		return -ENOMEM;
	}
	for (long i = 0; i < n; i++)
		rows[i] = (struct row){ keys[i], flows[i] };
	*out = rows;
	return n;
}

static void print_row(const struct row *r, const char *t)
{
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

/* One refresh: the connections of the last interval, most bytes first. */
static int refresh(void *ctx)
{
	struct row *rows;
	char t[40];
	long n = take_flows(&rows);

	if (n < 0)
		return n;
	qsort(rows, n, sizeof(*rows), by_bytes);
	if (bk_env.json) {
		bk_time_iso(t, sizeof(t), bk_now_ns());
	} else {
		if (opt.clear)
			printf("\033[H\033[2J");
		else if (opt.printed)
			printf("\n");
		bk_time_hms(t, sizeof(t), bk_now_ns());
		printf("%s  %ld connection%s\n", t, n, n == 1 ? "" : "s");
		printf("%-*s %-*s %-*s %-*s %*s %*s\n", BK_W_PID, "PID", W_COMM, "COMM", W_ENDPOINT,
		       "LADDR", W_ENDPOINT, "RADDR", W_KB, "RX_KB", W_KB, "TX_KB");
	}
	for (int i = 0; i < n && i < opt.rows; i++)
		print_row(&rows[i], t);
	free(rows);
	opt.printed++;
	return 0;
}

int main(int argc, char **argv)
{
	struct bk_loop loop = {};
	struct tcptop_bpf *skel = NULL;
	int err;

	/* Arguments; the shared letters land in bk_env. */
	bk_parse_args_doc(argc, argv, options, parse_arg, "[interval [count]]", argp_program_doc,
			  BK_OPT_PID | BK_OPT_UID | BK_OPT_COMM | BK_OPT_CGROUP | BK_OPT_JSON |
			  BK_OPT_DURATION | BK_OPT_FORCE_PATH);
	if (bk_env.interval_s == 0)
		bk_env.interval_s = 1;
	/* Clearing only makes sense on a terminal. */
	opt.clear = !opt.no_clear && !bk_env.json && isatty(STDOUT_FILENO);

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
	opt.fd = bpf_map__fd(skel->maps.flows);

	/* Signals; there are no events, the map is read at every refresh. */
	bk_signals();

	/* Until Ctrl-C, SIGTERM, -d or count refreshes. */
	loop.drops = &skel->bss->flow_drops;
	loop.drop_what = "connections";
	loop.lost_starts = &skel->bss->bk_lost_starts;
	loop.lost_what = "sends were not counted";
	bk_summary(&loop, refresh, NULL);
	err = bk_run(&loop);

cleanup:
	tcptop_bpf__destroy(skel);
	return bk_exit(err);
}
