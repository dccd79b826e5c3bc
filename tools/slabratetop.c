// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * slabratetop: kernel slab allocations by cache, top-style: the caches
 * allocated from most in each interval.
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "core/attach.h"
#include "core/json.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/opts.h"
#include "core/output.h"
#include "core/setup.h"
#include "core/top.h"
#include "slabratetop.h"
#include "slabratetop.skel.h"

enum { SORT_ALLOCS, SORT_BYTES };

/* The screen and its options, set out below its printers. */
static struct bk_top top;

const char argp_program_doc[] =
	"Show kernel slab allocations by cache, top-style: every interval (1 s by\n"
	"default) the caches allocated from most, by bytes or by count.\n"
	"\n"
	"USAGE: slabratetop [-p PID] [-t TID] [-u UID] [-n COMM] [--cgroup PATH] [-C]\n"
	"                   [-r ROWS] [-S allocs|bytes] [-j] [-d SECONDS]\n"
	"                   [interval [count]]\n"
	"\n"
	"EXAMPLES:\n"
	"    slabratetop            # refresh every second\n"
	"    slabratetop -C 5 3     # three 5-second intervals, without clearing\n"
	"    slabratetop -S allocs  # by number of allocations\n"
	"    slabratetop -p 181     # allocations made by process 181";

static const struct argp_option options[] = {
	BK_TOP_ARGP_OPTIONS("caches", "KEY", "Sort by allocs or bytes (default bytes)"),
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	return bk_top_parse_opt(&top, key, arg, state);
}

struct row {
	struct slab_key key;
	struct slab_count c;
};

static int by_sort(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	__u64 vx = top.sort == SORT_ALLOCS ? x->c.allocs : x->c.bytes;
	__u64 vy = top.sort == SORT_ALLOCS ? y->c.allocs : y->c.bytes;

	if (vx != vy)
		return vx > vy ? -1 : 1;
	return strncmp(x->key.name, y->key.name, sizeof(x->key.name));
}

struct state {
	struct slabratetop_bpf *skel;
	__u64 lost_seen;
	__u64 allocs, bytes;	/* of the refresh's caches */
};

/* The refresh's totals; the allocations lost since the last one. */
static void prepare(void *ctx, void *rows, long n)
{
	struct state *s = ctx;
	const struct row *r = rows;
	__u64 lost;

	s->allocs = s->bytes = 0;
	for (long i = 0; i < n; i++) {
		s->allocs += r[i].c.allocs;
		s->bytes += r[i].c.bytes;
	}
	lost = s->skel->bss->slab_lost;
	if (lost > s->lost_seen)
		bk_warn("%llu allocations were not counted: the table of %d caches was full",
			(unsigned long long)(lost - s->lost_seen), SLABRATETOP_CACHES);
	s->lost_seen = lost;
}

/* The title line and the column header of a refresh. */
static void print_head(void *ctx, const char *t, long n)
{
	const struct state *s = ctx;

	printf("%s  %llu allocations, %llu bytes, %ld caches\n\n", t, (unsigned long long)s->allocs,
	       (unsigned long long)s->bytes, n);
	printf("%-32s %10s %12s\n", "CACHE", "ALLOCS", "BYTES");
}

static void print_row(void *ctx, const void *row, const char *t)
{
	const struct row *r = row;
	char name[4 * SLABRATETOP_NAME_LEN];
	struct bk_json j;

	if (bk_env.json) {
		bk_json_begin(&j, stdout);
		bk_json_str(&j, "time", t, strlen(t));
		bk_json_str(&j, "cache", r->key.name, sizeof(r->key.name));
		bk_json_uint(&j, "allocs", r->c.allocs);
		bk_json_uint(&j, "bytes", r->c.bytes);
		bk_json_end(&j);
		return;
	}
	bk_escape(name, sizeof(name), r->key.name, strnlen(r->key.name, sizeof(r->key.name)));
	printf("%-32s %10llu %12llu\n", name, (unsigned long long)r->c.allocs,
	       (unsigned long long)r->c.bytes);
}

static struct state st;

/* Every refresh: the caches of the last interval, the most allocated from first. */
static struct bk_top top = {
	.rows = 20,
	.sort = SORT_BYTES,
	.max_rows = SLABRATETOP_CACHES,
	.sort_keys = (const char *const[]){ "allocs", "bytes", NULL },
	.sort_want = "allocs or bytes",
	BK_TOP_ROW(struct row, key, c),
	.cap = SLABRATETOP_CACHES + SLABRATETOP_CACHES / 4,
	.cmp = by_sort,
	.prepare = prepare,
	.head = print_head,
	.print_row = print_row,
	.ctx = &st,
	.blank_after = true,
};

/* Whether kmem_cache_alloc's record names the cache (Linux 6.2 and later). */
static bool record_has_name(void)
{
	const char *dirs[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
	char path[128], line[256];
	bool found = false;
	FILE *f = NULL;

	for (int i = 0; i < 2 && !f; i++) {
		snprintf(path, sizeof(path), "%s/events/kmem/kmem_cache_alloc/format", dirs[i]);
		f = fopen(path, "re");
	}
	while (f && !found && fgets(line, sizeof(line), f))
		found = strstr(line, "char[] name;") != NULL;
	if (f)
		fclose(f);
	return found;
}

int main(int argc, char **argv)
{
	struct slabratetop_bpf *skel = NULL;
	struct bk_loop loop = {};
	int err;

	/* Arguments; the shared letters land in bk_env. One second by default. */
	bk_parse_args_doc(argc, argv, options, parse_arg, "[interval [count]]", argp_program_doc,
			  BK_OPT_FILTERS | BK_OPT_DURATION | BK_OPT_JSON | BK_OPT_FORCE_PATH);
	bk_top_args(&top);

	/* Logging, privileges, BTF; then open the BPF object. */
	err = bk_init("slabratetop");
	if (err)
		goto cleanup;
	skel = slabratetop_bpf__open_opts(bk_open_opts());
	err = bk_opened(skel);
	if (err)
		goto cleanup;

	/* Filters go to .rodata before load. */
	bk_filter_fill(&skel->rodata->bk_filter);

	/*
	 * The attach path: the tracepoint where its record names the cache
	 * (no CO-RE), else the raw tracepoint reading struct kmem_cache.
	 */
	bool named = record_has_name();
	struct bk_variant variants[] = {
		{ "tracepoint", { skel->progs.handle_alloc } },
		{ "raw_tp", { skel->progs.handle_alloc_raw } },
	};
	if (!named && bk_env.force_path && !strcmp(bk_env.force_path, "tracepoint")) {
		bk_set_error("the tracepoint path is not available on this kernel: the "
			     "kmem_cache_alloc record names no cache before Linux 6.2");
		err = -ENOENT;
		goto cleanup;
	}
	err = bk_choose(named ? variants : variants + 1, named ? 2 : 1, bk_env.force_path);
	if (err < 0)
		goto cleanup;

	/* Load (the verifier runs here) and attach. */
	err = bk_start(skel->skeleton);
	if (err)
		goto cleanup;

	/* Signals; every interval the counts are taken out and shown. */
	st.skel = skel;
	top.fd = bpf_map__fd(skel->maps.counts);
	bk_signals();
	bk_summary(&loop, bk_top_refresh, &top);
	err = bk_run(&loop);

cleanup:
	slabratetop_bpf__destroy(skel);
	return bk_exit(err);
}
