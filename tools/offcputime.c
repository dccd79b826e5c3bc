// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * offcputime: where threads wait. Time spent off CPU, summed by the kernel
 * and user stacks the thread blocked in, in microseconds.
 */
#include <argp.h>
#include <stdio.h>
#include <bpf/libbpf.h>
#include "core/attach.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/opts.h"
#include "core/setup.h"
#include "stacks/tool.h"
#include "offcputime.h"
#include "offcputime.skel.h"

const char argp_program_doc[] =
	"Sum the time threads spend off CPU (blocked, sleeping or preempted) by the\n"
	"kernel and user stacks they left the CPU in. Times are in microseconds.\n"
	"\n"
	"USAGE: offcputime [-p PID] [-t TID] [-n COMM] [--state STATE] [--min-us US]\n"
	"                  [--max-us US] [-K | --user-only] [-L] [-f | -j] [--svg FILE]\n"
	"                  [-d SECONDS] [interval [count]]\n"
	"\n"
	"EXAMPLES:\n"
	"    offcputime -d 10            # 10 s, all threads, longest waits last\n"
	"    offcputime -p 181 -d 5      # process 181 only\n"
	"    offcputime --state D -d 5   # uninterruptible waits (I/O, locks)\n"
	"    offcputime --min-us 10000   # waits of 10 ms or more\n"
	"    offcputime -f -d 10 > off.folded  # folded, for flamegraph(8)\n"
	"    offcputime --svg off.svg -d 10  # the same flame graph directly";

static const struct argp_option options[] = {
	BK_STACK_ARGP_STATE_OPTION,
	BK_STACK_ARGP_WAIT_OPTIONS,
	BK_STACK_ARGP_OPTIONS,
	{},
};

int main(int argc, char **argv)
{
	struct offcputime_bpf *skel = NULL;
	struct bk_stack_tool st = {};
	struct bk_loop loop = {};
	int err;

	/* Arguments; the shared letters land in bk_env and bk_stack_env. */
	bk_parse_args_doc(argc, argv, options, bk_stack_parse_opt, "[interval [count]]", argp_program_doc,
			  BK_OPT_FILTERS | BK_OPT_PERTHREAD | BK_OPT_DURATION | BK_OPT_JSON |
			  BK_OPT_FORCE_PATH);

	/* Logging, privileges, BTF; then open the BPF object. */
	err = bk_init("offcputime");
	if (err)
		goto cleanup;
	skel = offcputime_bpf__open_opts(bk_open_opts());
	err = bk_opened(skel);
	if (err)
		goto cleanup;

	/* Filters, what to record, the maps' sizes; the tool's settings. */
	err = BK_STACK_TOOL_PREPARE(skel);
	if (err)
		goto cleanup;
	bk_stack_wait_rodata(&skel->rodata->targ_min_ns, &skel->rodata->targ_max_ns);
	skel->rodata->targ_state = bk_stack_env.state;

	/* The attach path: sched_switch as tp_btf, raw_tp, or the tracepoint. */
	struct bk_variant variants[] = {
		{ "tp_btf", { skel->progs.handle_switch, skel->progs.handle_exec } },
		{ "raw_tp", { skel->progs.handle_switch_raw, skel->progs.handle_exec } },
		{ "tracepoint", { skel->progs.handle_switch_tp, skel->progs.handle_exec } },
	};
	err = bk_choose(variants, 3, bk_env.force_path);
	if (err < 0)
		goto cleanup;

	/* Load (the verifier runs here) and attach. */
	err = bk_start(skel->skeleton);
	if (err)
		goto cleanup;

	/* Symbols, the report, notices of new processes, lost stacks, signals. */
	err = BK_STACK_TOOL_START(&st, &loop, skel, "us", 1000, "blocked intervals",
				  "waits of threads were not timed");
	if (err)
		goto cleanup;
	bk_signals();
	if (st.rep.mode == BK_STACK_TEXT)
		printf("Tracing time off CPU (us) by %s... Ctrl-C to end.\n\n", bk_stack_what());

	/* Until Ctrl-C, SIGTERM, -d or the count; stacks print each interval and at the end. */
	err = bk_run(&loop);
	if (!err)
		err = bk_stack_tool_flame(&st, "Off-CPU time", BK_FLAME_OFFCPU);

cleanup:
	bk_loop_free(&loop);
	offcputime_bpf__destroy(skel);
	bk_stack_tool_free(&st);
	return bk_exit(err);
}
