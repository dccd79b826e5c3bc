// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * slabratetop: kernel slab allocations by cache, top-style: the caches
 * allocated from most in each interval.
 */
#include <argp.h>
#include <errno.h>
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
#include "slabratetop.h"
#include "slabratetop.skel.h"

enum { SORT_ALLOCS, SORT_BYTES };

static struct {
	bool no_clear, clear;
	long rows;
	int sort;
} opt = { .rows = 20, .sort = SORT_BYTES };

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
	{ "no-clear", 'C', NULL, 0, "Do not clear the screen between refreshes", 0 },
	{ "rows", 'r', "ROWS", 0, "Show at most ROWS caches per refresh (default 20)", 0 },
	{ "sort", 'S', "KEY", 0, "Sort by allocs or bytes (default bytes)", 0 },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'C':
		opt.no_clear = true;
		break;
	case 'r':
		if (bk_parse_long(arg, 1, SLABRATETOP_CACHES, &opt.rows))
			bk_usage(state, "invalid --rows '%s': want 1 to %d", arg, SLABRATETOP_CACHES);
		break;
	case 'S':
		if (!strcmp(arg, "allocs"))
			opt.sort = SORT_ALLOCS;
		else if (!strcmp(arg, "bytes"))
			opt.sort = SORT_BYTES;
		else
			bk_usage(state, "invalid --sort '%s': want allocs or bytes", arg);
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
	struct slab_key key;
	struct slab_count c;
};

static int by_sort(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	__u64 vx = opt.sort == SORT_ALLOCS ? x->c.allocs : x->c.bytes;
	__u64 vy = opt.sort == SORT_ALLOCS ? y->c.allocs : y->c.bytes;

	if (vx != vy)
		return vx > vy ? -1 : 1;
	return strncmp(x->key.name, y->key.name, sizeof(x->key.name));
}

struct state {
	struct slabratetop_bpf *skel;
	__u64 lost_seen;
};

/* Takes the interval's counts out of the table and prints the top rows. */
static int print_interval(void *ctx)
{
	struct state *s = ctx;
	__u64 now = bk_now_ns(), allocs = 0, bytes = 0, lost;
	struct row *rows = NULL;
	char t[40], name[4 * SLABRATETOP_NAME_LEN];
	struct bk_json j;
	long n, i;

	n = bk_map_drain_rows(bpf_map__fd(s->skel->maps.counts), sizeof(struct slab_key),
			      sizeof(struct slab_count), offsetof(struct row, c), sizeof(struct row),
			      SLABRATETOP_CACHES + SLABRATETOP_CACHES / 4, (void **)&rows);
	if (n < 0)
		return (int)n;
	qsort(rows, n, sizeof(*rows), by_sort);
	for (i = 0; i < n; i++) {
		allocs += rows[i].c.allocs;
		bytes += rows[i].c.bytes;
	}
	lost = s->skel->bss->slab_lost;
	if (lost > s->lost_seen)
		bk_warn("%llu allocations were not counted: the table of %d caches was full",
			(unsigned long long)(lost - s->lost_seen), SLABRATETOP_CACHES);
	s->lost_seen = lost;
	if (bk_env.json) {
		bk_time_iso(t, sizeof(t), now);
		for (i = 0; i < n && i < opt.rows; i++) {
			bk_json_begin(&j, stdout);
			bk_json_str(&j, "time", t, sizeof(t));
			bk_json_str(&j, "cache", rows[i].key.name, sizeof(rows[i].key.name));
			bk_json_uint(&j, "allocs", rows[i].c.allocs);
			bk_json_uint(&j, "bytes", rows[i].c.bytes);
			bk_json_end(&j);
		}
		free(rows);
		return 0;
	}
	if (opt.clear)
		printf("\033[H\033[2J");
	bk_time_hms(t, sizeof(t), now);
	printf("%s  %llu allocations, %llu bytes, %ld caches\n\n", t, (unsigned long long)allocs,
	       (unsigned long long)bytes, n);
	printf("%-32s %10s %12s\n", "CACHE", "ALLOCS", "BYTES");
	for (i = 0; i < n && i < opt.rows; i++) {
		bk_escape(name, sizeof(name), rows[i].key.name,
			  strnlen(rows[i].key.name, sizeof(rows[i].key.name)));
		printf("%-32s %10llu %12llu\n", name, (unsigned long long)rows[i].c.allocs,
		       (unsigned long long)rows[i].c.bytes);
	}
	printf("\n");
	free(rows);
	return 0;
}

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
	struct state st = {};
	int err;

	/* Arguments; the shared letters land in bk_env. One second by default. */
	bk_env.interval_s = 1;
	bk_parse_args_doc(argc, argv, options, parse_arg, "[interval [count]]", argp_program_doc,
			  BK_OPT_FILTERS | BK_OPT_DURATION | BK_OPT_JSON | BK_OPT_FORCE_PATH);
	opt.clear = !opt.no_clear && !bk_env.json && isatty(STDOUT_FILENO);

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
	bk_signals();
	bk_summary(&loop, print_interval, &st);
	err = bk_run(&loop);

cleanup:
	slabratetop_bpf__destroy(skel);
	return bk_exit(err);
}
