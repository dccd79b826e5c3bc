// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * biopattern: the share of random and sequential block I/O per disk.
 */
#include <argp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "block/block.h"
#include "core/attach.h"
#include "core/json.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/maps.h"
#include "core/opts.h"
#include "core/output.h"
#include "core/setup.h"
#include "biopattern.h"
#include "biopattern.skel.h"

static struct {
	struct bk_disk disk;
	int counts_fd;
} opt;

const char argp_program_doc[] =
	"Show the share of random and sequential block I/O per disk: a request is\n"
	"sequential when it starts where the disk's previous one ended. At the end or\n"
	"every interval.\n"
	"\n"
	"USAGE: biopattern [--disk DISK] [-j] [-d SECONDS] [interval [count]]\n"
	"\n"
	"EXAMPLES:\n"
	"    biopattern                # every disk, until Ctrl-C\n"
	"    biopattern 1 10           # every second, ten times\n"
	"    biopattern --disk sda 5   # only sda, every five seconds\n"
	"    biopattern -j -d 10       # JSON after 10 seconds";

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
	__u32 dev;
	__u32 pad;
	struct bp_counts c;
};

static int by_dev(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	return x->dev < y->dev ? -1 : x->dev > y->dev;
}

#define W_TIME 8
#define W_DISK 12
#define W_PCT 5
#define W_COUNT 9
#define W_KB 11

static void print_header(void)
{
	if (bk_env.json)
		return;
	if (bk_env.interval_s)
		printf("%-*s ", W_TIME, "TIME");
	printf("%-*s %*s %*s %*s %*s\n", W_DISK, "DISK", W_PCT, "%RND", W_PCT, "%SEQ", W_COUNT,
	       "COUNT", W_KB, "KBYTES");
}

/* One interval: the counts since the last, taken out of the map. */
static int print_counts(void *ctx)
{
	char t[64], dev[24];
	struct bk_json j;
	struct row *rows;
	long n;

	n = bk_map_drain_rows(opt.counts_fd, sizeof(rows->dev), sizeof(rows->c),
			      offsetof(struct row, c), sizeof(*rows), BIOPATTERN_MAX_DISKS,
			      (void **)&rows);
	if (n < 0)
		return n;
	qsort(rows, n, sizeof(*rows), by_dev);
	if (bk_env.json)
		bk_time_iso(t, sizeof(t), bk_now_ns());
	else
		bk_time_hms(t, sizeof(t), bk_now_ns());
	for (long i = 0; i < n; i++) {
		const struct bp_counts *c = &rows[i].c;
		__u64 all = c->sequential + c->random;
		const char *disk = bk_disk_name(rows[i].dev);

		if (!all)
			continue;
		if (bk_env.json) {
			bk_json_begin(&j, stdout);
			bk_json_str(&j, "time", t, sizeof(t));
			bk_json_str(&j, "disk", disk, BK_DISK_NAME_LEN);
			snprintf(dev, sizeof(dev), "%u:%u", BK_BLOCK_MAJOR(rows[i].dev),
				 BK_BLOCK_MINOR(rows[i].dev));
			bk_json_str(&j, "dev", dev, sizeof(dev));
			bk_json_uint(&j, "random", c->random);
			bk_json_uint(&j, "sequential", c->sequential);
			bk_json_uint(&j, "count", all);
			bk_json_uint(&j, "bytes", c->bytes);
			bk_json_end(&j);
			continue;
		}
		if (bk_env.interval_s)
			printf("%-*s ", W_TIME, t);
		printf("%-*s %*.0f %*.0f %*llu %*llu\n", W_DISK, disk, W_PCT,
		       100.0 * c->random / all, W_PCT, 100.0 * c->sequential / all, W_COUNT,
		       (unsigned long long)all, W_KB, (unsigned long long)(c->bytes / 1024));
	}
	free(rows);
	return 0;
}

int main(int argc, char **argv)
{
	struct biopattern_bpf *skel = NULL;
	struct bk_block_lost lost = {};
	struct bk_loop loop = {};
	int err;

	/* Arguments; the shared letters land in bk_env. */
	bk_parse_args_doc(argc, argv, options, parse_arg, "[interval [count]]", argp_program_doc,
			  BK_OPT_DURATION | BK_OPT_JSON);

	/* Logging, privileges; then open the BPF object. */
	err = bk_init("biopattern");
	if (err)
		goto cleanup;
	skel = biopattern_bpf__open_opts(bk_open_opts());
	err = bk_opened(skel);
	if (err)
		goto cleanup;

	/* The block_rq_complete tracepoint; the disk filter. */
	struct bk_variant variants[] = {
		{ "tracepoint", { skel->progs.handle_rq_complete } },
	};
	err = bk_choose(variants, 1, NULL);
	if (err < 0)
		goto cleanup;
	bk_block_disk_fill(&opt.disk, &skel->rodata->bk_block);

	/* Load (the verifier runs here) and attach. */
	err = bk_start(skel->skeleton);
	if (err)
		goto cleanup;
	opt.counts_fd = bpf_map__fd(skel->maps.counts);

	/* Signals, then the banner and header. */
	bk_signals();
	if (!bk_env.json)
		printf("Tracing block I/O patterns... Hit Ctrl-C to end.\n");
	print_header();

	/* Until Ctrl-C, SIGTERM, -d or count intervals; what is left is printed too. */
	bk_summary(&loop, print_counts, NULL);
	lost.count = &skel->bss->lost_disks;
	lost.table = "the table of disks";
	loop.on_check = bk_block_lost_check;
	loop.check_ctx = &lost;
	err = bk_run(&loop);

cleanup:
	bk_loop_free(&loop);
	biopattern_bpf__destroy(skel);
	return bk_exit(err);
}
