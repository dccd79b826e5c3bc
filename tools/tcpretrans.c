// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * tcpretrans: trace TCP retransmissions (IPv4 and IPv6) with the connection,
 * its state and the kind of retransmit, or count them per connection (-c).
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
#include "core/json.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/maps.h"
#include "core/opts.h"
#include "core/output.h"
#include "core/setup.h"
#include "net/conn.h"
#include "net/netopts.h"
#include "tcpretrans.h"
#include "tcpretrans.skel.h"

#define W_KIND 7
#define W_COUNT 8
#define MAX_ROWS 10240

static struct {
	bool count;
	bool tlp;
} opt;

const char argp_program_doc[] =
	"Trace TCP retransmissions, or count them per connection with -c.\n"
	"\n"
	"USAGE: tcpretrans [-c] [-l] [-4|-6] [--ports LIST] [--lports LIST]\n"
	"                  [--rports LIST] [--netns NS] [-T] [-j] [-d SECONDS]\n"
	"\n"
	"KIND is retrans (a segment or SYN sent again), synack (a SYN-ACK sent again)\n"
	"or tlp (a tail-loss probe, with -l: needs fentry or kprobes).\n"
	"\n"
	"EXAMPLES:\n"
	"    tcpretrans                  # every retransmission\n"
	"    tcpretrans --rports 443     # retransmissions to remote port 443\n"
	"    tcpretrans -c -d 60         # count a minute of them per connection\n"
	"    tcpretrans -l               # tail-loss probes too\n"
	"    tcpretrans -T -j            # JSON lines";

static const struct argp_option options[] = {
	{ "count", 'c', NULL, 0, "Count retransmissions per connection and kind; print at the end", 0 },
	{ "tlp", 'l', NULL, 0, "Show tail-loss probes too (fentry or kprobe on tcp_send_loss_probe)", 0 },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'c':
		opt.count = true;
		break;
	case 'l':
		opt.tlp = true;
		break;
	case ARGP_KEY_END:
		if (opt.count && bk_env.timestamp)
			bk_usage(state, "-T adds a column to events, which -c does not print");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const char *kind_name(int kind)
{
	switch (kind) {
	case RETRANS_SEGMENT:
		return "retrans";
	case RETRANS_SYNACK:
		return "synack";
	case RETRANS_TLP:
		return "tlp";
	}
	return "?";
}

static void print_header(void)
{
	if (bk_env.json || opt.count)
		return;
	bk_print_prefix_header();
	printf("IP %-*s %-*s %-*s %s\n", BK_W_ENDPOINT, "LADDR:LPORT", BK_W_ENDPOINT, "RADDR:RPORT",
	       BK_W_STATE, "STATE", "KIND");
}

static int handle_event(void *ctx, void *data, size_t size)
{
	const struct retrans_event *e = data;
	char local[BK_INET_ENDPOINT_LEN], remote[BK_INET_ENDPOINT_LEN], t[48];
	struct bk_json j;

	if (bk_env.json) {
		bk_time_iso(t, sizeof(t), e->ts_ns);
		bk_json_begin(&j, stdout);
		bk_json_str(&j, "time", t, sizeof(t));
		bk_json_conn(&j, &e->conn);
		bk_json_str(&j, "state", bk_tcp_state(e->state), (size_t)-1);
		bk_json_str(&j, "kind", kind_name(e->kind), (size_t)-1);
		bk_json_end(&j);
		return 0;
	}
	bk_conn_endpoints(&e->conn, local, remote);
	bk_print_prefix(e->ts_ns, 0);
	printf("%-2d %-*s %-*s %-*s %s\n", bk_inet_version(e->conn.family), BK_W_ENDPOINT, local,
	       BK_W_ENDPOINT, remote, BK_W_STATE, bk_tcp_state(e->state), kind_name(e->kind));
	return 0;
}

struct row {
	struct retrans_key key;
	__u64 n;
};

static int by_count(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->n != y->n)
		return x->n < y->n ? 1 : -1;
	return (int)x->key.conn.lport - (int)y->key.conn.lport;
}

