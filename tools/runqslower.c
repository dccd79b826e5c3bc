// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * runqslower: each run-queue wait (runnable to running) at or above a
 * threshold, with the task that CPU ran before.
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <bpf/libbpf.h>
#include "core/attach.h"
#include "core/json.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/opts.h"
#include "core/output.h"
#include "core/setup.h"
#include "kernel/sched.h"
#include "runqslower.h"
#include "runqslower.skel.h"

static struct {
	double min_us;
	int npos;
} opt = { .min_us = 10000 };

const char argp_program_doc[] =
	"Trace run-queue waits (a runnable task waiting for a CPU) of at least min_us\n"
	"microseconds (default 10000), with the task the CPU ran meanwhile.\n"
	"\n"
	"USAGE: runqslower [-p PID] [-t TID] [-u UID] [-n COMM] [--cgroup PATH] [-T]\n"
	"                  [-U] [-j] [-d SECONDS] [min_us]\n"
	"\n"
	"EXAMPLES:\n"
	"    runqslower                # waits of 10 ms or more\n"
	"    runqslower 1000           # waits of 1 ms or more\n"
	"    runqslower -p 185 0       # every wait of process 185\n"
	"    runqslower -T -j          # JSON lines, with time";

static const struct argp_option options[] = {
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	char *end;

	switch (key) {
	case ARGP_KEY_ARG:
		if (opt.npos++)
			bk_usage(state, "one threshold only ('%s')", arg);
		errno = 0;
		opt.min_us = strtod(arg, &end);
		if (errno || end == arg || *end || !(opt.min_us >= 0) || opt.min_us > 1e12)
			bk_usage(state, "invalid min_us '%s': want a number of microseconds >= 0", arg);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

#define W_LAT 12

static void print_header(void)
{
	if (bk_env.json)
		return;
	bk_print_prefix_header();
	printf("%-*s %-*s %-7s %*s %-7s %s\n", BK_W_PID, "PID", BK_W_COMM, "COMM", "TID", W_LAT,
	       "LAT(us)", "PREV", "PREV_COMM");
}

static int handle_event(void *ctx, void *data, size_t size)
{
	const struct runqslower_event *e = data;
	char comm[4 * 16], prev[4 * 16];
	struct bk_json j;

	if (bk_env.json) {
		bk_json_event(&j, stdout, e->ts_ns, e->tgid, e->tid, e->uid, e->comm);
		bk_json_uint(&j, "delta_ns", e->delta_ns);
		bk_json_uint(&j, "prev_tid", e->prev_tid);
		bk_json_str(&j, "prev_comm", e->prev_comm, sizeof(e->prev_comm));
		bk_json_end(&j);
		return 0;
	}
	bk_escape(comm, sizeof(comm), e->comm, sizeof(e->comm));
	bk_escape(prev, sizeof(prev), e->prev_comm, sizeof(e->prev_comm));
	bk_print_prefix(e->ts_ns, e->uid);
	printf("%-*u %-*s %-7u %*.1f %-7u %s\n", BK_W_PID, e->tgid, BK_W_COMM, comm, e->tid, W_LAT,
	       e->delta_ns / 1e3, e->prev_tid, prev);
	return 0;
}

int main(int argc, char **argv)
{
	struct runqslower_bpf *skel = NULL;
	struct bk_loop loop = {};
	int err;

	/* Arguments; the shared letters land in bk_env. */
	bk_parse_args_doc(argc, argv, options, parse_arg, "[min_us]", argp_program_doc,
			  BK_OPT_FILTERS | BK_OPT_TIMESTAMP | BK_OPT_UIDCOL | BK_OPT_DURATION |
			  BK_OPT_JSON | BK_OPT_FORCE_PATH);

	/* Logging, privileges, BTF; then open the BPF object. */
	err = bk_init("runqslower");
	if (err)
		goto cleanup;
	skel = runqslower_bpf__open_opts(bk_open_opts());
	err = bk_opened(skel);
	if (err)
		goto cleanup;

	/* Filters and the threshold go to .rodata before load. */
	bk_filter_fill(&skel->rodata->bk_filter);
	skel->rodata->targ_min_ns = (__u64)(opt.min_us * 1000);
	/* 1 MB: about 10,000 events; waits of 0 us on a busy system come faster. */
	err = bk_events_size(skel->maps.events, &skel->rodata->bk_wakeup, 1 << 20);
	if (err)
		goto cleanup;

	/* The attach path: sched_switch and the wake-ups as tp_btf, raw_tp or tracepoints. */
	struct bk_variant variants[] = BK_SCHED_WAKEUP_VARIANTS(skel->progs);
	err = bk_choose(variants, BK_SCHED_NPATHS, bk_env.force_path);
	if (err < 0)
		goto cleanup;

	/* Load (the verifier runs here) and attach. */
	err = bk_start(skel->skeleton);
	if (err)
		goto cleanup;

	/* Events and signals, then the header. */
	err = bk_events(&loop, skel->maps.events, handle_event, NULL, &skel->bss->bk_drops);
	if (err)
		goto cleanup;
	loop.lost_starts = &skel->bss->bk_lost_starts;
	loop.lost_what = "waits were not timed";
	bk_signals();
	print_header();

	/* Until Ctrl-C, SIGTERM or -d. */
	err = bk_run(&loop);

cleanup:
	bk_loop_free(&loop);
	runqslower_bpf__destroy(skel);
	return bk_exit(err);
}
