// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * cachestat: page-cache hits, misses, dirtied and evicted pages per interval,
 * with the hit ratio and the size of the cache.
 */
#include <argp.h>
#include <stdio.h>
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
#include "cachestat.h"
#include "cachestat.skel.h"

const char argp_program_doc[] =
	"Count page-cache hits, misses, dirtied and evicted pages every interval\n"
	"(1 s by default), with the hit ratio and the cache's size. Hits are an\n"
	"approximation from the filemap tracepoints (Linux 6.10): see cachestat(8).\n"
	"\n"
	"USAGE: cachestat [-p PID] [-t TID] [-u UID] [-n COMM] [--cgroup PATH] [-T]\n"
	"                 [-j] [-d SECONDS] [interval [count]]\n"
	"\n"
	"EXAMPLES:\n"
	"    cachestat              # every second, system-wide\n"
	"    cachestat 5 3          # three 5-second intervals\n"
	"    cachestat -n postgres  # processes called postgres only\n"
	"    cachestat -j -d 10     # JSON lines for 10 seconds";

struct state {
	struct bk_counters counts;	/* one __u64 per CACHESTAT_* */
	__u64 carry;			/* cachestat_hits(): pages read ahead, not yet read */
	bool approx;
};

/* Buffers and Cached of /proc/meminfo, in MiB. */
static void meminfo(__u64 *buffers_mb, __u64 *cached_mb)
{
	unsigned long long kb;
	char line[128];
	FILE *f = fopen("/proc/meminfo", "re");

	*buffers_mb = *cached_mb = 0;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Buffers: %llu kB", &kb) == 1)
			*buffers_mb = kb / 1024;
		else if (sscanf(line, "Cached: %llu kB", &kb) == 1)
			*cached_mb = kb / 1024;
	}
	fclose(f);
}

static void print_header(const struct state *s)
{
	if (bk_env.json)
		return;
	if (s->approx)
		printf("# hits approximated from read ranges and faults "
		       "(see CAVEATS in cachestat(8))\n");
	bk_print_prefix_header();
	printf("%10s %10s %10s %10s %7s %10s %10s\n", "HITS", "MISSES", "DIRTIED", "EVICTED",
	       "HIT%", "BUFFERS_MB", "CACHED_MB");
}

static int print_interval(void *ctx)
{
	struct state *s = ctx;
	__u64 v[CACHESTAT_COUNTERS], hits, misses, total, buffers, cached, now = bk_now_ns();
	double ratio;
	struct bk_json j;
	char t[40];
	int err = bk_counters_read(&s->counts, CACHESTAT_COUNTERS);

	if (err)
		return err;
	for (__u32 i = 0; i < CACHESTAT_COUNTERS; i++)
		v[i] = *(const __u64 *)bk_counters_delta(&s->counts, i);
	/* Accesses that added no page were hits; never below 0 or above all. */
	misses = v[CACHESTAT_ADDED];
	hits = cachestat_hits(v[CACHESTAT_ACCESSES], misses, &s->carry);
	total = hits + misses;
	ratio = total ? 100.0 * hits / total : 0;
	meminfo(&buffers, &cached);
	if (bk_env.json) {
		bk_time_iso(t, sizeof(t), now);
		bk_json_begin(&j, stdout);
		bk_json_str(&j, "time", t, sizeof(t));
		bk_json_uint(&j, "hits", hits);
		bk_json_uint(&j, "misses", misses);
		bk_json_uint(&j, "dirtied", v[CACHESTAT_DIRTIED]);
		bk_json_uint(&j, "evicted", v[CACHESTAT_EVICTED]);
		bk_json_uint(&j, "accesses", v[CACHESTAT_ACCESSES]);
		bk_json_uint(&j, "buffers_mb", buffers);
		bk_json_uint(&j, "cached_mb", cached);
		bk_json_str(&j, "path", bk_attach_path, (size_t)-1);
		bk_json_bool(&j, "approx", s->approx);
		bk_json_end(&j);
		return 0;
	}
	bk_print_prefix(now, 0);
	printf("%10llu %10llu %10llu %10llu %6.2f%% %10llu %10llu\n", (unsigned long long)hits,
	       (unsigned long long)misses, (unsigned long long)v[CACHESTAT_DIRTIED],
	       (unsigned long long)v[CACHESTAT_EVICTED], ratio, (unsigned long long)buffers,
	       (unsigned long long)cached);
	return 0;
}

int main(int argc, char **argv)
{
	struct cachestat_bpf *skel = NULL;
	struct bk_loop loop = {};
	struct state st = {};
	int err;

	/* Arguments; the shared letters land in bk_env. One second by default. */
	bk_env.interval_s = 1;
	bk_parse_args_doc(argc, argv, NULL, bk_parse_interval_only, "[interval [count]]", argp_program_doc,
			  BK_OPT_FILTERS | BK_OPT_TIMESTAMP | BK_OPT_DURATION | BK_OPT_JSON |
			  BK_OPT_FORCE_PATH);

	/* Logging, privileges, BTF; then open the BPF object. */
	err = bk_init("cachestat");
	if (err)
		goto cleanup;
	skel = cachestat_bpf__open_opts(bk_open_opts());
	err = bk_opened(skel);
	if (err)
		goto cleanup;

	/* Filters go to .rodata before load. */
	bk_filter_fill(&skel->rodata->bk_filter);

	/*
	 * Reads' ranges and faults from the filemap tracepoints (6.10), else
	 * from fentry or a kprobe on filemap_read() and filemap_fault(); misses,
	 * dirtied and evicted pages from tracepoints 6.1 has too.
	 */
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

	/* The counters, read every interval. */
	err = bk_counters_init(&st.counts, bpf_map__fd(skel->maps.counts), 1);
	if (err)
		goto cleanup;

	/* Signals, then the header. */
	bk_signals();
	print_header(&st);

	/* Until Ctrl-C, SIGTERM, -d or the count; what is left is printed too. */
	bk_summary(&loop, print_interval, &st);
	err = bk_run(&loop);

cleanup:
	bk_counters_free(&st.counts);
	cachestat_bpf__destroy(skel);
	return bk_exit(err);
}
