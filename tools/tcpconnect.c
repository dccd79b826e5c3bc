// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * tcpconnect: trace active TCP connects (connect() on TCP sockets), IPv4 and
 * IPv6, or count them per source, destination and port with -c.
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "core/attach.h"
#include "net/inet.h"
#include "net/netopts.h"
#include "core/json.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/opts.h"
#include "core/output.h"
#include "core/setup.h"
#include "tcpconnect.h"
#include "tcpconnect.skel.h"

/* Wide enough for any IPv4 address; IPv6 addresses may push the line. */
#define W_ADDR 16
#define W_PORT 5
#define W_COUNT 8

static struct {
	bool count;
	long max_rows;
	__u16 ports[TCPCONNECT_MAX_PORTS];
	int nports;
} opt = { .max_rows = TCPCONNECT_DEFAULT_ROWS };

const char argp_program_doc[] =
	"Trace active TCP connects (IPv4 and IPv6).\n"
	"\n"
	"USAGE: tcpconnect [-p PID] [-t TID] [-u UID] [-n COMM] [--ports LIST]\n"
	"                  [-c [--max-rows N]] [-T] [-U] [-j] [-d SECONDS]\n"
	"\n"
	"EXAMPLES:\n"
	"    tcpconnect                  # trace all TCP connects\n"
	"    tcpconnect -p 181           # only process 181\n"
	"    tcpconnect -n curl          # only processes called curl\n"
	"    tcpconnect --ports 80,443   # only connects to ports 80 and 443\n"
	"    tcpconnect -c -d 10         # count connects per address and port for 10 s\n"
	"    tcpconnect -T -U            # add time and UID columns\n"
	"    tcpconnect -j               # JSON lines";

enum { OPT_PORTS = 2000, OPT_MAX_ROWS };

