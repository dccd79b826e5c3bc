// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * softirqs: softirq handlers' runs, counted and timed per vector (NET_RX,
 * TIMER, ...), every interval.
 */
#include <argp.h>
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "core/log.h"
#include "core/loop.h"
#include "core/maps.h"
#include "core/opts.h"
#include "core/setup.h"
#include "kernel/irqs.h"
#include "softirqs.h"
#include "softirqs.skel.h"

static struct {
	struct bk_irq_out out;
	struct bk_counters vecs;
} opt = { .out = { .what = "softirq" } };

const char argp_program_doc[] =
	"Count and time softirq handlers, per vector (NET_RX, TIMER, ...). Without an\n"
	"interval the table is printed once, at Ctrl-C or after -d.\n"
	"\n"
	"USAGE: softirqs [-C | -D] [-m | --us | --ns] [-j] [-d SECONDS] [interval [count]]\n"
	"\n"
	"EXAMPLES:\n"
	"    softirqs                  # counts and time per vector, at Ctrl-C\n"
	"    softirqs -C 1             # counts only (cheaper), every second\n"
	"    softirqs -D --ns -d 5     # a histogram per vector, in ns, for 5 seconds";

static const struct argp_option options[] = {
	BK_IRQ_ARGP_OPTIONS("vector"),
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	return bk_irq_parse_opt(&opt.out, key, arg, state);
}

/* The vectors' runs since the last interval (read and diffed, never reset). */
static int print_vecs(void *ctx)
{
	struct bk_irq_row rows[SOFTIRQS_VECS];
	long n = 0;
	int err = bk_counters_read(&opt.vecs, SOFTIRQS_VECS);

	if (err)
		return err;
	for (unsigned int vec = 0; vec < SOFTIRQS_VECS; vec++) {
		const struct bk_irq_val *v = bk_counters_delta(&opt.vecs, vec);
		const char *name = bk_softirq_name(vec);

		if (!v->count)
			continue;
		rows[n].irq = -1;
		if (name)
			snprintf(rows[n].name, sizeof(rows[n].name), "%s", name);
		else
			snprintf(rows[n].name, sizeof(rows[n].name), "[%u]", vec);
		rows[n++].v = *v;
	}
	bk_irq_print(&opt.out, rows, n);
	return 0;
}

int main(int argc, char **argv)
{
	struct softirqs_bpf *skel = NULL;
	struct bk_loop loop = {};
	int err;

	/* Arguments; the shared letters land in bk_env. */
	bk_parse_args_doc(argc, argv, options, parse_arg, "[interval [count]]", argp_program_doc,
			  BK_OPT_UNITS | BK_OPT_DURATION | BK_OPT_JSON | BK_OPT_FORCE_PATH);

	/* Logging, privileges; then open the BPF object. */
	err = bk_init("softirqs");
	if (err)
		goto cleanup;
	skel = softirqs_bpf__open_opts(bk_open_opts());
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
	if (!err)
		err = bk_counters_init(&opt.vecs, bpf_map__fd(skel->maps.vecs), 2);
	if (err)
		goto cleanup;

	/* Signals; no events: the counts are read at every interval. */
	bk_signals();
	if (!bk_env.json && !bk_env.interval_s)
		printf("Tracing softirq handlers... Hit Ctrl-C to end.\n");

	/* Until Ctrl-C, SIGTERM, -d or count intervals; the last one at the end. */
	bk_summary(&loop, print_vecs, NULL);
	err = bk_run(&loop);

cleanup:
	bk_counters_free(&opt.vecs);
	softirqs_bpf__destroy(skel);
	return bk_exit(err);
}
