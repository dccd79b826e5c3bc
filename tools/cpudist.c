// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * cpudist: how long tasks run on a CPU each time they get one (or, with -O,
 * how long they stay off it), as log2 histograms, for everything or per
 * process or thread, every interval.
 */
#include <argp.h>
#include <stdio.h>
#include <bpf/libbpf.h>
#include "core/attach.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/opts.h"
#include "core/setup.h"
#include "core/taskhist.h"
#include "kernel/sched.h"
#include "cpudist.h"
#include "cpudist.skel.h"

static struct {
	bool offcpu;
} opt;

const char argp_program_doc[] =
	"Summarize the time tasks run on a CPU each time they get one (with -O, the\n"
	"time they are off a CPU) as a histogram. Without an interval it is printed\n"
	"once, at Ctrl-C or after -d.\n"
	"\n"
	"USAGE: cpudist [-p PID] [-t TID] [-u UID] [-n COMM] [--cgroup PATH] [-O]\n"
	"               [-P | -L] [-m] [-j] [-d SECONDS] [interval [count]]\n"
	"\n"
	"EXAMPLES:\n"
	"    cpudist                   # on-CPU times, at Ctrl-C\n"
	"    cpudist -O -m 5           # off-CPU times in ms, every 5 seconds\n"
	"    cpudist -P -d 10          # one histogram per process, for 10 seconds\n"
	"    cpudist -p 185 -L         # one per thread of process 185";

static const struct argp_option options[] = {
	{ "offcpu", 'O', NULL, 0, "Time off a CPU (switched out to switched in) instead", 0 },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'O':
		opt.offcpu = true;
		break;
	case ARGP_KEY_ARG:
		bk_parse_interval_arg(state, arg);
		break;
	case ARGP_KEY_END:
		bk_taskhist_check_args(state, false);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct bk_taskhist_out out = {};
	struct cpudist_bpf *skel = NULL;
	struct bk_loop loop = {};
	int err;

	/* Arguments; the shared letters land in bk_env. */
	bk_parse_args_doc(argc, argv, options, parse_arg, "[interval [count]]", argp_program_doc,
			  BK_OPT_FILTERS | BK_OPT_PERPROC | BK_OPT_PERTHREAD | BK_OPT_MILLI |
			  BK_OPT_DURATION | BK_OPT_JSON | BK_OPT_FORCE_PATH);
	bk_taskhist_out_init(&out, false, opt.offcpu ? "times off CPU" : "runs on CPU");

	/* Logging, privileges, BTF; then open the BPF object. */
	err = bk_init("cpudist");
	if (err)
		goto cleanup;
	skel = cpudist_bpf__open_opts(bk_open_opts());
	err = bk_opened(skel);
	if (err)
		goto cleanup;

	/* Filters, the breakdown, the unit and -O go to .rodata before load. */
	bk_filter_fill(&skel->rodata->bk_filter);
	bk_taskhist_rodata(&out, &skel->rodata->targ_by, &skel->rodata->targ_unit_ns);
	skel->rodata->targ_offcpu = opt.offcpu;

	/* The attach path: sched_switch (and for -O sched_process_free) as tp_btf, raw_tp or tracepoints. */
	struct bk_variant variants[] = BK_SCHED_SWITCH_VARIANTS(skel->progs);
	struct bpf_program *frees[] = { skel->progs.handle_free, skel->progs.handle_free_raw,
					skel->progs.handle_free_tp };
	for (int i = 0; i < BK_SCHED_NPATHS; i++) {
		if (opt.offcpu)
			variants[i].progs[1] = frees[i];
		else
			bpf_program__set_autoload(frees[i], false);
	}
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
		printf("Tracing %s-CPU time... Hit Ctrl-C to end.\n", opt.offcpu ? "off" : "on");

	/* Until Ctrl-C, SIGTERM, -d or count intervals; the last one at the end. */
	loop.drops = &skel->bss->hist_drops;
	loop.drop_what = "times (no room for another process or thread)";
	loop.lost_starts = &skel->bss->bk_lost_starts;
	loop.lost_what = "runs were not timed";
	bk_summary(&loop, bk_taskhist_print_cb, &out);
	err = bk_run(&loop);

cleanup:
	cpudist_bpf__destroy(skel);
	return bk_exit(err);
}
