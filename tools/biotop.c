// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * biotop: block I/O per process, disk and operation, refreshed top-style.
 */
#include <argp.h>
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "block/block.h"
#include "core/json.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/opts.h"
#include "core/output.h"
#include "core/setup.h"
#include "core/top.h"
#include "biotop.h"
#include "biotop.skel.h"

static struct bk_disk disk_opt;	/* --disk */
/* The screen and its options, set out below its printers. */
static struct bk_top top;

const char argp_program_doc[] =
	"Show block I/O per process, disk and operation (requests, KiB, the device's\n"
	"average time), refreshed top-style, most bytes first.\n"
	"\n"
	"USAGE: biotop [-C] [-r ROWS] [--disk DISK] [-p PID] [-t TID] [-u UID]\n"
	"              [-n COMM] [--cgroup PATH] [-j] [-d SECONDS] [interval [count]]\n"
	"\n"
	"EXAMPLES:\n"
	"    biotop                    # refresh every second, until Ctrl-C\n"
	"    biotop -C 5 3             # three refreshes 5 s apart, without clearing\n"
	"    biotop -r 5 --disk sda    # the five processes doing the most I/O on sda\n"
	"    biotop -j 10              # JSON lines every 10 s, every process";

static const struct argp_option options[] = {
	BK_TOP_ARGP_SCREEN("Show at most ROWS lines per refresh (default 20; JSON has all)"),
	BK_DISK_OPTION,
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	if (key != BK_OPT_DISK)
		return bk_top_parse_opt(&top, key, arg, state);
	bk_disk_arg(state, arg, &disk_opt);
	return 0;
}

struct row {
	struct bt_key key;
	struct bt_val v;
};

/* Most bytes first, then most requests, then by process. */
static int by_bytes(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->v.bytes != y->v.bytes)
		return x->v.bytes < y->v.bytes ? 1 : -1;
	if (x->v.count != y->v.count)
		return x->v.count < y->v.count ? 1 : -1;
	if (x->key.tgid != y->key.tgid)
		return x->key.tgid < y->key.tgid ? -1 : 1;
	return x->key.op < y->key.op ? -1 : x->key.op > y->key.op;
}

#define W_D 2
#define W_DISK 12
#define W_IO 7
#define W_KB 10
#define W_MS 8

static void print_row(void *ctx, const void *row, const char *t)
{
	const struct row *r = row;
	char comm[4 * 16], op[32], rwbs[16], dev[24];
	const char *disk = bk_disk_name(r->key.dev);
	struct bk_json j;

	bk_rq_op(op, sizeof(op), r->key.op);
	bk_rq_rwbs(rwbs, sizeof(rwbs), r->key.op);
	if (bk_env.json) {
		bk_json_begin(&j, stdout);
		bk_json_str(&j, "time", t, strlen(t));
		if (r->key.known) {
			bk_json_uint(&j, "pid", r->key.tgid);
			bk_json_str(&j, "comm", r->key.comm, sizeof(r->key.comm));
		} else {
			bk_json_null(&j, "pid");
			bk_json_null(&j, "comm");
		}
		bk_json_str(&j, "op", op, sizeof(op));
		bk_json_str(&j, "disk", disk, BK_DISK_NAME_LEN);
		snprintf(dev, sizeof(dev), "%u:%u", BK_BLOCK_MAJOR(r->key.dev),
			 BK_BLOCK_MINOR(r->key.dev));
		bk_json_str(&j, "dev", dev, sizeof(dev));
		bk_json_uint(&j, "count", r->v.count);
		bk_json_uint(&j, "bytes", r->v.bytes);
		bk_json_uint(&j, "total_lat_ns", r->v.total_lat_ns);
		bk_json_uint(&j, "avg_lat_ns", r->v.total_lat_ns / r->v.count);
		bk_json_end(&j);
		return;
	}
	if (r->key.known) {
		bk_escape(comm, sizeof(comm), r->key.comm, sizeof(r->key.comm));
		printf("%-*u %-*s ", BK_W_PID, r->key.tgid, BK_W_COMM, comm);
	} else {
		printf("%-*s %-*s ", BK_W_PID, "-", BK_W_COMM, "?");
	}
	printf("%-*s %-*s %*llu %*llu %*.3f\n", W_D, rwbs, W_DISK, disk, W_IO,
	       (unsigned long long)r->v.count, W_KB, (unsigned long long)(r->v.bytes / 1024), W_MS,
	       r->v.total_lat_ns / 1e6 / r->v.count);
}

/* The title line and the column header of a refresh. */
static void print_head(void *ctx, const char *t, long n)
{
	printf("%s  %ld line%s\n", t, n, n == 1 ? "" : "s");
	printf("%-*s %-*s %-*s %-*s %*s %*s %*s\n", BK_W_PID, "PID", BK_W_COMM, "COMM", W_D, "D",
	       W_DISK, "DISK", W_IO, "I/O", W_KB, "KBYTES", W_MS, "AVG(ms)");
}

/* Every refresh: the I/O of the last interval, most bytes first. */
static struct bk_top top = {
	.rows = 20,
	.max_rows = BIOTOP_MAX_KEYS,
	BK_TOP_ROW(struct row, key, v),
	.cap = BIOTOP_MAX_KEYS,
	.cmp = by_bytes,
	.head = print_head,
	.print_row = print_row,
	.json_all = true,
};

int main(int argc, char **argv)
{
	struct biotop_bpf *skel = NULL;
	struct bk_block_lost lost = {};
	struct bk_loop loop = {};
	int err;

	/* Arguments; the shared letters land in bk_env. One second by default. */
	bk_parse_args_doc(argc, argv, options, parse_arg, "[interval [count]]", argp_program_doc,
			  BK_OPT_FILTERS | BK_OPT_DURATION | BK_OPT_JSON | BK_OPT_FORCE_PATH);
	bk_top_args(&top);

	/* Logging, privileges, BTF; then open the BPF object. */
	err = bk_init("biotop");
	if (err)
		goto cleanup;
	skel = biotop_bpf__open_opts(bk_open_opts());
	err = bk_opened(skel);
	if (err)
		goto cleanup;

	/* The attach path (with the requests' issuers), filters. */
	struct bk_block_progs progs = BK_BLOCK_PROGS(skel->progs);
	err = bk_block_choose(&progs, true, &disk_opt, bk_env.force_path, &skel->rodata->bk_block);
	if (err)
		goto cleanup;
	bk_filter_fill(&skel->rodata->bk_filter);

	/* Load (the verifier runs here) and attach. */
	err = bk_start(skel->skeleton);
	if (err)
		goto cleanup;
	top.fd = bpf_map__fd(skel->maps.counts);

	/* Signals; there are no events, the map is read at every refresh. */
	bk_signals();

	/* Until Ctrl-C, SIGTERM, -d or count refreshes. */
	bk_summary(&loop, bk_top_refresh, &top);
	bk_block_lost_watch(&loop, &lost, &skel->bss->bk_lost_starts, &skel->bss->bk_block_lost_keys,
			    "the table of processes");
	err = bk_run(&loop);

cleanup:
	bk_loop_free(&loop);
	biotop_bpf__destroy(skel);
	return bk_exit(err);
}
