// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * biolatency: block I/O latency as histograms, overall, per disk or per
 * flag set, with percentiles on request.
 */
#include <argp.h>
#include <errno.h>
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
#include "hist.bpf.h"
#include "biolatency.h"
#include "biolatency.skel.h"

static struct {
	bool queued, per_disk, per_flags, percentiles;
	struct bk_disk disk;
	const char *unit;
	int hists_fd, fine_fd;
} opt;

const char argp_program_doc[] =
	"Summarize block I/O latency as histograms: from the request's issue to the\n"
	"driver (with -Q: from its start) to its completion, at the end or every\n"
	"interval.\n"
	"\n"
	"USAGE: biolatency [-Q] [-D] [-F] [--disk DISK] [--percentiles] [-m]\n"
	"                  [-p PID] [-t TID] [-u UID] [-n COMM] [--cgroup PATH]\n"
	"                  [-j] [-d SECONDS] [interval [count]]\n"
	"\n"
	"EXAMPLES:\n"
	"    biolatency                # one histogram until Ctrl-C\n"
	"    biolatency -m 1 10        # in milliseconds, every second, 10 times\n"
	"    biolatency -Q             # include the time queued in the kernel\n"
	"    biolatency -D             # one histogram per disk\n"
	"    biolatency -F             # one per operation and flag set\n"
	"    biolatency --disk sda     # only sda\n"
	"    biolatency --percentiles  # add p50, p90, p99 and p99.9\n"
	"    biolatency -p 181         # only requests process 181 issued\n"
	"    biolatency -j -d 10       # JSON after 10 seconds";

enum { OPT_PERCENTILES = 2000 };

static const struct argp_option options[] = {
	{ "queued", 'Q', NULL, 0, "From the request's start, its time queued in the kernel included", 0 },
	{ "per-disk", 'D', NULL, 0, "One histogram per disk", 0 },
	{ "per-flags", 'F', NULL, 0, "One histogram per operation and flag set", 0 },
	BK_DISK_OPTION,
	{ "percentiles", OPT_PERCENTILES, NULL, 0, "Add p50, p90, p99 and p99.9 (within 3%)", 0 },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'Q':
		opt.queued = true;
		break;
	case 'D':
		opt.per_disk = true;
		break;
	case 'F':
		opt.per_flags = true;
		break;
	case BK_OPT_DISK:
		bk_disk_arg(state, arg, &opt.disk);
		break;
	case OPT_PERCENTILES:
		opt.percentiles = true;
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
	struct bl_key key;
	struct bl_hist h;
};

struct fine_row {
	struct bl_key key;
	__u32 slots[BK_LOGLIN_SLOTS];
};

static const struct {
	const char *name;
	double p;
} pcts[] = { { "p50", 0.5 }, { "p90", 0.9 }, { "p99", 0.99 }, { "p99.9", 0.999 } };

static int by_key(const void *a, const void *b)
{
	const struct bl_key *x = a, *y = b;

	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	return x->cmd_flags < y->cmd_flags ? -1 : x->cmd_flags > y->cmd_flags;
}

static void print_row(const struct row *r, const struct fine_row *f, const char *t)
{
	char rwbs[16], op[32], flags[256], dev[24];
	double unit_ns = bk_env.milliseconds ? 1e6 : 1e3;
	struct bk_json j;

	bk_rq_rwbs(rwbs, sizeof(rwbs), r->key.cmd_flags);
	bk_rq_op(op, sizeof(op), r->key.cmd_flags);
	bk_rq_flags(flags, sizeof(flags), r->key.cmd_flags);
	if (bk_env.json) {
		bk_json_begin(&j, stdout);
		bk_json_str(&j, "time", t, 64);
		if (opt.per_disk) {
			bk_json_str(&j, "disk", bk_disk_name(r->key.dev), BK_DISK_NAME_LEN);
			snprintf(dev, sizeof(dev), "%u:%u", BK_BLOCK_MAJOR(r->key.dev),
				 BK_BLOCK_MINOR(r->key.dev));
			bk_json_str(&j, "dev", dev, sizeof(dev));
		}
		if (opt.per_flags) {
			bk_json_str(&j, "rwbs", rwbs, sizeof(rwbs));
			bk_json_str(&j, "op", op, sizeof(op));
			bk_json_str(&j, "flags", flags, sizeof(flags));
		}
		bk_json_bool(&j, "queued", opt.queued);
		bk_json_str(&j, "unit", opt.unit, 8);
		bk_json_uint(&j, "count", r->h.count);
		bk_json_uint(&j, "total_ns", r->h.total_ns);
		bk_json_uint(&j, "avg_ns", r->h.total_ns / r->h.count);
		bk_json_log2_hist(&j, "hist", r->h.slots, BIOLATENCY_SLOTS);
		if (f) {
			bk_json_object_begin(&j, "percentiles_ns");
			for (size_t i = 0; i < sizeof(pcts) / sizeof(pcts[0]); i++)
				bk_json_uint(&j, pcts[i].name,
					     bk_loglin_percentile(f->slots, BK_LOGLIN_SLOTS, pcts[i].p));
			bk_json_object_end(&j);
		}
		bk_json_end(&j);
		return;
	}
	printf("\n");
	if (opt.per_disk)
		printf("disk = %s%s", bk_disk_name(r->key.dev), opt.per_flags ? ", " : "\n");
	if (opt.per_flags)
		printf("flags = %s (%s%s%s)\n", rwbs, op, flags[0] ? " " : "", flags);
	bk_print_log2_hist(stdout, r->h.slots, BIOLATENCY_SLOTS, opt.unit);
	printf("%llu requests, average %.3f %s", (unsigned long long)r->h.count,
	       r->h.total_ns / (double)r->h.count / unit_ns, opt.unit);
	for (size_t i = 0; f && i < sizeof(pcts) / sizeof(pcts[0]); i++)
		printf("%s %s %.3f", i ? "," : ";", pcts[i].name,
		       bk_loglin_percentile(f->slots, BK_LOGLIN_SLOTS, pcts[i].p) / unit_ns);
	printf("\n");
}