static const struct argp_option options[] = {
	{ "count", 'c', NULL, 0, "Count connects per (source, destination, port); print at the end", 0 },
	{ "max-rows", OPT_MAX_ROWS, "N", 0,
	  "With -c, count at most N rows (default 65536); connects to more are counted apart", 0 },
	{ "ports", OPT_PORTS, "LIST", 0, "Only these destination ports (comma-separated)", 0 },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'c':
		opt.count = true;
		break;
	case OPT_MAX_ROWS:
		if (bk_parse_long(arg, 1, 1 << 24, &opt.max_rows))
			bk_usage(state, "invalid --max-rows '%s': want 1 to %d", arg, 1 << 24);
		break;
	case OPT_PORTS:
		if (bk_parse_ports(arg, opt.ports, TCPCONNECT_MAX_PORTS, &opt.nports))
			bk_usage(state, "invalid --ports '%s': want up to %d ports of 1-65535, "
				 "separated by commas", arg, TCPCONNECT_MAX_PORTS);
		break;
	case ARGP_KEY_END:
		if (opt.count && (bk_env.timestamp || bk_env.uid_column))
			bk_usage(state, "-T and -U add columns to events, which -c does not print");
		if (!opt.count && opt.max_rows != TCPCONNECT_DEFAULT_ROWS)
			bk_usage(state, "--max-rows sizes the table of -c");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static void print_header(void)
{
	if (bk_env.json || opt.count)
		return;
	bk_print_prefix_header();
	printf("%-*s %-*s IP %-*s %-*s %*s\n", BK_W_PID, "PID", BK_W_COMM, "COMM", W_ADDR, "SADDR",
	       W_ADDR, "DADDR", W_PORT, "DPORT");
}

static int handle_event(void *ctx, void *data, size_t size)
{
	const struct connect_event *e = data;
	char comm[4 * 16], saddr[BK_INET_ADDR_LEN] = "?", daddr[BK_INET_ADDR_LEN] = "?";
	struct bk_json j;

	bk_inet_addr(saddr, sizeof(saddr), e->family, e->saddr);
	bk_inet_addr(daddr, sizeof(daddr), e->family, e->daddr);
	if (bk_env.json) {
		bk_json_event(&j, stdout, e->ts_ns, e->tgid, e->tid, e->uid, e->comm);
		bk_json_int(&j, "ip", bk_inet_version(e->family));
		bk_json_str(&j, "saddr", saddr, sizeof(saddr));
		bk_json_str(&j, "daddr", daddr, sizeof(daddr));
		bk_json_uint(&j, "dport", e->dport);
		bk_json_end(&j);
		return 0;
	}
	bk_escape(comm, sizeof(comm), e->comm, sizeof(e->comm));
	bk_print_prefix(e->ts_ns, e->uid);
	printf("%-*u %-*s %-2d %-*s %-*s %*u\n", BK_W_PID, e->tgid, BK_W_COMM, comm,
	       bk_inet_version(e->family), W_ADDR, saddr, W_ADDR, daddr, W_PORT, e->dport);
	return 0;
}

struct counted {
	struct connect_key key;
	__u64 n;
};

static int by_count(const void *a, const void *b)
{
	const struct counted *x = a, *y = b;

	return x->n < y->n ? 1 : x->n > y->n ? -1 : (int)x->key.dport - (int)y->key.dport;
}

/*
 * -c: the counts map, most connects first, then what did not fit: a footer
 * line (columns) or a last object (JSON) with the rows and the connects
 * that were not counted because the table was full.
 */
static int print_counts(struct bpf_map *counts, __u64 misses)
{
	int fd = bpf_map__fd(counts), cap = bpf_map__max_entries(counts), n = 0;
	struct connect_key key, *prev = NULL;
	char saddr[BK_INET_ADDR_LEN], daddr[BK_INET_ADDR_LEN];
	struct counted *rows = calloc(cap, sizeof(*rows));
	struct bk_json j;

	if (!rows)
		return -ENOMEM;
	while (n < cap && !bpf_map_get_next_key(fd, prev, &key)) {
		rows[n].key = key;
		if (!bpf_map_lookup_elem(fd, &key, &rows[n].n))
			n++;
		prev = &key;
	}
	qsort(rows, n, sizeof(*rows), by_count);
	if (!bk_env.json)
		printf("IP %-*s %-*s %*s %*s\n", W_ADDR, "SADDR", W_ADDR, "DADDR", W_PORT, "DPORT",
		       W_COUNT, "CONNECTS");
	for (int i = 0; i < n; i++) {
		const struct connect_key *k = &rows[i].key;

		if (bk_inet_addr(saddr, sizeof(saddr), k->family, k->saddr))
			strcpy(saddr, "?");
		if (bk_inet_addr(daddr, sizeof(daddr), k->family, k->daddr))
			strcpy(daddr, "?");
		if (bk_env.json) {
			bk_json_begin(&j, stdout);
			bk_json_int(&j, "ip", bk_inet_version(k->family));
			bk_json_str(&j, "saddr", saddr, sizeof(saddr));
			bk_json_str(&j, "daddr", daddr, sizeof(daddr));
			bk_json_uint(&j, "dport", k->dport);
			bk_json_uint(&j, "connects", rows[i].n);
			bk_json_end(&j);
		} else {
			printf("%-2d %-*s %-*s %*u %*llu\n", bk_inet_version(k->family), W_ADDR,
			       saddr, W_ADDR, daddr, W_PORT, k->dport, W_COUNT,
			       (unsigned long long)rows[i].n);
		}
	}
	if (bk_env.json) {
		bk_json_begin(&j, stdout);
		bk_json_uint(&j, "rows", n);
		bk_json_uint(&j, "max_rows", cap);
		bk_json_uint(&j, "not_counted", misses);
		bk_json_end(&j);
	} else if (misses) {
		printf("# %llu more connects not counted: the table of %d rows was full "
		       "(--max-rows)\n", (unsigned long long)misses, cap);
	}
	if (misses)
		bk_warn("%llu connects were not counted: the table of %d rows was full; "
			"--max-rows makes it bigger", (unsigned long long)misses, cap);
	free(rows);
	fflush(stdout);
	return 0;
}

/* --ports: the map the BPF side looks destination ports up in. */
static int fill_ports(struct bpf_map *ports)
{
	__u8 one = 1;

	for (int i = 0; i < opt.nports; i++) {
		if (bpf_map__update_elem(ports, &opt.ports[i], sizeof(opt.ports[i]), &one,
					 sizeof(one), BPF_ANY)) {
			bk_set_error("cannot fill the ports map: %s", strerror(errno));
			return -errno;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct bk_loop loop = {};
	struct tcpconnect_bpf *skel = NULL;
	int err;

	/* Arguments; the shared letters land in bk_env. */
	bk_parse_args(argc, argv, options, parse_arg, argp_program_doc,
		      BK_OPT_FILTERS | BK_OPT_TIMESTAMP | BK_OPT_UIDCOL | BK_OPT_DURATION |
		      BK_OPT_JSON | BK_OPT_FORCE_PATH);

	/* Logging, privileges, BTF. */
	err = bk_init("tcpconnect");
	if (err)
		goto cleanup;

	/* Open the BPF object. */
	skel = tcpconnect_bpf__open_opts(bk_open_opts());
	err = bk_opened(skel);
	if (err)
		goto cleanup;

	/* Filters and settings go to .rodata before load. */
	bk_filter_fill(&skel->rodata->bk_filter);
	skel->rodata->targ_count = opt.count;
	skel->rodata->targ_ports = opt.nports > 0;
	err = bpf_map__set_max_entries(skel->maps.counts, opt.count ? opt.max_rows : 1);
	if (err) {
		bk_set_error("cannot size the table of counts: %s", strerror(-err));
		goto cleanup;
	}
	err = bk_events_size(skel->maps.events, &skel->rodata->bk_wakeup,
			     opt.count ? 4096 : 256 << 10);
	if (err)
		goto cleanup;

	/* The attach path: the state-change tracepoint, else fexit, else kprobes. */
	struct bk_variant variants[] = {
		{ "tracepoint", { skel->progs.handle_connect } },
		{ "fentry", { skel->progs.handle_connect_fexit, skel->progs.handle_connect_v6_fexit } },
		{ "kprobe",
		  { skel->progs.handle_connect_kprobe, skel->progs.handle_connect_exit_kprobe,
		    skel->progs.handle_connect_v6_kprobe, skel->progs.handle_connect_v6_exit_kprobe } },
	};
	err = bk_choose(variants, 3, bk_env.force_path);
	if (err < 0)
		goto cleanup;

	/* Load (the verifier runs here), fill --ports, attach. */
	err = bk_load(skel->skeleton);
	if (err)
		goto cleanup;
	err = fill_ports(skel->maps.ports);
	if (err)
		goto cleanup;
	err = bk_attach(skel->skeleton);
	if (err)
		goto cleanup;

	/* Events, signals, then the header. */
	err = bk_events(&loop, skel->maps.events, handle_event, NULL, &skel->bss->bk_drops);
	if (err)
		goto cleanup;
	loop.lost_starts = &skel->bss->bk_lost_starts;
	loop.lost_what = "connects were not shown";
	bk_signals();
	print_header();

	/* Until Ctrl-C, SIGTERM or -d; -c prints its table then. */
	err = bk_run(&loop);
	if (!err && opt.count)
		err = print_counts(skel->maps.counts, skel->bss->count_misses);

cleanup:
	bk_loop_free(&loop);
	tcpconnect_bpf__destroy(skel);
	return bk_exit(err);
}
