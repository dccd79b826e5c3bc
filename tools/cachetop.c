// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * cachetop: cachestat per process, top-style: page-cache hits, misses,
 * dirtied and evicted pages of the processes that used the cache most in
 * each interval.
 */
#include <argp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "core/attach.h"
#include "core/json.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/maps.h"
#include "core/opts.h"
#include "core/output.h"
#include "core/setup.h"
#include "cachetop.h"
#include "cachetop.skel.h"

enum { SORT_HITS, SORT_MISSES, SORT_DIRTIED, SORT_EVICTED };

static struct {
	bool no_clear, clear;
	long rows;
	int sort;
} opt = { .rows = 20, .sort = SORT_HITS };

const char argp_program_doc[] =
	"Show page-cache hits, misses, dirtied and evicted pages per process,\n"
	"top-style, every interval (1 s by default). Hits are an approximation, as\n"
	"cachestat's: see cachestat(8).\n"
	"\n"
	"USAGE: cachetop [-p PID] [-t TID] [-u UID] [-n COMM] [--cgroup PATH] [-C]\n"
	"                [-r ROWS] [-S KEY] [-j] [-d SECONDS] [interval [count]]\n"
	"\n"
	"EXAMPLES:\n"
	"    cachetop             # refresh every second\n"
	"    cachetop -C 5 3      # three 5-second intervals, without clearing\n"
	"    cachetop -S misses   # the processes that miss most first\n"
	"    cachetop -u 1000     # user 1000's processes";