/* One interval: the histograms since the last, taken out of the maps. */
static int print_hists(void *ctx)
{
	struct fine_row *fine = NULL;
	struct row *rows;
	long n, nf = 0;
	char t[64];

	n = bk_map_drain_rows(opt.hists_fd, sizeof(rows->key), sizeof(rows->h),
			      offsetof(struct row, h), sizeof(*rows), BIOLATENCY_MAX_KEYS,
			      (void **)&rows);
	if (n < 0)
		return n;
	if (opt.percentiles) {
		nf = bk_map_drain_rows(opt.fine_fd, sizeof(fine->key), sizeof(fine->slots),
				       offsetof(struct fine_row, slots), sizeof(*fine),
				       BIOLATENCY_MAX_KEYS, (void **)&fine);
		if (nf < 0) {
			free(rows);
			return nf;
		}
	}
	qsort(rows, n, sizeof(*rows), by_key);
	if (bk_env.json) {
		bk_time_iso(t, sizeof(t), bk_now_ns());
	} else if (bk_env.interval_s) {
		bk_time_hms(t, sizeof(t), bk_now_ns());
		printf("\n%s\n", t);
	}
	for (long i = 0; i < n; i++) {
		struct fine_row *f = NULL;

		for (long k = 0; k < nf && !f; k++)
			if (!by_key(&fine[k].key, &rows[i].key))
				f = &fine[k];
		if (rows[i].h.count)
			print_row(&rows[i], f, t);
	}
	free(rows);
	free(fine);
	return 0;
}

int main(int argc, char **argv)
{
	struct biolatency_bpf *skel = NULL;
	struct bk_block_lost lost = {};
	struct bk_loop loop = {};
	int err;

	/* Arguments; the shared letters land in bk_env. */
	bk_parse_args_doc(argc, argv, options, parse_arg, "[interval [count]]", argp_program_doc,
			  BK_OPT_FILTERS | BK_OPT_MILLI | BK_OPT_DURATION | BK_OPT_JSON |
			  BK_OPT_FORCE_PATH);
	opt.unit = bk_env.milliseconds ? "msecs" : "usecs";

	/* Logging, privileges, BTF; then open the BPF object. */
	err = bk_init("biolatency");
	if (err)
		goto cleanup;
	skel = biolatency_bpf__open_opts(bk_open_opts());
	err = bk_opened(skel);
	if (err)
		goto cleanup;

	/* The attach path (requests' starts only for -Q or a task filter), filters, settings. */
	struct bk_block_progs progs = BK_BLOCK_PROGS(skel->progs);
	err = bk_block_choose(&progs, opt.queued, &opt.disk,
			      bk_env.force_path, &skel->rodata->bk_block);
	if (err)
		goto cleanup;
	bk_filter_fill(&skel->rodata->bk_filter);
	skel->rodata->targ_unit_ns = bk_env.milliseconds ? 1000000 : 1000;
	skel->rodata->targ_per_disk = opt.per_disk;
	skel->rodata->targ_per_flags = opt.per_flags;
	skel->rodata->targ_queued = opt.queued;
	skel->rodata->targ_percentiles = opt.percentiles;
	/* The fine slots take 2.4 KB a key: only with --percentiles. */
	if (!opt.percentiles)
		err = bpf_map__set_max_entries(skel->maps.fine, 1);
	if (err)
		goto cleanup;

	/* Load (the verifier runs here) and attach. */
	err = bk_start(skel->skeleton);
	if (err)
		goto cleanup;
	opt.hists_fd = bpf_map__fd(skel->maps.hists);
	opt.fine_fd = bpf_map__fd(skel->maps.fine);

	/* Signals, then the banner. */
	bk_signals();
	if (!bk_env.json)
		printf("Tracing block I/O latency%s... Hit Ctrl-C to end.\n",
		       opt.queued ? " (queued time included)" : "");

	/* Until Ctrl-C, SIGTERM, -d or count intervals; what is left is printed too. */
	bk_summary(&loop, print_hists, NULL);
	bk_block_lost_watch(&loop, &lost, &skel->bss->bk_lost_starts, &skel->bss->bk_block_lost_keys,
			    "the table of histograms");
	err = bk_run(&loop);

cleanup:
	bk_loop_free(&loop);
	biolatency_bpf__destroy(skel);
	return bk_exit(err);
}
