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
#include "core/opts.h"
#include "core/output.h"
#include "core/setup.h"
#include "core/top.h"
#include "cachetop.h"
#include "cachetop.skel.h"

enum { SORT_HITS, SORT_MISSES, SORT_DIRTIED, SORT_EVICTED };

/* The screen and its options, set out below its printers. */
static struct bk_top top;

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
	BK_TOP_ARGP_OPTIONS("processes", "KEY", "Sort by hits (default), misses, dirtied or evicted"),
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	return bk_top_parse_opt(&top, key, arg, state);
}

struct row {
	__u32 tgid;
	__u32 pad;
	struct cachetop_proc p;
	__u64 hits, misses;	/* computed */
};

static __u64 sort_value(const struct row *r)
{
	switch (top.sort) {
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

/* A process's cachestat_hits() carry: pages read ahead, not yet read. */
struct carry {
	__u32 tgid;
	__u64 pages;
};

struct state {
	struct cachetop_bpf *skel;
	bool approx;
	__u64 lost_seen;
	struct carry *carries;	/* the last refresh's, by tgid */
	long ncarries;
};

static int by_tgid(const void *a, const void *b)
{
	__u32 x = ((const struct carry *)a)->tgid, y = ((const struct carry *)b)->tgid;

	return x < y ? -1 : x > y;
}

/* Hits and misses from the counts, as cachestat; the counts lost since the last refresh. */
static void prepare(void *ctx, void *rows, long n)
{
	struct state *s = ctx;
	struct row *r = rows;
	struct carry *next = n ? calloc(n, sizeof(*next)) : NULL, *old;
	long m = 0;
	__u64 lost;

	for (long i = 0; i < n; i++) {
		const __u64 *c = r[i].p.c;
		struct carry key = { .tgid = r[i].tgid };

		/* As cachestat: accesses that added no page were hits, the
		 * pages the process read ahead last time paid off first. */
		old = s->ncarries ? bsearch(&key, s->carries, s->ncarries, sizeof(key), by_tgid) : NULL;
		key.pages = old ? old->pages : 0;
		r[i].misses = c[CACHESTAT_ADDED];
		r[i].hits = cachestat_hits(c[CACHESTAT_ACCESSES], c[CACHESTAT_ADDED], &key.pages);
		if (key.pages && next)
			next[m++] = key;
	}
	/* Without memory for them, the next refresh just pays off nothing. */
	if (m)
		qsort(next, m, sizeof(*next), by_tgid);
	free(s->carries);
	s->carries = next;
	s->ncarries = m;
	lost = s->skel->bss->cachetop_lost;
	if (lost > s->lost_seen)
		bk_warn("%llu counts were lost: the table of %d processes was full",
			(unsigned long long)(lost - s->lost_seen), CACHETOP_PROCS);
	s->lost_seen = lost;
}

/* The title line and the column header of a refresh. */
static void print_head(void *ctx, const char *t, long n)
{
	const struct state *s = ctx;

	printf("%s  %ld processes%s\n\n", t, n,
	       s->approx ? "; hits approximated (see CAVEATS in cachestat(8))" : "");
	printf("%-*s %-*s %-*s %10s %10s %10s %10s %7s\n", BK_W_PID, "PID", BK_W_UID, "UID",
	       BK_W_COMM, "COMM", "HITS", "MISSES", "DIRTIED", "EVICTED", "HIT%");
}

static void print_row(void *ctx, const void *row, const char *t)
{
	const struct state *s = ctx;
	const struct row *r = row;
	__u64 total = r->hits + r->misses;
	char comm[4 * 16];
	struct bk_json j;

	if (bk_env.json) {
		bk_json_begin(&j, stdout);
		bk_json_str(&j, "time", t, strlen(t));
		bk_json_uint(&j, "pid", r->tgid);
		bk_json_uint(&j, "uid", r->p.uid);
		bk_json_str(&j, "comm", r->p.comm, sizeof(r->p.comm));
		bk_json_uint(&j, "hits", r->hits);
		bk_json_uint(&j, "misses", r->misses);
		bk_json_uint(&j, "dirtied", r->p.c[CACHESTAT_DIRTIED]);
		bk_json_uint(&j, "evicted", r->p.c[CACHESTAT_EVICTED]);
		bk_json_bool(&j, "approx", s->approx);
		bk_json_end(&j);
		return;
	}
	bk_escape(comm, sizeof(comm), r->p.comm, sizeof(r->p.comm));
	printf("%-*u %-*u %-*s %10llu %10llu %10llu %10llu %6.2f%%\n", BK_W_PID, r->tgid, BK_W_UID,
	       r->p.uid, BK_W_COMM, comm, (unsigned long long)r->hits,
	       (unsigned long long)r->misses, (unsigned long long)r->p.c[CACHESTAT_DIRTIED],
	       (unsigned long long)r->p.c[CACHESTAT_EVICTED], total ? 100.0 * r->hits / total : 0.0);
}

static struct state st;

/* Every refresh: the processes of the last interval, the busiest first. */
static struct bk_top top = {
	.rows = 20,
	.sort = SORT_HITS,
	.max_rows = CACHETOP_PROCS,
	.sort_keys = (const char *const[]){ "hits", "misses", "dirtied", "evicted", NULL },
	.sort_want = "hits, misses, dirtied or evicted",
	BK_TOP_ROW(struct row, tgid, p),
	.cap = CACHETOP_PROCS + CACHETOP_PROCS / 4,
	.cmp = by_sort,
	.prepare = prepare,
	.head = print_head,
	.print_row = print_row,
	.ctx = &st,
	.blank_after = true,
};

int main(int argc, char **argv)
{
	struct cachetop_bpf *skel = NULL;
	struct bk_loop loop = {};
	int err;

	/* Arguments; the shared letters land in bk_env. One second by default. */
	bk_parse_args_doc(argc, argv, options, parse_arg, "[interval [count]]", argp_program_doc,
			  BK_OPT_FILTERS | BK_OPT_DURATION | BK_OPT_JSON | BK_OPT_FORCE_PATH);
	bk_top_args(&top);

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
	skel->rodata->filemap_page_shift = __builtin_ctzl((unsigned long)sysconf(_SC_PAGESIZE));
	struct bk_variant variants[] = { PAGECACHE_VARIANTS(skel) };
	err = bk_choose(variants, 3, bk_env.force_path);
	if (err < 0)
		goto cleanup;
	/* Hits are accesses less additions on every path: see CAVEATS. */
	st.approx = true;

	/* Load (the verifier runs here) and attach. */
	err = bk_start(skel->skeleton);
	if (err)
		goto cleanup;

	/* Signals; every interval the counts are taken out and shown. */
	st.skel = skel;
	top.fd = bpf_map__fd(skel->maps.procs);
	bk_signals();
	bk_summary(&loop, bk_top_refresh, &top);
	err = bk_run(&loop);

cleanup:
	free(st.carries);
	cachetop_bpf__destroy(skel);
	return bk_exit(err);
}
