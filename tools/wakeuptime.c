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
#include "kernel/sched.h"
#include "stacks/tool.h"
#include "wakeuptime.h"
#include "wakeuptime.skel.h"

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

static const struct argp_option options[] = {
	BK_STACK_ARGP_WAIT_OPTIONS,
	BK_STACK_ARGP_OPTIONS,
	{},
};

int main(int argc, char **argv)
{
	struct wakeuptime_bpf *skel = NULL;
	struct bk_stack_tool st = {};
	struct bk_loop loop = {};
	int err;

	/* Arguments; the shared letters land in bk_env and bk_stack_env. */
	bk_parse_args_doc(argc, argv, options, bk_stack_parse_opt, "[interval [count]]", argp_program_doc,
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

	/* Filters, what to record, the maps' sizes; the tool's settings. */
	err = BK_STACK_TOOL_PREPARE(skel);
	if (err)
		goto cleanup;
	bk_stack_wait_rodata(&skel->rodata->targ_min_ns, &skel->rodata->targ_max_ns);

	/* The attach path: sched_switch, sched_waking, sched_process_free as tp_btf, raw_tp, or tracepoints. */
	struct bk_variant variants[] = BK_SCHED_WAKING_VARIANTS(skel->progs, skel->progs.handle_exec);
	err = bk_choose(variants, BK_SCHED_NPATHS, bk_env.force_path);
	if (err < 0)
		goto cleanup;

	/* Load (the verifier runs here) and attach. */
	err = bk_start(skel->skeleton);
	if (err)
		goto cleanup;

	/* Symbols, the report, notices of new processes, lost stacks, signals. */
	err = BK_STACK_TOOL_START(&st, &loop, skel, "us", 1000, "wake-ups",
				  "blocks of threads were not timed");
	if (err)
		goto cleanup;
	bk_signals();
	if (st.rep.mode == BK_STACK_TEXT)
		printf("Tracing blocked time (us) by the waker's %s... Ctrl-C to end.\n\n", bk_stack_what());

	/* Until Ctrl-C, SIGTERM, -d or the count; stacks print each interval and at the end. */
	err = bk_run(&loop);
	if (!err)
		err = bk_stack_tool_flame(&st, "Wake-up time", BK_FLAME_OFFCPU);

cleanup:
	bk_loop_free(&loop);
	wakeuptime_bpf__destroy(skel);
	bk_stack_tool_free(&st);
	return bk_exit(err);
}
