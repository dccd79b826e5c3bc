// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * bitesize: block I/O request sizes as histograms, per issuing command or
 * process.
 */
#include <argp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "block/block.h"
#include "core/hist.h"
#include "core/json.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/maps.h"
#include "core/opts.h"
#include "core/output.h"
#include "core/setup.h"
#include "bitesize.h"
#include "bitesize.skel.h"

static struct {
	struct bk_disk disk;
	int hists_fd;
} opt;

const char argp_program_doc[] =
	"Summarize block I/O request sizes as histograms, one per command that issued\n"
	"them (per process with -P), at the end or every interval.\n"
	"\n"
	"USAGE: bitesize [-P] [--disk DISK] [-p PID] [-t TID] [-u UID] [-n COMM]\n"
	"                [--cgroup PATH] [-j] [-d SECONDS] [interval [count]]\n"
	"\n"
	"EXAMPLES:\n"
	"    bitesize                  # per command, until Ctrl-C\n"
	"    bitesize -P 5 1           # per process, after five seconds\n"
	"    bitesize --disk nvme0n1   # only one disk\n"
	"    bitesize -n postgres      # only the postgres processes' requests\n"
	"    bitesize -j -d 10         # JSON after 10 seconds";

static const struct argp_option options[] = {
	BK_DISK_OPTION,
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case BK_OPT_DISK:
		bk_disk_arg(state, arg, &opt.disk);
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
	struct bs_key key;
	struct bs_hist h;
};

/* By command name, then process; unknown issuers last. */
static int by_key(const void *a, const void *b)
{
	const struct bs_key *x = a, *y = b;
	int c;

	if (x->known != y->known)
		return x->known ? -1 : 1;
	c = strncmp(x->comm, y->comm, sizeof(x->comm));
	if (c)
		return c;
	return x->tgid < y->tgid ? -1 : x->tgid > y->tgid;
}

static void print_row(const struct row *r, const char *t)
{
	char comm[4 * 16];
	struct bk_json j;

	if (bk_env.json) {
		bk_json_begin(&j, stdout);
		bk_json_str(&j, "time", t, 64);
		if (r->key.known)
			bk_json_str(&j, "comm", r->key.comm, sizeof(r->key.comm));
		else
			bk_json_null(&j, "comm");
		if (bk_env.per_process && r->key.known)
			bk_json_uint(&j, "pid", r->key.tgid);
		else if (bk_env.per_process)
			bk_json_null(&j, "pid");
		bk_json_str(&j, "unit", "kbytes", 8);
		bk_json_uint(&j, "count", r->h.count);
		bk_json_uint(&j, "total_bytes", r->h.total_bytes);
		bk_json_uint(&j, "avg_bytes", r->h.total_bytes / r->h.count);
		bk_json_log2_hist(&j, "hist", r->h.slots, BITESIZE_SLOTS);
		bk_json_end(&j);
		return;
	}
	if (r->key.known)
		bk_escape(comm, sizeof(comm), r->key.comm, sizeof(r->key.comm));
	else
		snprintf(comm, sizeof(comm), "? (issuer not known)");
	printf("\ncomm = %s", comm);
	if (bk_env.per_process && r->key.known)
		printf(", pid = %u", r->key.tgid);
	printf("\n");
	bk_print_log2_hist(stdout, r->h.slots, BITESIZE_SLOTS, "kbytes");
	printf("%llu requests, average %.1f KiB\n", (unsigned long long)r->h.count,
	       r->h.total_bytes / (double)r->h.count / 1024);
}

/* One interval: the histograms since the last, taken out of the map. */
static int print_hists(void *ctx)
{
	struct row *rows;
	char t[64];
	long n;

	n = bk_map_drain_rows(opt.hists_fd, sizeof(rows->key), sizeof(rows->h),
			      offsetof(struct row, h), sizeof(*rows), BITESIZE_MAX_KEYS,
			      (void **)&rows);
	if (n < 0)
		return n;
	qsort(rows, n, sizeof(*rows), by_key);
	if (bk_env.json) {
		bk_time_iso(t, sizeof(t), bk_now_ns());
	} else if (bk_env.interval_s) {
		bk_time_hms(t, sizeof(t), bk_now_ns());
		printf("\n%s\n", t);
	}
	for (long i = 0; i < n; i++)
		if (rows[i].h.count)
			print_row(&rows[i], t);
	free(rows);
	return 0;
}

int main(int argc, char **argv)
{
	struct bitesize_bpf *skel = NULL;
	struct bk_block_lost lost = {};
	struct bk_loop loop = {};
	int err;

	/* Arguments; the shared letters land in bk_env. */
	bk_parse_args_doc(argc, argv, options, parse_arg, "[interval [count]]", argp_program_doc,
			  BK_OPT_FILTERS | BK_OPT_PERPROC | BK_OPT_DURATION | BK_OPT_JSON |
			  BK_OPT_FORCE_PATH);

	/* Logging, privileges, BTF; then open the BPF object. */
	err = bk_init("bitesize");
	if (err)
		goto cleanup;
	skel = bitesize_bpf__open_opts(bk_open_opts());
	err = bk_opened(skel);
	if (err)
		goto cleanup;

	/* The attach path (with the requests' issuers), filters, settings. */
	struct bk_block_progs progs = BK_BLOCK_PROGS(skel->progs);
	err = bk_block_choose(&progs, true, &opt.disk, bk_env.force_path, &skel->rodata->bk_block);
	if (err)
		goto cleanup;
	bk_filter_fill(&skel->rodata->bk_filter);
	skel->rodata->targ_per_process = bk_env.per_process;

	/* Load (the verifier runs here) and attach. */
	err = bk_start(skel->skeleton);
	if (err)
		goto cleanup;
	opt.hists_fd = bpf_map__fd(skel->maps.hists);

	/* Signals, then the banner. */
	bk_signals();
	if (!bk_env.json)
		printf("Tracing block I/O request sizes... Hit Ctrl-C to end.\n");

	/* Until Ctrl-C, SIGTERM, -d or count intervals; what is left is printed too. */
	bk_summary(&loop, print_hists, NULL);
	bk_block_lost_watch(&loop, &lost, &skel->bss->bk_lost_starts, &skel->bss->bk_block_lost_keys,
			    "the table of histograms");
	err = bk_run(&loop);

cleanup:
	bk_loop_free(&loop);
	bitesize_bpf__destroy(skel);
	return bk_exit(err);
}