static const struct argp_option options[] = {
	{ "no-clear", 'C', NULL, 0, "Do not clear the screen between refreshes", 0 },
	{ "rows", 'r', "ROWS", 0, "Show at most ROWS processes per refresh (default 20)", 0 },
	{ "sort", 'S', "KEY", 0, "Sort by hits (default), misses, dirtied or evicted", 0 },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	static const char *const keys[] = { "hits", "misses", "dirtied", "evicted" };
	int i;

	switch (key) {
	case 'C':
		opt.no_clear = true;
		break;
	case 'r':
		if (bk_parse_long(arg, 1, CACHETOP_PROCS, &opt.rows))
			bk_usage(state, "invalid --rows '%s': want 1 to %d", arg, CACHETOP_PROCS);
		break;
	case 'S':
		for (i = 0; i < 4 && strcmp(arg, keys[i]); i++)
			;
		if (i == 4)
			bk_usage(state, "invalid --sort '%s': want hits, misses, dirtied or evicted",
				 arg);
		opt.sort = i;
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
	__u32 tgid;
	__u32 pad;
	struct cachetop_proc p;
	__u64 hits, misses;	/* computed */
};

static __u64 sort_value(const struct row *r)
{
	switch (opt.sort) {
	case SORT_MISSES:
		return r->misses;
	case SORT_DIRTIED:
		return r->p.c[CACHESTAT_DIRTIED];
	case SORT_EVICTED:
		return r->p.c[CACHESTAT_EVICTED];
	default:
		return r->hits;
	}
}

static int by_sort(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	__u64 vx = sort_value(x), vy = sort_value(y);

	if (vx != vy)
		return vx > vy ? -1 : 1;
	return x->tgid < y->tgid ? -1 : x->tgid > y->tgid;
}

struct state {
	struct cachetop_bpf *skel;
	bool approx;
	__u64 lost_seen;
};

/* Takes the interval's counts out of the table and prints the top rows. */
static int print_interval(void *ctx)
{
	struct state *s = ctx;
	__u64 now = bk_now_ns(), lost;
	struct row *rows = NULL;
	char t[40], comm[4 * 16];
	struct bk_json j;
	long n, i;

	n = bk_map_drain_rows(bpf_map__fd(s->skel->maps.procs), sizeof(__u32),
			      sizeof(struct cachetop_proc), offsetof(struct row, p),
			      sizeof(struct row), CACHETOP_PROCS + CACHETOP_PROCS / 4,
			      (void **)&rows);
	if (n < 0)
		return (int)n;
	for (i = 0; i < n; i++) {
		const __u64 *c = rows[i].p.c;

		/* As cachestat: accesses that added no page were hits. */
		rows[i].misses = c[CACHESTAT_ADDED];
		rows[i].hits = c[CACHESTAT_ACCESSES] > c[CACHESTAT_ADDED] ?
				       c[CACHESTAT_ACCESSES] - c[CACHESTAT_ADDED] : 0;
	}
	qsort(rows, n, sizeof(*rows), by_sort);
	lost = s->skel->bss->cachetop_lost;
	if (lost > s->lost_seen)
		bk_warn("%llu counts were lost: the table of %d processes was full",
			(unsigned long long)(lost - s->lost_seen), CACHETOP_PROCS);
	s->lost_seen = lost;
	bk_time_iso(t, sizeof(t), now);
	if (!bk_env.json) {
		if (opt.clear)
			printf("\033[H\033[2J");
		bk_time_hms(t, sizeof(t), now);
		printf("%s  %ld processes%s\n\n", t, n,
		       s->approx ? "; hits approximated (see CAVEATS in cachestat(8))" : "");
		printf("%-*s %-*s %-*s %10s %10s %10s %10s %7s\n", BK_W_PID, "PID", BK_W_UID, "UID",
		       BK_W_COMM, "COMM", "HITS", "MISSES", "DIRTIED", "EVICTED", "HIT%");
	}
	for (i = 0; i < n && i < opt.rows; i++) {
		const struct row *r = &rows[i];
		__u64 total = r->hits + r->misses;

		if (bk_env.json) {
			bk_json_begin(&j, stdout);
			bk_json_str(&j, "time", t, sizeof(t));
			bk_json_uint(&j, "pid", r->tgid);
			bk_json_uint(&j, "uid", r->p.uid);
			bk_json_str(&j, "comm", r->p.comm, sizeof(r->p.comm));
			bk_json_uint(&j, "hits", r->hits);
			bk_json_uint(&j, "misses", r->misses);
			bk_json_uint(&j, "dirtied", r->p.c[CACHESTAT_DIRTIED]);
			bk_json_uint(&j, "evicted", r->p.c[CACHESTAT_EVICTED]);
			bk_json_bool(&j, "approx", s->approx);
			bk_json_end(&j);
			continue;
		}
		bk_escape(comm, sizeof(comm), r->p.comm, sizeof(r->p.comm));
		printf("%-*u %-*u %-*s %10llu %10llu %10llu %10llu %6.2f%%\n", BK_W_PID, r->tgid,
		       BK_W_UID, r->p.uid, BK_W_COMM, comm, (unsigned long long)r->hits,
		       (unsigned long long)r->misses,
		       (unsigned long long)r->p.c[CACHESTAT_DIRTIED],
		       (unsigned long long)r->p.c[CACHESTAT_EVICTED],
		       total ? 100.0 * r->hits / total : 0.0);
	}
	if (!bk_env.json)
		printf("\n");
	free(rows);
	return 0;
}

int main(int argc, char **argv)
{
	struct cachetop_bpf *skel = NULL;
	struct bk_loop loop = {};
	struct state st = {};
	int err;

	/* Arguments; the shared letters land in bk_env. One second by default. */
	bk_env.interval_s = 1;
	bk_parse_args_doc(argc, argv, options, parse_arg, "[interval [count]]", argp_program_doc,
			  BK_OPT_FILTERS | BK_OPT_DURATION | BK_OPT_JSON | BK_OPT_FORCE_PATH);
	opt.clear = !opt.no_clear && !bk_env.json && isatty(STDOUT_FILENO);

	/* Logging, privileges, BTF; then open the BPF object. */
	err = bk_init("cachetop");
	if (err)
		goto cleanup;
	skel = cachetop_bpf__open_opts(bk_open_opts());
	err = bk_opened(skel);
	if (err)
		goto cleanup;

	/* Filters go to .rodata before load. */
	bk_filter_fill(&skel->rodata->bk_filter);

	/* The attach path, as cachestat's. */
	struct bk_variant variants[] = {
		{ "tracepoint", { skel->progs.handle_get_pages, skel->progs.handle_add },
		  { skel->progs.handle_fault, skel->progs.handle_dirty, skel->progs.handle_delete } },
	};
	err = bk_choose(variants, 1, bk_env.force_path);
	if (err < 0)
		goto cleanup;
	st.approx = !strcmp(bk_attach_path, "tracepoint");

	/* Load (the verifier runs here) and attach. */
	err = bk_start(skel->skeleton);
	if (err)
		goto cleanup;

	/* Signals; every interval the counts are taken out and shown. */
	st.skel = skel;
	bk_signals();
	bk_summary(&loop, print_interval, &st);
	err = bk_run(&loop);

cleanup:
	cachetop_bpf__destroy(skel);
	return bk_exit(err);
}
