// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * runqlat: how long runnable tasks waited on a run queue for a CPU, as log2
 * histograms, for everything or per process or thread, every interval.
 */
#include <argp.h>
#include <stdbool.h>
#include <stdio.h>
#include <bpf/libbpf.h>
#include "core/attach.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/opts.h"
#include "core/setup.h"
#include "core/taskhist.h"
#include "kernel/sched.h"
#include "runqlat.h"
#include "runqlat.skel.h"

static struct {
	bool pidns;
} opt;

const char argp_program_doc[] =
	"Summarize run-queue latency (the time a runnable task waits for a CPU) as a\n"
	"histogram. Without an interval it is printed once, at Ctrl-C or after -d.\n"
	"\n"
	"USAGE: runqlat [-p PID] [-t TID] [-u UID] [-n COMM] [--cgroup PATH]\n"
	"               [-P | -L | --pidnss] [-m] [-j] [-d SECONDS] [interval [count]]\n"
	"\n"
	"EXAMPLES:\n"
	"    runqlat                   # one histogram, at Ctrl-C\n"
	"    runqlat -m 5              # in milliseconds, every 5 seconds\n"
	"    runqlat -P -d 10          # one histogram per process, for 10 seconds\n"
	"    runqlat -p 185 -L         # one per thread of process 185\n"
	"    runqlat --pidnss -m 5     # one per PID namespace (container), every 5 s\n"
	"    runqlat --cgroup /sys/fs/cgroup/system.slice   # that cgroup's tasks only";

enum { OPT_PIDNSS = 2000 };

static const struct argp_option options[] = {
	{ "pidnss", OPT_PIDNSS, NULL, 0, "One histogram per PID namespace", 0 },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case OPT_PIDNSS:
		opt.pidns = true;
		break;
	case ARGP_KEY_ARG:
		bk_parse_interval_arg(state, arg);
		break;
	case ARGP_KEY_END:
		bk_taskhist_check_args(state, opt.pidns);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct bk_taskhist_out out = {};
	struct runqlat_bpf *skel = NULL;
	struct bk_loop loop = {};
	int err;

	/* Arguments; the shared letters land in bk_env. */
	bk_parse_args_doc(argc, argv, options, parse_arg, "[interval [count]]", argp_program_doc,
			  BK_OPT_FILTERS | BK_OPT_PERPROC | BK_OPT_PERTHREAD | BK_OPT_MILLI |
			  BK_OPT_DURATION | BK_OPT_JSON | BK_OPT_FORCE_PATH);
	bk_taskhist_out_init(&out, opt.pidns, "waits");

	/* Logging, privileges, BTF; then open the BPF object. */
	err = bk_init("runqlat");
	if (err)
		goto cleanup;
	skel = runqlat_bpf__open_opts(bk_open_opts());
	err = bk_opened(skel);
	if (err)
		goto cleanup;

	/* Filters, the breakdown and the unit go to .rodata before load. */
	bk_filter_fill(&skel->rodata->bk_filter);
	bk_taskhist_rodata(&out, &skel->rodata->targ_by, &skel->rodata->targ_unit_ns);

	/* The attach path: sched_switch and the wake-ups as tp_btf, raw_tp or tracepoints. */
	struct bk_variant variants[] = BK_SCHED_WAKEUP_VARIANTS(skel->progs);
	err = bk_choose(variants, BK_SCHED_NPATHS, bk_env.force_path);
	if (err < 0)
		goto cleanup;

	/* Load (the verifier runs here) and attach. */
	err = bk_start(skel->skeleton);
	if (err)
		goto cleanup;
	out.fd = bpf_map__fd(skel->maps.hists);

	/* Signals; no events: the histograms are read at every interval. */
	bk_signals();
	if (!bk_env.json)
		printf("Tracing run queue latency... Hit Ctrl-C to end.\n");

	/* Until Ctrl-C, SIGTERM, -d or count intervals; the last one at the end. */
	loop.drops = &skel->bss->hist_drops;
	loop.drop_what = "waits (no room for another process or thread)";
	loop.lost_starts = &skel->bss->bk_lost_starts;
	loop.lost_what = "waits were not timed";
	bk_summary(&loop, bk_taskhist_print_cb, &out);
	err = bk_run(&loop);

cleanup:
	runqlat_bpf__destroy(skel);
	return bk_exit(err);
}
