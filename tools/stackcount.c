// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * stackcount: count the kernel and user stacks that reach functions,
 * tracepoints or USDT probes matching a pattern.
 */
#include <argp.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "core/attach.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/opts.h"
#include "core/setup.h"
#include "stacks/tool.h"
#include "uspace/probespec.h"
#include "uspace/uprobe_target.h"
#include "uspace/uprobes.h"
#include "stackcount.skel.h"

/* PATTERN and --max-probes (its own parser: no --list, USDT named whole). */
static struct probespec_args opt = { .max_probes = 1000 };

const char argp_program_doc[] =
	"Count the stacks that reach functions, tracepoints or USDT probes matching\n"
	"a pattern: kernel and user stacks, as text, folded (-f), JSON or a flame graph.\n"
	"\n"
	"USAGE: stackcount [-p PID] [-t TID] [-u UID] [-n COMM] [--cgroup PATH] [-L]\n"
	"                  [-K | --user-only] [-f | -j] [--svg FILE] [--max-probes N]\n"
	"                  [-d SECONDS] PATTERN [interval [count]]\n"
	"\n"
	"PATTERN is one of (globs allowed in every name part but USDT's):\n"
	"    PATH:FUNC, LIB:FUNC       functions of a program or library (uprobes)\n"
	"    t:CATEGORY:NAME           tracepoints\n"
	"    u:PATH:PROVIDER:NAME      a USDT probe\n"
	"    FUNC                      kernel functions (kprobes, where the kernel has them)\n"
	"\n"
	"EXAMPLES:\n"
	"    stackcount t:sched:sched_switch -d 5     # who switches, by stack\n"
	"    stackcount -p 181 c:malloc -d 10         # process 181's malloc callers\n"
	"    stackcount -f t:block:block_rq_issue > io.folded   # for flamegraph(8)\n"
	"    stackcount --svg open.svg 't:syscalls:sys_enter_open*' -d 10";

enum { OPT_MAX_PROBES = 2000 };

static const struct argp_option options[] = {
	{ "max-probes", OPT_MAX_PROBES, "N", 0,
	  "Refuse a pattern matching more than N probes (default 1000)", 0 },
	BK_STACK_ARGP_OPTIONS,
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case OPT_MAX_PROBES:
		if (bk_parse_long(arg, 1, 1000000, &opt.max_probes))
			bk_usage(state, "invalid --max-probes '%s': want 1 to 1000000", arg);
		break;
	case ARGP_KEY_ARG:
		if (opt.pattern) {
			bk_parse_interval_arg(state, arg);
			break;
		}
		opt.pattern = arg;
		if (probespec_parse(arg, &opt.ps))
			bk_usage(state, "%s", bk_error());
		if (opt.ps.kind == PROBESPEC_USDT &&
		    (strpbrk(opt.ps.group, "*?[") || strpbrk(opt.ps.glob, "*?[") || !opt.ps.group[0]))
			bk_usage(state, "a USDT probe is named whole, u:PATH:PROVIDER:NAME, without globs");
		break;
	case ARGP_KEY_END:
		if (!opt.pattern)
			bk_usage(state, "what to count? give a PATTERN such as 'c:malloc' or "
				 "'t:sched:sched_switch'");
		return bk_stack_parse_opt(key, arg, state);
	default:
		return bk_stack_parse_opt(key, arg, state);
	}
	return 0;
}

/* A USDT probe: the binary as -p's process sees it, one link. */
static int attach_usdt(struct stackcount_bpf *skel, struct bk_links *l)
{
	char path[PATH_MAX];
	int err = uprobe_target_resolve(opt.ps.target, bk_env.pid, path, sizeof(path));

	if (err) {
		bk_set_error("cannot find '%s': %s", opt.ps.target, strerror(-err));
		return err;
	}
	return bk_usdt_attach(l, skel->progs.handle_hit_usdt, bk_env.pid, path, opt.ps.group,
			      opt.ps.glob);
}

/* Attaches to every probe; kernel functions by kprobe.multi, else kprobes. */
static int attach_probes(struct stackcount_bpf *skel, struct probe_set *set, struct bk_links *l)
{
	int err;

	switch (opt.ps.kind) {
	case PROBESPEC_USDT:
		return attach_usdt(skel, l);
	case PROBESPEC_UFUNC:
		return probe_set_attach(set, skel->progs.handle_hit, bk_env.pid, false, l);
	case PROBESPEC_TRACEPOINT:
		return probe_set_attach(set, skel->progs.handle_hit_tracepoint, 0, false, l);
	}
	err = probe_set_attach(set, skel->progs.handle_hit_kprobe_multi, 0, false, l);
	if (!err) {
		bk_attach_path = "kprobe.multi";
		return 0;
	}
	bk_info(1, "%s; one kprobe per function instead", bk_error());
	return probe_set_attach(set, skel->progs.handle_hit_kprobe, 0, false, l);
}

