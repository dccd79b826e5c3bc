// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * profile: sample what every CPU is running, by kernel and user stack, at a
 * fixed rate; print the stacks by count, folded, as JSON or a flame graph.
 */
#include <argp.h>
#include <stdio.h>
#include <bpf/libbpf.h>
#include "core/attach.h"
#include "core/links.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/opts.h"
#include "core/perf_event.h"
#include "core/setup.h"
#include "stacks/tool.h"
#include "profile.h"
#include "profile.skel.h"

static struct {
	long hz;
	bool cycles, idle;
} opt = { .hz = PROFILE_DEFAULT_HZ };

const char argp_program_doc[] =
	"Sample the stacks every CPU runs, at a fixed rate, and count them.\n"
	"Counts are samples: at -F HZ, one sample is 1/HZ s of one CPU.\n"
	"\n"
	"USAGE: profile [-F HZ] [-p PID] [-t TID] [-n COMM] [-K | --user-only] [-I]\n"
	"               [-L] [-f | -j] [--svg FILE] [-d SECONDS] [interval [count]]\n"
	"\n"
	"EXAMPLES:\n"
	"    profile -d 10               # 10 s of all CPUs, hottest stacks last\n"
	"    profile -F 99 -p 181 -d 5   # process 181 at 99 samples a second\n"
	"    profile -f -d 10 > out.folded  # folded: comm;root;...;leaf COUNT\n"
	"    profile --svg cpu.svg -d 10 # a flame graph\n"
	"    profile -K -I -d 5          # kernel stacks only, idle CPUs included\n"
	"    profile -j 5 3              # JSON, three 5-second intervals";

enum { OPT_CYCLES = 2000 };

static const struct argp_option options[] = {
	{ "frequency", 'F', "HZ", 0, "Samples per second of each CPU (default 49)", 0 },
	{ "cycles", OPT_CYCLES, NULL, 0,
	  "Sample on hardware CPU cycles instead of the cpu-clock timer (needs a PMU)", 0 },
	{ "idle", 'I', NULL, 0, "Count the idle tasks too (pid 0, kernel stacks)", 0 },
	BK_STACK_ARGP_OPTIONS,
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'F':
		if (bk_parse_long(arg, 1, 100000, &opt.hz))
			bk_usage(state, "invalid frequency '%s': want 1 to 100000 samples a second", arg);
		break;
	case OPT_CYCLES:
		opt.cycles = true;
		break;
	case 'I':
		opt.idle = true;
		break;
	case ARGP_KEY_ARG:
		bk_parse_interval_arg(state, arg);
		break;
	default:
		return bk_stack_parse_opt(key, arg, state);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct profile_bpf *skel = NULL;
	struct bk_stack_tool st = {};
	struct bk_links links = {};
	struct bk_flame_opts fo;
	struct perf_event_attr attr;
	struct bk_loop loop = {};
	char sub[128];
	int err, ncpus = 0;

	/* Arguments; the shared letters land in bk_env and bk_stack_env. */
	bk_parse_args_doc(argc, argv, options, parse_arg, "[interval [count]]", argp_program_doc,
			  BK_OPT_FILTERS | BK_OPT_PERTHREAD | BK_OPT_DURATION | BK_OPT_JSON);

	/* Logging, privileges, BTF; then open the BPF object. */
	err = bk_init("profile");
	if (err)
		goto cleanup;
	skel = profile_bpf__open_opts(bk_open_opts());
	err = bk_opened(skel);
	if (err)
		goto cleanup;

	/* Filters and what to record go to .rodata before load. */
	bk_filter_fill(&skel->rodata->bk_filter);
	bk_stack_rodata(&skel->rodata->bk_stack_opts);
	skel->rodata->targ_idle = opt.idle;
	/* The ring buffer only carries notices of new processes: 64 KB holds 4,000. */
	err = bk_events_size(skel->maps.events, &skel->rodata->bk_wakeup, 64 << 10);
	if (!err)
		err = bk_stack_maps_size(skel->maps.stacks, skel->maps.counts, bk_stack_env.storage);
	if (err)
		goto cleanup;

	/* Load, then one perf event per CPU, then the exec tracepoint. */
	err = bk_load(skel->skeleton);
	if (err)
		goto cleanup;
	if (opt.cycles)
		bk_perf_cycles(&attr, opt.hz);
	else
		bk_perf_cpu_clock(&attr, opt.hz);
	ncpus = bk_perf_attach_cpus(skel->progs.handle_sample, &attr, &links);
	if (ncpus < 0) {
		err = ncpus;
		goto cleanup;
	}
	bk_attach_path = "perf_event";
	err = bk_attach(skel->skeleton);
	if (err)
		goto cleanup;

	/* Symbols, the report, notices of new processes, lost stacks, signals. */
	err = bk_stack_tool_init(&st, skel->maps.stacks, skel->maps.counts, "samples", 1, "samples");
	if (!err)
		err = bk_stack_tool_loop(&st, &loop, skel->maps.events, &skel->bss->bk_drops,
					 BK_STACK_LOST(skel));
	if (err)
		goto cleanup;
	bk_signals();
	if (st.rep.mode == BK_STACK_TEXT)
		printf("Sampling %s at %ld Hz on %d CPUs (%s)... Ctrl-C to end.\n\n",
		       bk_stack_what(), opt.hz, ncpus, opt.cycles ? "cycles" : "cpu-clock");

	/* Until Ctrl-C, SIGTERM, -d or the count; stacks print each interval and at the end. */
	err = bk_run(&loop);
	bk_flame_opts_default(&fo);
	fo.title = "CPU profile";
	snprintf(sub, sizeof(sub), "%ld Hz, %s", opt.hz, bk_stack_what());
	fo.subtitle = sub;
	if (!err)
		err = bk_stack_tool_svg(&st, &fo);

cleanup:
	bk_loop_free(&loop);
	bk_links_destroy(&links);
	profile_bpf__destroy(skel);
	bk_stack_tool_free(&st);
	return bk_exit(err);
}
