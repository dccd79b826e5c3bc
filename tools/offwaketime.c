// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * offwaketime: time off CPU by the blocked thread's stacks joined with the
 * stacks of the thread that woke it.
 */
#include <argp.h>
#include <stdio.h>
#include <bpf/libbpf.h>
#include "core/attach.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/opts.h"
#include "core/setup.h"
#include "kernel/sched.h"
#include "stacks/tool.h"
#include "offwaketime.h"
#include "offwaketime.skel.h"

const char argp_program_doc[] =
	"Sum the time threads spend blocked off CPU by their stacks joined with the\n"
	"stacks of the thread that woke them (the waker's stacks at the wake-up), in\n"
	"microseconds. Folded (-f), the waker's frames follow a \"--\" from the\n"
	"wake-up outwards, marked _[w]. The filters name the blocked threads.\n"
	"\n"
	"USAGE: offwaketime [-p PID] [-t TID] [-u UID] [-n COMM] [--cgroup PATH]\n"
	"                   [--state STATE] [--min-us US] [--max-us US]\n"
	"                   [-K | --user-only] [-L] [-f | -j] [--svg FILE]\n"
	"                   [-d SECONDS] [interval [count]]\n"
	"\n"
	"EXAMPLES:\n"
	"    offwaketime -p 181 -d 5     # process 181's blocks and their wakers\n"
	"    offwaketime -K -d 5         # kernel stacks only\n"
	"    offwaketime --state D -d 5  # uninterruptible waits (I/O, locks)\n"
	"    offwaketime -f -d 10 > offwake.folded  # folded, for flamegraph(8)\n"
	"    offwaketime --svg offwake.svg -d 10    # the flame graph directly";

static const struct argp_option options[] = {
	BK_STACK_ARGP_STATE_OPTION,
	BK_STACK_ARGP_WAIT_OPTIONS,
	BK_STACK_ARGP_OPTIONS,
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	if (key == ARGP_KEY_END && !bk_stack_env.state)
		bk_usage(state, "--state R: a preempted thread has no waker; want S, D, T, t, I or a mask");
	return bk_stack_parse_opt(key, arg, state);
}

int main(int argc, char **argv)
{
	struct offwaketime_bpf *skel = NULL;
	struct bk_stack_tool st = {};
	struct bk_loop loop = {};
	int err;

	/* Arguments; the shared letters land in bk_env and bk_stack_env. */
	bk_parse_args_doc(argc, argv, options, parse_arg, "[interval [count]]",
			  argp_program_doc,
			  BK_OPT_FILTERS | BK_OPT_PERTHREAD | BK_OPT_DURATION | BK_OPT_JSON |
			  BK_OPT_FORCE_PATH);

	/* Logging, privileges, BTF; then open the BPF object. */
	err = bk_init("offwaketime");
	if (err)
		goto cleanup;
	skel = offwaketime_bpf__open_opts(bk_open_opts());
	err = bk_opened(skel);
	if (err)
		goto cleanup;

	/* Filters, what to record, the maps' sizes; the tool's settings. */
	err = BK_STACK_TOOL_PREPARE(skel);
	if (err)
		goto cleanup;
	bk_stack_wait_rodata(&skel->rodata->targ_min_ns, &skel->rodata->targ_max_ns);
	skel->rodata->targ_state = bk_stack_env.state;

	/* The attach path: sched_switch, sched_waking, sched_process_free as tp_btf, raw_tp, or tracepoints. */
	struct bk_variant variants[] = BK_SCHED_WAKING_VARIANTS(skel->progs, skel->progs.handle_exec);
	err = bk_choose(variants, BK_SCHED_NPATHS, bk_env.force_path);
	if (err < 0)
		goto cleanup;

	/* Load (the verifier runs here) and attach. */
	err = bk_start(skel->skeleton);
	if (err)
		goto cleanup;

	/* Symbols, the report (a pair of stacks per key), notices, lost stacks, signals. */
	err = BK_STACK_TOOL_START(&st, &loop, skel, "us", 1000, "blocked intervals",
				  "blocks of threads were not timed");
	if (err)
		goto cleanup;
	st.rep.waker = true;
	bk_signals();
	if (st.rep.mode == BK_STACK_TEXT)
		printf("Tracing time blocked (us) by %s, with the waker's... Ctrl-C to end.\n\n",
		       bk_stack_what());

	/* Until Ctrl-C, SIGTERM, -d or the count; stacks print each interval and at the end. */
	err = bk_run(&loop);
	if (!err)
		err = bk_stack_tool_flame(&st, "Off-wake time", BK_FLAME_OFFCPU);

cleanup:
	bk_loop_free(&loop);
	offwaketime_bpf__destroy(skel);
	bk_stack_tool_free(&st);
	return bk_exit(err);
}
