// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * readahead: pages the kernel read ahead, how many were used and after how
 * long, and how many were evicted unused.
 */
#include <argp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "core/attach.h"
#include "core/hist.h"
#include "core/json.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/maps.h"
#include "core/opts.h"
#include "core/output.h"
#include "core/setup.h"
#include "readahead.h"
#include "readahead.skel.h"

const char argp_program_doc[] =
	"Count the pages the kernel reads ahead, how many are used and after how long\n"
	"(a histogram of milliseconds), and how many are evicted without being used,\n"
	"at the end or every interval. From tracepoints (Linux 6.10), else fentry\n"
	"or kprobes: an approximation, see readahead(8).\n"
	"\n"
	"USAGE: readahead [-p PID] [-t TID] [-u UID] [-n COMM] [--cgroup PATH] [-j]\n"
	"                 [-d SECONDS] [interval [count]]\n"
	"\n"
	"EXAMPLES:\n"
	"    readahead -d 10      # ten seconds, system-wide\n"
	"    readahead -n java 5  # readahead java's reads caused, every 5 s";

struct state {
	struct bk_counters counts, hist;
	struct readahead_bpf *skel;
};

static int print_interval(void *ctx)
{
	struct state *s = ctx;
	__u64 v[READAHEAD_COUNTERS], unused, now = bk_now_ns();
	const __u32 *slots;
	struct bk_json j;
	char t[40];
	int err = bk_counters_read(&s->counts, READAHEAD_COUNTERS);

	if (!err)
		err = bk_counters_read(&s->hist, 1);
	if (err)
		return err;
	for (__u32 i = 0; i < READAHEAD_COUNTERS; i++)
		v[i] = *(const __u64 *)bk_counters_delta(&s->counts, i);
	slots = bk_counters_delta(&s->hist, 0);
	/* Read ahead and neither used nor evicted so far (of this interval's). */
	unused = v[READAHEAD_READ] > v[READAHEAD_USED] + v[READAHEAD_EVICTED] ?
			 v[READAHEAD_READ] - v[READAHEAD_USED] - v[READAHEAD_EVICTED] : 0;
	if (bk_env.json) {
		bk_time_iso(t, sizeof(t), now);
		bk_json_begin(&j, stdout);
		bk_json_str(&j, "time", t, sizeof(t));
		bk_json_uint(&j, "read", v[READAHEAD_READ]);
		bk_json_uint(&j, "used", v[READAHEAD_USED]);
		bk_json_uint(&j, "evicted_unused", v[READAHEAD_EVICTED]);
		bk_json_uint(&j, "unused", unused);
		bk_json_uint(&j, "untracked", v[READAHEAD_LOST]);
		bk_json_log2_hist(&j, "used_age_ms", slots, READAHEAD_SLOTS);
		bk_json_bool(&j, "approx", true);
		bk_json_end(&j);
		return 0;
	}
	bk_time_hms(t, sizeof(t), now);
	printf("%s  read ahead: %llu pages; used: %llu; evicted unused: %llu; not used yet: %llu\n",
	       t, (unsigned long long)v[READAHEAD_READ], (unsigned long long)v[READAHEAD_USED],
	       (unsigned long long)v[READAHEAD_EVICTED], (unsigned long long)unused);
	if (v[READAHEAD_LOST])
		printf("  (%llu pages read ahead were not tracked: the table was full)\n",
		       (unsigned long long)v[READAHEAD_LOST]);
	if (v[READAHEAD_USED]) {
		printf("\nAge of readahead pages at their first use:\n");
		bk_print_log2_hist(stdout, slots, READAHEAD_SLOTS, "msecs");
	}
	printf("\n");
	return 0;
}

int main(int argc, char **argv)
{
	struct readahead_bpf *skel = NULL;
	struct bk_loop loop = {};
	struct state st = {};
	int err;

	/* Arguments; the shared letters land in bk_env. */
	bk_parse_args_doc(argc, argv, NULL, bk_parse_interval_only, "[interval [count]]", argp_program_doc,
			  BK_OPT_FILTERS | BK_OPT_DURATION | BK_OPT_JSON | BK_OPT_FORCE_PATH);

	/* Logging, privileges, BTF; then open the BPF object. */
	err = bk_init("readahead");
	if (err)
		goto cleanup;
	skel = readahead_bpf__open_opts(bk_open_opts());
	err = bk_opened(skel);
	if (err)
		goto cleanup;

	/* Filters go to .rodata before load. */
	bk_filter_fill(&skel->rodata->bk_filter);

	/* The readahead and filemap tracepoints (Linux 6.10), else fentry, else kprobes. */
	skel->rodata->filemap_page_shift = __builtin_ctzl((unsigned long)sysconf(_SC_PAGESIZE));
	struct bk_variant variants[] = {
		{ "tracepoint",
		  { skel->progs.handle_ra_unbounded, skel->progs.handle_add,
		    skel->progs.handle_get_pages, skel->progs.handle_delete },
		  { skel->progs.handle_ra_order, skel->progs.handle_fault } },
		{ "fentry",
		  { skel->progs.handle_ra_unbounded_fentry, skel->progs.handle_add,
		    skel->progs.handle_read_fentry, skel->progs.handle_read_fexit,
		    skel->progs.handle_delete },
		  { skel->progs.handle_ra_order_fentry, skel->progs.handle_fault_fentry } },
		{ "kprobe",
		  { skel->progs.handle_ra_unbounded_kprobe, skel->progs.handle_add,
		    skel->progs.handle_read_kprobe, skel->progs.handle_read_kretprobe,
		    skel->progs.handle_delete },
		  { skel->progs.handle_ra_order_kprobe, skel->progs.handle_fault_kprobe } },
	};
	err = bk_choose(variants, 3, bk_env.force_path);
	if (err < 0)
		goto cleanup;

	/* Load (the verifier runs here) and attach. */
	err = bk_start(skel->skeleton);
	if (err)
		goto cleanup;

	/* The counters and the histogram, read at the end or each interval. */
	err = bk_counters_init(&st.counts, bpf_map__fd(skel->maps.counts), 1);
	if (!err)
		err = bk_counters_init(&st.hist, bpf_map__fd(skel->maps.hist), 0);
	if (err)
		goto cleanup;
	st.skel = skel;

	/* Signals, then the header. */
	bk_signals();
	if (!bk_env.json)
		printf("Tracing readahead (%s: an approximation, see readahead(8))... "
		       "Ctrl-C to end.\n\n",
		       strcmp(bk_attach_path, "tracepoint") ? bk_attach_path : "tracepoints");

	/* Until Ctrl-C, SIGTERM, -d or the count. */
	bk_summary(&loop, print_interval, &st);
	err = bk_run(&loop);

cleanup:
	bk_counters_free(&st.hist);
	bk_counters_free(&st.counts);
	readahead_bpf__destroy(skel);
	return bk_exit(err);
}
