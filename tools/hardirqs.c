// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * hardirqs: hardware interrupt handlers' runs, counted and timed per IRQ
 * line and handler, every interval.
 */
#include <argp.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "core/log.h"
#include "core/loop.h"
#include "core/maps.h"
#include "core/opts.h"
#include "core/setup.h"
#include "kernel/irqs.h"
#include "hardirqs.h"
#include "hardirqs.skel.h"

static struct {
	struct bk_irq_out out;
	int fd;
} opt = { .out = { .what = "hardirq" } };

const char argp_program_doc[] =
	"Count and time hardware interrupt handlers, per IRQ line and handler. Without\n"
	"an interval the table is printed once, at Ctrl-C or after -d.\n"
	"\n"
	"USAGE: hardirqs [-C | -D] [-m | --us | --ns] [-j] [-d SECONDS] [interval [count]]\n"
	"\n"
	"EXAMPLES:\n"
	"    hardirqs                  # handlers' counts and time, at Ctrl-C\n"
	"    hardirqs -C 1             # counts only (cheaper), every second\n"
	"    hardirqs -D --ns -d 5     # a histogram per handler, in ns, for 5 seconds";

static const struct argp_option options[] = {
	BK_IRQ_ARGP_OPTIONS("handler"),
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	return bk_irq_parse_opt(&opt.out, key, arg, state);
}

struct hrow {
	struct hardirq_key key;
	struct bk_irq_val v;
};

/* The handlers' runs since the last interval (the map is emptied). */
static int print_irqs(void *ctx)
{
	struct hrow *hrows = NULL;
	struct bk_irq_row *rows;
	long n;

	n = bk_map_drain_rows(opt.fd, sizeof(hrows->key), sizeof(hrows->v), offsetof(struct hrow, v),
			      sizeof(*hrows), HARDIRQS_MAX, (void **)&hrows);
	if (n < 0)
		return (int)n;
	rows = calloc(n ? n : 1, sizeof(*rows));
	if (!rows) {
		free(hrows);
		bk_set_error("out of memory for the counts");
		return -ENOMEM;
	}
	for (long i = 0; i < n; i++) {
		rows[i].irq = hrows[i].key.irq;
		memcpy(rows[i].name, hrows[i].key.name, sizeof(hrows[i].key.name));
		rows[i].v = hrows[i].v;
	}
	bk_irq_print(&opt.out, rows, n);
	free(rows);
	free(hrows);
	return 0;
}

int main(int argc, char **argv)
{
	struct hardirqs_bpf *skel = NULL;
	struct bk_loop loop = {};
	int err;

	/* Arguments; the shared letters land in bk_env. */
	bk_parse_args_doc(argc, argv, options, parse_arg, "[interval [count]]", argp_program_doc,
			  BK_OPT_UNITS | BK_OPT_DURATION | BK_OPT_JSON | BK_OPT_FORCE_PATH);

	/* Logging, privileges; then open the BPF object. */
	err = bk_init("hardirqs");
	if (err)
		goto cleanup;
	skel = hardirqs_bpf__open_opts(bk_open_opts());
	err = bk_opened(skel);
	if (err)
		goto cleanup;

	/*
	 * Settings to .rodata before load; the attach path: tp_btf, raw_tp or
	 * the tracepoints, counting only needs no exit hook.
	 */
	err = BK_IRQ_PREPARE(&opt.out, skel);
	if (err < 0)
		goto cleanup;

	/* Load (the verifier runs here) and attach. */
	err = bk_start(skel->skeleton);
	if (err)
		goto cleanup;
	opt.fd = bpf_map__fd(skel->maps.irqs);

	/* Signals; no events: the counts are read at every interval. */
	bk_signals();
	if (!bk_env.json && !bk_env.interval_s)
		printf("Tracing hard IRQ handlers... Hit Ctrl-C to end.\n");

	/* Until Ctrl-C, SIGTERM, -d or count intervals; the last one at the end. */
	loop.drops = &skel->bss->irq_drops;
	loop.drop_what = "handler runs (no room for another IRQ)";
	bk_summary(&loop, print_irqs, NULL);
	err = bk_run(&loop);

cleanup:
	hardirqs_bpf__destroy(skel);
	return bk_exit(err);
}
