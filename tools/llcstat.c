// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * llcstat: last-level cache references, misses and hit ratio per process
 * (or thread) and CPU, sampled from the hardware cache counters.
 */
#include <argp.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "core/attach.h"
#include "core/json.h"
#include "core/links.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/maps.h"
#include "core/opts.h"
#include "core/output.h"
#include "core/perf_event.h"
#include "core/setup.h"
#include "llcstat.h"
#include "llcstat.skel.h"

static struct {
	long period;
	int fd;
} opt = { .period = 100 };

const char argp_program_doc[] =
	"Sample the last-level cache references and misses of each process (or thread)\n"
	"on each CPU, from the hardware cache counters (a PMU: most VMs have none).\n"
	"Without an interval the table is printed once, at Ctrl-C or after -d.\n"
	"\n"
	"USAGE: llcstat [-p PID] [-t TID] [-u UID] [-n COMM] [--cgroup PATH] [-L]\n"
	"               [--period N] [-j] [-d SECONDS] [interval [count]]\n"
	"\n"
	"EXAMPLES:\n"
	"    llcstat -d 10             # 10 seconds, per process and CPU\n"
	"    llcstat -L --period 1000  # per thread, a sample every 1000 events";

enum { OPT_PERIOD = 2000 };

static const struct argp_option options[] = {
	{ "period", OPT_PERIOD, "N", 0, "A sample every N events of each kind (default 100)", 0 },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case OPT_PERIOD:
		if (bk_parse_long(arg, 1, 1L << 32, &opt.period))
			bk_usage(state, "invalid --period '%s': want a number of events >= 1", arg);
		break;
	case ARGP_KEY_ARG:
		bk_parse_interval_arg(state, arg);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

struct row {
	struct llcstat_key key;
	struct llcstat_val v;
};

static int by_refs(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->v.references != y->v.references)
		return x->v.references < y->v.references ? 1 : -1;
	return (x->key.tgid > y->key.tgid) - (x->key.tgid < y->key.tgid);
}

static int print_counts(void *ctx)
{
	struct row *rows = NULL;
	char t[64], comm[4 * 16];
	struct bk_json j;
	long n = bk_map_drain_rows(opt.fd, sizeof(rows->key), sizeof(rows->v),
				   offsetof(struct row, v), sizeof(*rows), LLCSTAT_MAX, (void **)&rows);

	if (n < 0)
		return (int)n;
	qsort(rows, n, sizeof(*rows), by_refs);
	if (bk_env.interval_s && !bk_env.json) {
		bk_time_hms(t, sizeof(t), bk_now_ns());
		printf("\n%s\n", t);
	}
	bk_time_iso(t, sizeof(t), bk_now_ns());
	if (!bk_env.json)
		printf("%-*s %s%-*s %3s %14s %14s %7s\n", BK_W_PID, "PID",
		       bk_env.per_thread ? "TID     " : "", BK_W_COMM, "COMM", "CPU", "REFERENCES",
		       "MISSES", "HIT%");
	for (long i = 0; i < n; i++) {
		const struct row *r = &rows[i];
		double hit = r->v.references > r->v.misses ?
			     100.0 * (r->v.references - r->v.misses) / r->v.references : 0;

		if (bk_env.json) {
			bk_json_begin(&j, stdout);
			bk_json_str(&j, "time", t, sizeof(t));
			bk_json_uint(&j, "pid", r->key.tgid);
			if (bk_env.per_thread)
				bk_json_uint(&j, "tid", r->key.tid);
			bk_json_str(&j, "comm", r->key.comm, sizeof(r->key.comm));
			bk_json_uint(&j, "cpu", r->key.cpu);
			bk_json_uint(&j, "references", r->v.references);
			bk_json_uint(&j, "misses", r->v.misses);
			bk_json_bool(&j, "approx", true);
			bk_json_end(&j);
			continue;
		}
		bk_escape(comm, sizeof(comm), r->key.comm, sizeof(r->key.comm));
		printf("%-*u ", BK_W_PID, r->key.tgid);
		if (bk_env.per_thread)
			printf("%-7u ", r->key.tid);
		printf("%-*s %3u %14llu %14llu %6.2f%%\n", BK_W_COMM, comm, r->key.cpu,
		       (unsigned long long)r->v.references, (unsigned long long)r->v.misses, hit);
	}
	free(rows);
	return 0;
}

/* One hardware cache event per CPU, every `period` events, running prog. */
static int attach_cache(struct bpf_program *prog, __u64 config, struct bk_links *links)
{
	struct perf_event_attr attr = {
		.size = sizeof(attr),
		.type = PERF_TYPE_HARDWARE,
		.config = config,
		.sample_period = (__u64)opt.period,
	};
	int n = bk_perf_attach_cpus(prog, &attr, links);

	if (n == -ENOENT)
		n = bk_set_unsupported("hardware cache counters (no PMU, as in most VMs): "
				       "last-level cache references and misses cannot be counted");
	return n < 0 ? n : 0;
}

int main(int argc, char **argv)
{
	struct llcstat_bpf *skel = NULL;
	struct bk_links links = {};
	struct bk_loop loop = {};
	int err;

	/* Arguments; the shared letters land in bk_env. */
	bk_parse_args_doc(argc, argv, options, parse_arg, "[interval [count]]", argp_program_doc,
			  BK_OPT_FILTERS | BK_OPT_PERTHREAD | BK_OPT_DURATION | BK_OPT_JSON);

	/* Logging, privileges, BTF; then open the BPF object. */
	err = bk_init("llcstat");
	if (err)
		goto cleanup;
	skel = llcstat_bpf__open_opts(bk_open_opts());
	err = bk_opened(skel);
	if (err)
		goto cleanup;

	/* Filters and the sampling period go to .rodata before load. */
	bk_filter_fill(&skel->rodata->bk_filter);
	skel->rodata->targ_period = (__u64)opt.period;
	skel->rodata->targ_per_thread = bk_env.per_thread;

	/* Load, then the two hardware cache events on every CPU. */
	err = bk_load(skel->skeleton);
	if (!err)
		err = attach_cache(skel->progs.handle_ref, PERF_COUNT_HW_CACHE_REFERENCES, &links);
	if (!err)
		err = attach_cache(skel->progs.handle_miss, PERF_COUNT_HW_CACHE_MISSES, &links);
	if (err)
		goto cleanup;
	bk_attach_path = "perf_event";
	err = bk_attach(skel->skeleton);
	if (err)
		goto cleanup;
	opt.fd = bpf_map__fd(skel->maps.counts);

	/* Signals; no events: the counts are read at every interval. */
	bk_signals();
	if (!bk_env.json && !bk_env.interval_s)
		printf("Sampling last-level cache references and misses every %ld events... "
		       "Hit Ctrl-C to end.\n", opt.period);

	/* Until Ctrl-C, SIGTERM, -d or count intervals; the last one at the end. */
	loop.drops = &skel->bss->count_drops;
	loop.drop_what = "samples (no room for another process on a CPU)";
	bk_summary(&loop, print_counts, NULL);
	err = bk_run(&loop);

cleanup:
	bk_links_destroy(&links);
	llcstat_bpf__destroy(skel);
	return bk_exit(err);
}
