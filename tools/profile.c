// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * profile: sample what every CPU is running, by kernel and user stack, at a
 * fixed rate; print the stacks by count, folded, as JSON or a flame graph.
 */
#include <argp.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "core/attach.h"
#include "core/links.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/opts.h"
#include "core/output.h"
#include "core/perf_event.h"
#include "core/setup.h"
#include "stacks/flame.h"
#include "stacks/report.h"
#include "stacks/stacks.h"
#include "profile.h"
#include "profile.skel.h"

static struct {
	long hz;
	bool cycles, kernel_only, user_only, idle, folded;
	const char *svg;
	long stack_storage;
} opt = { .hz = PROFILE_DEFAULT_HZ, .stack_storage = PROFILE_DEFAULT_STACKS };

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

enum { OPT_USER_ONLY = 2000, OPT_SVG, OPT_CYCLES, OPT_STACK_STORAGE };

static const struct argp_option options[] = {
	{ "frequency", 'F', "HZ", 0, "Samples per second of each CPU (default 49)", 0 },
	{ "cycles", OPT_CYCLES, NULL, 0,
	  "Sample on hardware CPU cycles instead of the cpu-clock timer (needs a PMU)", 0 },
	{ "kernel-only", 'K', NULL, 0, "Kernel stacks only", 0 },
	{ "user-only", OPT_USER_ONLY, NULL, 0,
	  "User stacks only (no short letter: -U is the UID column everywhere)", 0 },
	{ "idle", 'I', NULL, 0, "Count the idle tasks too (pid 0, kernel stacks)", 0 },
	{ "folded", 'f', NULL, 0, "Folded output: comm;frame;...;frame COUNT, root first", 0 },
	{ "svg", OPT_SVG, "FILE", 0, "Write a flame graph of the whole run to FILE", 0 },
	{ "stack-storage", OPT_STACK_STORAGE, "N", 0,
	  "Distinct stacks kept (default 16384): more makes lost stacks rarer", 0 },
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
	case 'K':
		opt.kernel_only = true;
		break;
	case OPT_USER_ONLY:
		opt.user_only = true;
		break;
	case 'I':
		opt.idle = true;
		break;
	case 'f':
		opt.folded = true;
		break;
	case OPT_SVG:
		if (!*arg)
			bk_usage(state, "--svg wants a file name");
		opt.svg = arg;
		break;
	case OPT_STACK_STORAGE:
		if (bk_parse_long(arg, 64, 1 << 22, &opt.stack_storage))
			bk_usage(state, "invalid --stack-storage '%s': want 64 to 4194304 stacks", arg);
		break;
	case ARGP_KEY_ARG:
		bk_parse_interval_arg(state, arg);
		break;
	case ARGP_KEY_END:
		if (opt.kernel_only && opt.user_only)
			bk_usage(state, "-K and --user-only leave nothing to sample: give one of them");
		if (opt.folded && bk_env.json)
			bk_usage(state, "-f and -j are two output formats: give one of them");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

struct profile {
	struct bk_stacks *stacks;
	struct bk_stack_report rep;
	struct bk_flame *fg;
};

/* A process's first sample: read its symbols while it is alive. */
static int handle_event(void *ctx, void *data, size_t size)
{
	struct profile *p = ctx;
	const struct bk_stack_seen *e = data;

	if (size >= sizeof(*e))
		bk_stacks_pid_seen(p->stacks, e->tgid);
	return 0;
}

static int on_interval(void *ctx)
{
	struct profile *p = ctx;
	char t[16];
	int n;

	if (p->rep.mode == BK_STACK_TEXT && bk_env.interval_s > 0) {
		bk_time_hms(t, sizeof(t), bk_now_ns());
		printf("%s\n", t);
	}
	n = bk_stack_report_print(&p->rep, stdout);
	if (n < 0)
		bk_set_error("cannot read the counted stacks: %s", strerror(-n));
	return n < 0 ? n : 0;
}

static void banner(int ncpus)
{
	const char *what = opt.kernel_only ? "kernel stacks" :
			   opt.user_only ? "user stacks" : "user and kernel stacks";

	if (bk_env.json || opt.folded || (opt.svg && !bk_env.interval_s))
		return;
	printf("Sampling %s at %ld Hz on %d CPUs (%s)... Ctrl-C to end.\n\n", what, opt.hz, ncpus,
	       opt.cycles ? "cycles" : "cpu-clock");
}

static int write_svg(struct profile *p)
{
	struct bk_flame_opts fo;
	char sub[128];
	FILE *f;
	int err;

	bk_flame_opts_default(&fo);
	fo.title = "CPU profile";
	snprintf(sub, sizeof(sub), "%ld Hz, %s", opt.hz,
		 opt.kernel_only ? "kernel stacks" :
		 opt.user_only ? "user stacks" : "user and kernel stacks");
	fo.subtitle = sub;
	f = fopen(opt.svg, "we");
	if (!f) {
		err = -errno;
		bk_set_error("cannot write '%s': %s", opt.svg, strerror(errno));
		return err;
	}
	err = bk_flame_write(p->fg, f, &fo);
	if (fclose(f) && !err)
		err = -EIO;
	if (err) {
		bk_set_error("writing '%s' failed: %s", opt.svg, strerror(-err));
		return err;
	}
	bk_info(0, "wrote a flame graph of %llu samples to %s",
		(unsigned long long)bk_flame_total(p->fg), opt.svg);
	return 0;
}

int main(int argc, char **argv)
{
	struct profile_bpf *skel = NULL;
	struct bk_stack_losses losses = { .what = "samples" };
	struct bk_links links = {};
	struct perf_event_attr attr;
	struct profile p = {};
	struct bk_loop loop = {};
	int err, ncpus = 0;

	/* Arguments; the shared letters land in bk_env. */
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
	skel->rodata->targ_idle = opt.idle;
	skel->rodata->bk_stack_opts.user = !opt.kernel_only;
	skel->rodata->bk_stack_opts.kernel = !opt.user_only;
	skel->rodata->bk_stack_opts.per_thread = bk_env.per_thread;
	skel->rodata->bk_stack_opts.notify = !opt.kernel_only;
	/* The ring buffer only carries notices of new processes: 64 KB holds 4,000. */
	err = bk_events_size(skel->maps.events, &skel->rodata->bk_wakeup, 64 << 10);
	if (!err)
		err = bk_stack_maps_size(skel->maps.stacks, skel->maps.counts, opt.stack_storage);
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

	/* The symbolizer, and what to print. */
	err = bk_stacks_new(bpf_map__fd(skel->maps.stacks), &p.stacks);
	if (!err && opt.svg)
		err = bk_flame_new(&p.fg);
	if (err) {
		bk_set_error("out of memory");
		goto cleanup;
	}
	p.rep = (struct bk_stack_report){
		.counts_fd = bpf_map__fd(skel->maps.counts),
		.stacks = p.stacks,
		.unit = "samples",
		.mode = opt.folded ? BK_STACK_FOLDED : bk_env.json ? BK_STACK_JSON :
			opt.svg ? BK_STACK_NONE : BK_STACK_TEXT,
		.per_thread = bk_env.per_thread,
		.clear = bk_env.interval_s > 0,
		.flame = p.fg,
	};

	/* New processes, intervals, lost stacks, signals; then the banner. */
	err = bk_events(&loop, skel->maps.events, handle_event, &p, &skel->bss->bk_drops);
	if (err)
		goto cleanup;
	loop.drop_what = "notices of new processes (their stacks may lack names)";
	bk_summary(&loop, on_interval, &p);
	losses.collision = &skel->bss->bk_stack_lost_collision;
	losses.full = &skel->bss->bk_stack_lost_full;
	losses.counts = &skel->bss->bk_stack_lost_counts;
	loop.on_check = bk_stack_losses_check;
	loop.check_ctx = &losses;
	bk_signals();
	banner(ncpus);

	/* Until Ctrl-C, SIGTERM, -d or the count; the stacks print at each interval and at the end. */
	err = bk_run(&loop);
	if (!err && opt.svg)
		err = write_svg(&p);

cleanup:
	bk_loop_free(&loop);
	bk_links_destroy(&links);
	profile_bpf__destroy(skel);
	bk_stacks_free(p.stacks);
	bk_flame_free(p.fg);
	return bk_exit(err);
}