int main(int argc, char **argv)
{
	struct stackcount_bpf *skel = NULL;
	struct probe_set set = {};
	struct bk_stack_tool st = {};
	struct bk_links links = {};
	struct bk_flame_opts fo;
	struct bk_loop loop = {};
	int err;

	/* Arguments; the shared letters land in bk_env and bk_stack_env. */
	bk_parse_args_doc(argc, argv, options, parse_arg, "PATTERN [interval [count]]",
			  argp_program_doc, BK_OPT_FILTERS | BK_OPT_PERTHREAD | BK_OPT_DURATION |
			  BK_OPT_JSON);

	/* Logging, privileges, BTF; then what the pattern matches. */
	err = bk_init("stackcount");
	if (err)
		goto cleanup;
	if (opt.ps.kind == PROBESPEC_KFUNC && !bk_kprobes_available()) {
		bk_set_error("kernel functions cannot be counted here: this kernel has no kprobes");
		err = -EOPNOTSUPP;
	} else if (opt.ps.kind != PROBESPEC_USDT) {
		err = probespec_match(&opt, bk_env.pid, "probes", &set);
	}
	if (err)
		goto cleanup;

	/* Open the BPF object; filters and what to record go to .rodata before load. */
	skel = stackcount_bpf__open_opts(bk_open_opts());
	err = bk_opened(skel);
	if (err)
		goto cleanup;
	bk_filter_fill(&skel->rodata->bk_filter);
	bk_stack_rodata(&skel->rodata->bk_stack_opts);
	/* The ring buffer only carries notices of new processes: 64 KB holds 4,000. */
	err = bk_events_size(skel->maps.events, &skel->rodata->bk_wakeup, 64 << 10);
	if (!err)
		err = bk_stack_maps_size(skel->maps.stacks, skel->maps.counts, bk_stack_env.storage);
	if (err)
		goto cleanup;

	/* The programs for the pattern's kind of probe. */
	struct bk_variant variants[] = {
		[PROBESPEC_UFUNC] = { "uprobe", { skel->progs.handle_hit, skel->progs.handle_exec } },
		[PROBESPEC_TRACEPOINT] = { "tracepoint", { skel->progs.handle_hit_tracepoint,
							   skel->progs.handle_exec } },
		[PROBESPEC_KFUNC] = { "kprobe", { skel->progs.handle_hit_kprobe_multi,
						  skel->progs.handle_hit_kprobe, skel->progs.handle_exec } },
		[PROBESPEC_USDT] = { "usdt", { skel->progs.handle_hit_usdt, skel->progs.handle_exec } },
	};
	err = bk_choose(variants, 4, variants[opt.ps.kind].name);
	if (err < 0)
		goto cleanup;
	/* Functions of a binary: one multi-uprobe link where the kernel has them. */
	if (opt.ps.kind == PROBESPEC_UFUNC && bk_uprobe_multi_available()) {
		err = bk_uprobe_multi_use(skel->progs.handle_hit);
		if (err)
			goto cleanup;
		bk_attach_path = "uprobe.multi";
	}

	/* Load (the verifier runs here); the probes, then the rest. */
	err = bk_load(skel->skeleton);
	if (!err)
		err = attach_probes(skel, &set, &links);
	if (!err)
		err = bk_attach(skel->skeleton);
	if (err)
		goto cleanup;
	if (opt.ps.kind != PROBESPEC_USDT)
		probe_set_notes(&set);

	/* Symbols, the report, notices of new processes, lost stacks, signals. */
	err = bk_stack_tool_init(&st, skel->maps.stacks, skel->maps.counts, "count", 1, "hits");
	if (!err)
		err = bk_stack_tool_loop(&st, &loop, skel->maps.events, &skel->bss->bk_drops,
					 BK_STACK_LOST(skel));
	if (err)
		goto cleanup;
	bk_signals();
	if (st.rep.mode == BK_STACK_TEXT)
		printf("Tracing %s of %zu probe%s matching '%s'... Ctrl-C to end.\n\n",
		       bk_stack_what(), opt.ps.kind == PROBESPEC_USDT ? 1 : set.n,
		       opt.ps.kind == PROBESPEC_USDT || set.n == 1 ? "" : "s", opt.pattern);

	/* Until Ctrl-C, SIGTERM, -d or the count; stacks print each interval and at the end. */
	err = bk_run(&loop);
	bk_flame_opts_default(&fo);
	fo.title = "Stack counts";
	fo.subtitle = opt.pattern;
	fo.count_name = "hits";
	if (!err)
		err = bk_stack_tool_svg(&st, &fo);

cleanup:
	bk_loop_free(&loop);
	bk_links_destroy(&links);
	stackcount_bpf__destroy(skel);
	bk_stack_tool_free(&st);
	probe_set_free(&set);
	return bk_exit(err);
}
