// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * pidpersec: new processes (and threads) per second, every interval.
 */
#include <argp.h>
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "core/attach.h"
#include "core/json.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/maps.h"
#include "core/opts.h"
#include "core/output.h"
#include "core/setup.h"
#include "pidpersec.h"
#include "pidpersec.skel.h"

const char argp_program_doc[] =
	"Count new processes (fork, vfork, clone) and new threads, and print their\n"
	"rates every interval.\n"
	"\n"
	"USAGE: pidpersec [-p PID] [-t TID] [-u UID] [-n COMM] [--cgroup PATH] [-j]\n"
	"                 [-d SECONDS] [interval [count]]\n"
	"\n"
	"EXAMPLES:\n"
	"    pidpersec                 # rates every second until Ctrl-C\n"
	"    pidpersec 5 12            # every 5 seconds, 12 times\n"
	"    pidpersec -n make         # processes and threads make starts\n"
	"    pidpersec -j 10           # JSON lines with the counts, every 10 s";

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case ARGP_KEY_ARG:
		bk_parse_interval_arg(state, arg);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

#define W_RATE 10

struct state {
	struct bk_counters counts;
	__u64 last_ns;
};

static void print_header(void)
{
	if (bk_env.json)
		return;
	printf("%-*s %*s %*s\n", BK_W_TIME, "TIME", W_RATE, "PROCS/s", W_RATE, "THREADS/s");
}

/* Prints what was counted since the last call (counters diffed, never zeroed). */
static int print_interval(void *ctx)
{
	struct state *s = ctx;
	__u64 now = bk_now_ns(), procs, threads;
	double secs = (now - s->last_ns) / 1e9;
	char t[40];
	struct bk_json j;
	int err = bk_counters_read(&s->counts, PIDPERSEC_KEYS);

	if (err)
		return err;
	procs = *(const __u64 *)bk_counters_delta(&s->counts, PIDPERSEC_PROCESSES);
	threads = *(const __u64 *)bk_counters_delta(&s->counts, PIDPERSEC_THREADS);
	s->last_ns = now;
	if (secs <= 0)
		secs = 1e-9;
	if (bk_env.json) {
		bk_time_iso(t, sizeof(t), now);
		bk_json_begin(&j, stdout);
		bk_json_str(&j, "time", t, sizeof(t));
		bk_json_uint(&j, "interval_ms", (unsigned long long)(secs * 1000 + 0.5));
		bk_json_uint(&j, "processes", procs);
		bk_json_uint(&j, "threads", threads);
		bk_json_end(&j);
		return 0;
	}
	bk_time_hms(t, sizeof(t), now);
	printf("%-*s %*.0f %*.0f\n", BK_W_TIME, t, W_RATE, procs / secs, W_RATE, threads / secs);
	return 0;
}

int main(int argc, char **argv)
{
	struct pidpersec_bpf *skel = NULL;
	struct bk_loop loop = {};
	struct state st = {};
	int err;

	/* Arguments; the shared letters land in bk_env. One second by default. */
	bk_env.interval_s = 1;
	bk_parse_args_doc(argc, argv, NULL, parse_arg, "[interval [count]]", argp_program_doc,
			  BK_OPT_FILTERS | BK_OPT_DURATION | BK_OPT_JSON | BK_OPT_FORCE_PATH);

	/* Logging, privileges, BTF; then open the BPF object. */
	err = bk_init("pidpersec");
	if (err)
		goto cleanup;
	skel = pidpersec_bpf__open_opts(bk_open_opts());
	err = bk_opened(skel);
	if (err)
		goto cleanup;

	/* Filters go to .rodata before load. */
	bk_filter_fill(&skel->rodata->bk_filter);

	/* sched_process_fork with its new task: tp_btf, else raw_tp. */
	struct bk_variant variants[] = {
		{ "tp_btf", { skel->progs.handle_fork } },
		{ "raw_tp", { skel->progs.handle_fork_raw } },
	};
	err = bk_choose(variants, 2, bk_env.force_path);
	if (err < 0)
		goto cleanup;

	/* Load (the verifier runs here) and attach. */
	err = bk_start(skel->skeleton);
	if (err)
		goto cleanup;

	/* The counters, read every interval. */
	err = bk_counters_init(&st.counts, bpf_map__fd(skel->maps.counts), 1);
	if (err)
		goto cleanup;
	st.last_ns = bk_now_ns();

	/* Signals, then the header. */
	bk_signals();
	print_header();

	/* Until Ctrl-C, SIGTERM, -d or the count; what is left is printed too. */
	bk_summary(&loop, print_interval, &st);
	err = bk_run(&loop);

cleanup:
	bk_counters_free(&st.counts);
	pidpersec_bpf__destroy(skel);
	return bk_exit(err);
}
