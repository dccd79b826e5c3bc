// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * biostacks: block I/O time (or requests) by the kernel and user stacks
 * that made the requests.
 */
#include <argp.h>
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "block/block.h"
#include "core/attach.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/opts.h"
#include "core/setup.h"
#include "stacks/tool.h"
#include "biostacks.skel.h"

static struct {
	bool queued, requests;
	struct bk_disk disk;
} opt;

const char argp_program_doc[] =
	"Sum block I/O time by the kernel and user stacks that made the requests: the\n"
	"device's time (with -Q from the request's start) in microseconds, or with\n"
	"--requests the number of requests.\n"
	"\n"
	"USAGE: biostacks [-Q] [--requests] [--disk DISK] [-p PID] [-t TID] [-u UID]\n"
	"                 [-n COMM] [--cgroup PATH] [-K | --user-only] [-L] [-f | -j]\n"
	"                 [--svg FILE] [-d SECONDS] [interval [count]]\n"
	"\n"
	"EXAMPLES:\n"
	"    biostacks -d 10             # 10 s, every disk, the most time last\n"
	"    biostacks --requests -p 181 # the requests of process 181, by stack\n"
	"    biostacks --disk sda -K     # sda, kernel stacks only\n"
	"    biostacks --svg io.svg -d 30  # a flame graph of 30 s of I/O";

enum { OPT_REQUESTS = 2000 };

static const struct argp_option options[] = {
	{ "queued", 'Q', NULL, 0, "Time from the request's start, its time queued in the kernel included", 0 },
	{ "requests", OPT_REQUESTS, NULL, 0, "Count requests instead of summing their time", 0 },
	BK_DISK_OPTION,
	BK_STACK_ARGP_OPTIONS,
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'Q':
		opt.queued = true;
		break;
	case OPT_REQUESTS:
		opt.requests = true;
		break;
	case BK_OPT_DISK:
		bk_disk_arg(state, arg, &opt.disk);
		break;
	default:
		return bk_stack_parse_opt(key, arg, state);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct biostacks_bpf *skel = NULL;
	struct bk_stack_tool st = {};
	struct bk_loop loop = {};
	int err;

	/* Arguments; the shared letters land in bk_env and bk_stack_env. */
	bk_parse_args_doc(argc, argv, options, parse_arg, "[interval [count]]", argp_program_doc,
			  BK_OPT_FILTERS | BK_OPT_PERTHREAD | BK_OPT_DURATION | BK_OPT_JSON |
			  BK_OPT_FORCE_PATH);

	/* Logging, privileges, BTF; then open the BPF object. */
	err = bk_init("biostacks");
	if (err)
		goto cleanup;
	skel = biostacks_bpf__open_opts(bk_open_opts());
	err = bk_opened(skel);
	if (err)
		goto cleanup;

	/* The attach path (with the issuers, where the stacks are taken), settings. */
	struct bk_block_progs progs = BK_BLOCK_PROGS(skel->progs);
	err = bk_block_choose(&progs, true, &opt.disk, bk_env.force_path, &skel->rodata->bk_block);
	if (err)
		goto cleanup;
	bpf_program__set_autoload(skel->progs.handle_exec, true);
	err = BK_STACK_TOOL_PREPARE(skel);
	if (err)
		goto cleanup;
	skel->rodata->targ_queued = opt.queued;
	skel->rodata->targ_requests = opt.requests;

	/* Load (the verifier runs here) and attach. */
	err = bk_start(skel->skeleton);
	if (err)
		goto cleanup;

	/* Symbols, the report, notices of new processes, lost stacks and requests, signals. */
	err = BK_STACK_TOOL_START(&st, &loop, skel, opt.requests ? "requests" : "us",
				  opt.requests ? 1 : 1000, "requests", "requests were not followed");
	if (err)
		goto cleanup;
	bk_signals();
	if (st.rep.mode == BK_STACK_TEXT)
		printf("Tracing block I/O %s by %s... Ctrl-C to end.\n\n",
		       opt.requests ? "requests" : opt.queued ? "time from start (us)" : "device time (us)",
		       bk_stack_what());

	/* Until Ctrl-C, SIGTERM, -d or the count; stacks print each interval and at the end. */
	err = bk_run(&loop);
	if (!err)
		err = bk_stack_tool_flame(&st, opt.requests ? "Block I/O requests" : "Block I/O time",
					  BK_FLAME_ONCPU);

cleanup:
	bk_loop_free(&loop);
	biostacks_bpf__destroy(skel);
	bk_stack_tool_free(&st);
	return bk_exit(err);
}