/* -c: the counts, most retransmissions first. */
static int print_counts(int fd)
{
	char local[BK_INET_ENDPOINT_LEN], remote[BK_INET_ENDPOINT_LEN];
	struct row *rows;
	struct bk_json j;
	long n;

	n = bk_map_drain_rows(fd, sizeof(rows->key), sizeof(rows->n), offsetof(struct row, n),
			      sizeof(*rows), MAX_ROWS, (void **)&rows);
	if (n < 0)
		return n;
	qsort(rows, n, sizeof(*rows), by_count);
	if (!bk_env.json)
		printf("IP %-*s %-*s %-*s %*s\n", BK_W_ENDPOINT, "LADDR:LPORT", BK_W_ENDPOINT,
		       "RADDR:RPORT", W_KIND, "KIND", W_COUNT, "COUNT");
	for (long i = 0; i < n; i++) {
		const struct retrans_key *k = &rows[i].key;

		if (bk_env.json) {
			bk_json_begin(&j, stdout);
			bk_json_conn(&j, &k->conn);
			bk_json_str(&j, "kind", kind_name(k->kind), (size_t)-1);
			bk_json_uint(&j, "count", rows[i].n);
			bk_json_end(&j);
			continue;
		}
		bk_conn_endpoints(&k->conn, local, remote);
		printf("%-2d %-*s %-*s %-*s %*llu\n", bk_inet_version(k->conn.family), BK_W_ENDPOINT,
		       local, BK_W_ENDPOINT, remote, W_KIND, kind_name(k->kind), W_COUNT,
		       (unsigned long long)rows[i].n);
	}
	free(rows);
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	struct bk_loop loop = {};
	struct tcpretrans_bpf *skel = NULL;
	int err;

	/* Arguments; the shared letters land in bk_env, the network filters in bk_net. */
	bk_net_parse_args(argc, argv, options, parse_arg, NULL, argp_program_doc,
			  BK_OPT_TIMESTAMP | BK_OPT_DURATION | BK_OPT_JSON | BK_OPT_FORCE_PATH,
			  BK_NET_ALL);

	/* Logging, privileges, BTF. */
	err = bk_init("tcpretrans");
	if (err)
		goto cleanup;

	/* Open the BPF object. */
	skel = tcpretrans_bpf__open_opts(bk_open_opts());
	err = bk_opened(skel);
	if (err)
		goto cleanup;

	/* Filters and settings go to .rodata before load. */
	bk_net_filter_fill(&skel->rodata->bk_net_filter);
	skel->rodata->targ_count = opt.count;
	skel->rodata->targ_tlp = opt.tlp;
	/* Retransmissions are rare next to packets: 64 KB holds 1,300 of them. */
	err = bk_events_size(skel->maps.events, &skel->rodata->bk_wakeup,
			     opt.count ? 4096 : 64 << 10);
	if (err)
		goto cleanup;

	/*
	 * The attach path: the retransmit tracepoints; with -l also fentry, else
	 * a kprobe, on tcp_send_loss_probe, which has no tracepoint.
	 */
	struct bk_variant plain[] = {
		{ "tracepoint",
		  { skel->progs.handle_retransmit, skel->progs.handle_retransmit_synack } },
	};
	struct bk_variant tlp[] = {
		{ "fentry",
		  { skel->progs.handle_retransmit, skel->progs.handle_retransmit_synack,
		    skel->progs.handle_tlp_fentry, skel->progs.handle_tlp_fexit } },
		{ "kprobe",
		  { skel->progs.handle_retransmit, skel->progs.handle_retransmit_synack,
		    skel->progs.handle_tlp_kprobe, skel->progs.handle_tlp_exit_kprobe } },
	};
	if (opt.tlp) {
		err = bk_choose(tlp, 2, bk_env.force_path);
		if (err == -ENOENT && !bk_env.force_path)
			bk_set_error("tail-loss probes (-l) need fentry or a kprobe on "
				     "tcp_send_loss_probe, and this kernel allows neither: run "
				     "without -l for the other retransmissions");
	} else {
		err = bk_choose(plain, 1, bk_env.force_path);
		for (int i = 0; i < 4; i++)
			bpf_program__set_autoload(tlp[i / 2].progs[2 + i % 2], false);
	}
	if (err < 0)
		goto cleanup;

	/* Load (the verifier runs here), fill the port lists, attach. */
	err = bk_net_start(skel->skeleton, skel->maps.bk_net_ports);
	if (err)
		goto cleanup;

	/* Events, signals, then the header. */
	err = bk_events(&loop, skel->maps.events, handle_event, NULL, &skel->bss->bk_drops);
	if (err)
		goto cleanup;
	loop.lost_starts = &skel->bss->bk_lost_starts;
	loop.lost_what = "tail-loss probes may show their retransmission twice";
	bk_signals();
	print_header();

	/* Until Ctrl-C, SIGTERM or -d; -c prints its table then. */
	err = bk_run(&loop);
	if (!err && opt.count)
		err = print_counts(bpf_map__fd(skel->maps.counts));

cleanup:
	bk_loop_free(&loop);
	tcpretrans_bpf__destroy(skel);
	return bk_exit(err);
}
