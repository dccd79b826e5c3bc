// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * wakeuptime: who woke threads up. The time threads were blocked, summed by
 * the kernel and user stacks of the threads that woke them, in microseconds.
 */
#include <argp.h>
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "core/attach.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/opts.h"
#include "core/setup.h"
#include "stacks/tool.h"
#include "wakeuptime.h"
#include "wakeuptime.skel.h"

static struct {
	long min_us, max_us;
} opt = { .min_us = 1, .max_us = -1 };

const char argp_program_doc[] =
	"Sum the time threads were blocked by the kernel and user stacks of the threads\n"
	"that woke them (the waker's stack at the wake-up). Times are in microseconds;\n"
	"the filters name the blocked threads.\n"
	"\n"
	"USAGE: wakeuptime [-p PID] [-t TID] [-u UID] [-n COMM] [--cgroup PATH]\n"
	"                  [--min-us US] [--max-us US] [-K | --user-only] [-L] [-f | -j]\n"
	"                  [--svg FILE] [-d SECONDS] [interval [count]]\n"
	"\n"
	"EXAMPLES:\n"
	"    wakeuptime -d 10            # 10 s, all threads\n"
	"    wakeuptime -p 181 -d 5      # who woke process 181's threads\n"
	"    wakeuptime --min-us 10000   # blocks of 10 ms or more\n"
	"    wakeuptime -f -d 10 > wake.folded  # folded, for flamegraph(8)";

enum { OPT_MIN_US = 2000, OPT_MAX_US };

static const struct argp_option options[] = {
	{ "min-us", OPT_MIN_US, "US", 0, "Only blocks of at least US microseconds (default 1)", 0 },
	{ "max-us", OPT_MAX_US, "US", 0, "Only blocks of at most US microseconds", 0 },
	BK_STACK_ARGP_OPTIONS,
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case OPT_MIN_US:
		if (bk_parse_long(arg, 0, 1L << 40, &opt.min_us))
			bk_usage(state, "invalid --min-us '%s': want a number of microseconds", arg);
		break;
	case OPT_MAX_US:
		if (bk_parse_long(arg, 1, 1L << 40, &opt.max_us))
			bk_usage(state, "invalid --max-us '%s': want a number of microseconds > 0", arg);
		break;
	case ARGP_KEY_ARG:
		bk_parse_interval_arg(state, arg);
		break;
	case ARGP_KEY_END:
		if (opt.max_us >= 0 && opt.max_us < opt.min_us)
			bk_usage(state, "--max-us %ld is below --min-us %ld: nothing would be counted",
				 opt.max_us, opt.min_us);
		return bk_stack_parse_opt(key, arg, state);
	default:
		return bk_stack_parse_opt(key, arg, state);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct wakeuptime_bpf *skel = NULL;
	struct bk_stack_tool st = {};
	struct bk_flame_opts fo;
	struct bk_loop loop = {};
	int err;

	/* Arguments; the shared letters land in bk_env and bk_stack_env. */
	bk_parse_args_doc(argc, argv, options, parse_arg, "[interval [count]]", argp_program_doc,
			  BK_OPT_FILTERS | BK_OPT_PERTHREAD | BK_OPT_DURATION | BK_OPT_JSON |
			  BK_OPT_FORCE_PATH);

	/* Logging, privileges, BTF; then open the BPF object. */
	err = bk_init("wakeuptime");
	if (err)
		goto cleanup;
	skel = wakeuptime_bpf__open_opts(bk_open_opts());
	err = bk_opened(skel);
	if (err)
		goto cleanup;

	/* Filters and what to record go to .rodata before load. */
	bk_filter_fill(&skel->rodata->bk_filter);
	bk_stack_rodata(&skel->rodata->bk_stack_opts);
	skel->rodata->targ_min_ns = (__u64)opt.min_us * 1000;
	skel->rodata->targ_max_ns = opt.max_us >= 0 ? (__u64)opt.max_us * 1000 : ~0ULL;
	/* The ring buffer only carries notices of new processes: 64 KB holds 4,000. */
	err = bk_events_size(skel->maps.events, &skel->rodata->bk_wakeup, 64 << 10);
	if (!err)
		err = bk_stack_maps_size(skel->maps.stacks, skel->maps.counts, bk_stack_env.storage);
	if (err)
		goto cleanup;

	/* The attach path: sched_switch, sched_waking, sched_process_free as tp_btf, raw_tp, or tracepoints. */
	struct bk_variant variants[] = {
		{ "tp_btf", { skel->progs.handle_switch, skel->progs.handle_waking, skel->progs.handle_free,
			      skel->progs.handle_exec } },
		{ "raw_tp", { skel->progs.handle_switch_raw, skel->progs.handle_waking_raw,
			      skel->progs.handle_free_raw, skel->progs.handle_exec } },
		{ "tracepoint", { skel->progs.handle_switch_tp, skel->progs.handle_waking_tp,
				  skel->progs.handle_free_tp, skel->progs.handle_exec } },
	};
	err = bk_choose(variants, 3, bk_env.force_path);
	if (err < 0)
		goto cleanup;

	/* Load (the verifier runs here) and attach. */
	err = bk_start(skel->skeleton);
	if (err)
		goto cleanup;

	/* Symbols, the report, notices of new processes, lost stacks, signals. */
	err = bk_stack_tool_init(&st, skel->maps.stacks, skel->maps.counts, "us", 1000,
				 "wake-ups");
	if (!err)
		err = bk_stack_tool_loop(&st, &loop, skel->maps.events, &skel->bss->bk_drops,
					 BK_STACK_LOST(skel));
	if (err)
		goto cleanup;
	loop.lost_starts = &skel->bss->bk_lost_starts;
	loop.lost_what = "blocks of threads were not timed";
	bk_signals();
	if (st.rep.mode == BK_STACK_TEXT)
		printf("Tracing blocked time (us) by the waker's %s... Ctrl-C to end.\n\n", bk_stack_what());

	/* Until Ctrl-C, SIGTERM, -d or the count; stacks print each interval and at the end. */
	err = bk_run(&loop);
	bk_flame_opts_default(&fo);
	fo.title = "Wake-up time";
	fo.subtitle = bk_stack_what();
	fo.count_name = "us";
	fo.palette = BK_FLAME_OFFCPU;
	if (!err)
		err = bk_stack_tool_svg(&st, &fo);

cleanup:
	bk_loop_free(&loop);
	wakeuptime_bpf__destroy(skel);
	bk_stack_tool_free(&st);
	return bk_exit(err);
}
