// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * tcprtt: histograms of TCP's smoothed round-trip time (IPv4 and IPv6),
 * overall or per local/remote address or port, every interval.
 */
#include <argp.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
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
#include "tcprtt.h"
#include "tcprtt.skel.h"

static const char *by_names[] = { "none", "laddr", "raddr", "lport", "rport" };

static struct {
	int by;
	int fd;
	const char *unit;
} opt = { .unit = "usecs" };

const char argp_program_doc[] =
	"Summarize TCP's smoothed round-trip time as histograms.\n"
	"\n"
	"USAGE: tcprtt [--by laddr|raddr|lport|rport] [-m] [-4|-6] [--ports LIST]\n"
	"              [--lports LIST] [--rports LIST] [--netns NS] [-j] [-d SECONDS]\n"
	"              [interval [count]]\n"
	"\n"
	"EXAMPLES:\n"
	"    tcprtt                      # one histogram, printed at Ctrl-C\n"
	"    tcprtt 1 10                 # every second, ten times\n"
	"    tcprtt --by raddr -m 5      # per remote address, in ms, every 5 s\n"
	"    tcprtt --lports 443 -d 30   # sockets on local port 443, for 30 s\n"
	"    tcprtt -j --by rport 10     # JSON every 10 s, per remote port";

enum { OPT_BY = 2000 };

static const struct argp_option options[] = {
	{ "by", OPT_BY, "KEY", 0, "One histogram per laddr, raddr, lport or rport", 0 },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case OPT_BY:
		for (opt.by = 4; opt.by > 0 && strcmp(arg, by_names[opt.by]); opt.by--)
			;
		if (!opt.by)
			bk_usage(state, "invalid --by '%s': want laddr, raddr, lport or rport", arg);
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
	struct rtt_key key;
	struct rtt_hist h;
};

static int by_key(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->h.count != y->h.count)
		return x->h.count < y->h.count ? 1 : -1;
	return memcmp(&x->key, &y->key, sizeof(x->key));
}

static void key_str(const struct rtt_key *k, char *buf, size_t len)
{
	if (opt.by == TCPRTT_BY_LPORT || opt.by == TCPRTT_BY_RPORT)
		snprintf(buf, len, "%u", k->port);
	else if (bk_inet_addr(buf, len, k->family, k->addr))
		snprintf(buf, len, "?");
}

static void print_row(const struct row *r, const char *t)
{
	char key[BK_INET_ADDR_LEN] = "";
	struct bk_json j;

	key_str(&r->key, key, sizeof(key));
	if (bk_env.json) {
		bk_json_begin(&j, stdout);
		bk_json_str(&j, "time", t, 64);
		if (opt.by == TCPRTT_BY_LPORT || opt.by == TCPRTT_BY_RPORT)
			bk_json_uint(&j, by_names[opt.by], r->key.port);
		else if (opt.by)
			bk_json_str(&j, by_names[opt.by], key, sizeof(key));
		bk_json_str(&j, "unit", opt.unit, 8);
		bk_json_uint(&j, "count", r->h.count);
		bk_json_uint(&j, "total_ns", r->h.total_ns);
		bk_json_uint(&j, "avg_ns", r->h.total_ns / r->h.count);
		bk_json_log2_hist(&j, "hist", r->h.slots, TCPRTT_SLOTS);
		bk_json_end(&j);
		return;
	}
	if (opt.by)
		printf("\n%s = %s", by_names[opt.by], key);
	printf("%s%llu samples, average %.3f %s\n", opt.by ? ": " : "\n",
	       (unsigned long long)r->h.count,
	       r->h.total_ns / (double)r->h.count / (bk_env.milliseconds ? 1e6 : 1e3), opt.unit);
	bk_print_log2_hist(stdout, r->h.slots, TCPRTT_SLOTS, opt.unit);
}

/* One interval: the histograms since the last, taken out of the map. */
static int print_hists(void *ctx)
{
	struct row *rows;
	char t[64];
	long n;

	n = bk_map_drain_rows(opt.fd, sizeof(rows->key), sizeof(rows->h), offsetof(struct row, h),
			      sizeof(*rows), TCPRTT_MAX_KEYS, (void **)&rows);
	if (n < 0)
		return n;
	qsort(rows, n, sizeof(*rows), by_key);
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

/* Whether tcp:tcp_probe's record names its socket (for --netns). */
static bool probe_has_socket(void)
{
	const char *paths[] = { "/sys/kernel/tracing/events/tcp/tcp_probe/format",
				"/sys/kernel/debug/tracing/events/tcp/tcp_probe/format" };
	char line[256];
	bool found = false;

	for (int i = 0; i < 2 && !found; i++) {
		FILE *f = fopen(paths[i], "r");

		while (f && !found && fgets(line, sizeof(line), f))
			found = strstr(line, " skaddr;") != NULL;
		if (f)
			fclose(f);
	}
	return found;
}

int main(int argc, char **argv)
{
	struct bk_loop loop = {};
	struct tcprtt_bpf *skel = NULL;
	int err, first = 0;

	/* Arguments; the shared letters land in bk_env, the network filters in bk_net. */
	bk_net_parse_args(argc, argv, options, parse_arg, "[interval [count]]", argp_program_doc,
			  BK_OPT_DURATION | BK_OPT_MILLI | BK_OPT_JSON | BK_OPT_FORCE_PATH, BK_NET_ALL);
	if (bk_env.milliseconds)
		opt.unit = "msecs";

	/* Logging, privileges, BTF. */
	err = bk_init("tcprtt");
	if (err)
		goto cleanup;

	/* Open the BPF object. */
	skel = tcprtt_bpf__open_opts(bk_open_opts());
	err = bk_opened(skel);
	if (err)
		goto cleanup;

	/* Filters and settings go to .rodata before load. */
	bk_net_filter_fill(&skel->rodata->bk_net_filter);
	skel->rodata->targ_by = opt.by;
	skel->rodata->targ_ms = bk_env.milliseconds;

	/*
	 * The attach path: the tcp_probe tracepoint (not for --netns where its
	 * record lacks the socket), else fentry, else a kprobe.
	 */
	struct bk_variant variants[] = {
		{ "tracepoint", { skel->progs.handle_probe } },
		{ "fentry", { skel->progs.handle_probe_fentry } },
		{ "kprobe", { skel->progs.handle_probe_kprobe } },
	};
	if (bk_net.netns && !probe_has_socket() && !bk_env.force_path) {
		bk_info(1, "tracepoint path not used: this kernel's tcp_probe record has no "
			   "socket, which --netns needs");
		bpf_program__set_autoload(skel->progs.handle_probe, false);
		first = 1;
	}
	err = bk_choose(variants + first, 3 - first, bk_env.force_path);
	if (err < 0)
		goto cleanup;

	/* Load (the verifier runs here), fill the port lists, attach. */
	err = bk_net_start(skel->skeleton, skel->maps.bk_net_ports);
	if (err)
		goto cleanup;
	opt.fd = bpf_map__fd(skel->maps.hists);

	/* Signals; there are no events, the map is read at every interval. */
	bk_signals();
	if (!bk_env.json && !bk_env.interval_s)
		printf("Tracing TCP RTT... Hit Ctrl-C to end.\n");

	/* Until Ctrl-C, SIGTERM, -d or count intervals; the last one at the end. */
	loop.drops = &skel->bss->hist_drops;
	loop.drop_what = "RTT samples (no room for another histogram)";
	bk_summary(&loop, print_hists, NULL);
	err = bk_run(&loop);

cleanup:
	tcprtt_bpf__destroy(skel);
	return bk_exit(err);
}
