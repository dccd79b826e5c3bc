// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * cpufreq: the frequency CPUs run at, sampled and charged to the running
 * task, as histograms for everything or per process.
 */
#include <argp.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "core/attach.h"
#include "core/hist.h"
#include "core/json.h"
#include "core/links.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/maps.h"
#include "core/opts.h"
#include "core/output.h"
#include "core/perf_event.h"
#include "core/setup.h"
#include "cpufreq.h"
#include "cpufreq.skel.h"

static struct {
	long hz;
	int fd;
} opt = { .hz = 99 };

const char argp_program_doc[] =
	"Sample the frequency the CPUs run at (as their cpufreq driver set it) and\n"
	"charge it to the task running, as a histogram for everything or per process\n"
	"(-P). Needs a cpufreq driver: most VMs have none. Without an interval it is\n"
	"printed once, at Ctrl-C or after -d.\n"
	"\n"
	"USAGE: cpufreq [-p PID] [-t TID] [-u UID] [-n COMM] [--cgroup PATH] [-P]\n"
	"               [--freq HZ] [-j] [-d SECONDS] [interval [count]]\n"
	"\n"
	"EXAMPLES:\n"
	"    cpufreq -d 10             # the frequencies of 10 seconds of work\n"
	"    cpufreq -P -p 185         # process 185's";

enum { OPT_FREQ = 2000 };

static const struct argp_option options[] = {
	{ "freq", OPT_FREQ, "HZ", 0, "Samples per second of each CPU (default 99)", 0 },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case OPT_FREQ:
		if (bk_parse_long(arg, 1, 10000, &opt.hz))
			bk_usage(state, "invalid --freq '%s': want 1 to 10000 samples a second", arg);
		break;
	case ARGP_KEY_ARG:
		bk_parse_interval_arg(state, arg);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* Each CPU's current frequency from its driver, into `freqs`; -ENOENT without a driver. */
static int read_freqs(int fd, int ncpus)
{
	char path[96];
	int found = 0;

	for (int cpu = 0; cpu < ncpus; cpu++) {
		unsigned long khz;
		__u32 key = cpu, mhz;
		FILE *f;

		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/cpufreq/scaling_cur_freq", cpu);
		f = fopen(path, "re");
		if (!f)
			continue;
		if (fscanf(f, "%lu", &khz) == 1) {
			mhz = khz / 1000;
			bpf_map_update_elem(fd, &key, &mhz, BPF_ANY);
			found++;
		}
		fclose(f);
	}
	if (!found) {
		return bk_set_unsupported("cpufreq driver (no /sys/devices/system/cpu/cpu*/cpufreq, "
					  "as in most VMs): the CPUs' frequency is not known");
	}
	return 0;
}

struct row {
	__u32 key;
	struct cpufreq_hist h;
};

static int by_samples(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->h.samples != y->h.samples)
		return x->h.samples < y->h.samples ? 1 : -1;
	return (x->key > y->key) - (x->key < y->key);
}

static int print_hists(void *ctx)
{
	struct row *rows = NULL;
	char t[64], comm[4 * 16];
	struct bk_json j;
	long n = bk_map_drain_rows(opt.fd, sizeof(rows->key), sizeof(rows->h), offsetof(struct row, h),
				   sizeof(*rows), CPUFREQ_MAX, (void **)&rows);

	if (n < 0)
		return (int)n;
	qsort(rows, n, sizeof(*rows), by_samples);
	bk_time_iso(t, sizeof(t), bk_now_ns());
	if (bk_env.interval_s && !bk_env.json) {
		bk_time_hms(t, sizeof(t), bk_now_ns());
		printf("\n%s\n", t);
	}
	for (long i = 0; i < n; i++) {
		const struct row *r = &rows[i];

		if (!r->h.samples)
			continue;
		if (bk_env.json) {
			bk_json_begin(&j, stdout);
			bk_json_str(&j, "time", t, sizeof(t));
			if (bk_env.per_process) {
				bk_json_uint(&j, "pid", r->key);
				bk_json_str(&j, "comm", r->h.comm, sizeof(r->h.comm));
			}
			bk_json_uint(&j, "samples", r->h.samples);
			bk_json_uint(&j, "avg_mhz", r->h.mhz_sum / r->h.samples);
			bk_json_array_begin(&j, "hist");
			for (int s = 0; s < CPUFREQ_SLOTS; s++) {
				if (!r->h.slots[s])
					continue;
				bk_json_object_begin(&j, NULL);
				bk_json_uint(&j, "mhz", s * CPUFREQ_STEP_MHZ);
				bk_json_uint(&j, "count", r->h.slots[s]);
				bk_json_object_end(&j);
			}
			bk_json_array_end(&j);
			bk_json_end(&j);
			continue;
		}
		if (bk_env.per_process) {
			bk_escape(comm, sizeof(comm), r->h.comm, sizeof(r->h.comm));
			printf("\npid = %u %s\n", r->key, comm);
		} else {
			printf("\n");
		}
		printf("%llu samples, average %llu MHz\n", (unsigned long long)r->h.samples,
		       (unsigned long long)(r->h.mhz_sum / r->h.samples));
		bk_print_linear_hist(stdout, r->h.slots, CPUFREQ_SLOTS, 0, CPUFREQ_STEP_MHZ, "MHz");
	}
	free(rows);
	return 0;
}

int main(int argc, char **argv)
{
	struct cpufreq_bpf *skel = NULL;
	struct perf_event_attr attr;
	struct bk_links links = {};
	struct bk_loop loop = {};
	int err, ncpus;

	/* Arguments; the shared letters land in bk_env. */
	bk_parse_args_doc(argc, argv, options, parse_arg, "[interval [count]]", argp_program_doc,
			  BK_OPT_FILTERS | BK_OPT_PERPROC | BK_OPT_DURATION | BK_OPT_JSON);

	/* Logging, privileges, BTF; then open the BPF object. */
	err = bk_init("cpufreq");
	if (err)
		goto cleanup;
	skel = cpufreq_bpf__open_opts(bk_open_opts());
	err = bk_opened(skel);
	if (err)
		goto cleanup;

	/* Filters and the breakdown go to .rodata; one frequency per possible CPU. */
	bk_filter_fill(&skel->rodata->bk_filter);
	skel->rodata->targ_per_process = bk_env.per_process;
	ncpus = libbpf_num_possible_cpus();
	if (ncpus <= 0 || ncpus > CPUFREQ_MAX_CPUS) {
		bk_set_error("cannot tell the number of CPUs (%d)", ncpus);
		err = -EINVAL;
		goto cleanup;
	}
	bpf_map__set_max_entries(skel->maps.freqs, ncpus);

	/* Load; the drivers' frequencies now; then the tracepoint and the samplers. */
	err = bk_load(skel->skeleton);
	if (!err)
		err = read_freqs(bpf_map__fd(skel->maps.freqs), ncpus);
	if (err)
		goto cleanup;
	bk_perf_cpu_clock(&attr, opt.hz);
	err = bk_perf_attach_cpus(skel->progs.handle_sample, &attr, &links);
	/* Last: its "attached via" line tells that every probe is in place. */
	if (err >= 0)
		err = bk_attach(skel->skeleton);
	if (err < 0)
		goto cleanup;
	bk_attach_path = "perf_event";
	opt.fd = bpf_map__fd(skel->maps.hists);

	/* Signals; no events: the histograms are read at every interval. */
	bk_signals();
	if (!bk_env.json && !bk_env.interval_s)
		printf("Sampling CPU frequency at %ld Hz... Hit Ctrl-C to end.\n", opt.hz);

	/* Until Ctrl-C, SIGTERM, -d or count intervals; the last one at the end. */
	loop.drops = &skel->bss->hist_drops;
	loop.drop_what = "samples (no room for another process)";
	bk_summary(&loop, print_hists, NULL);
	err = bk_run(&loop);

cleanup:
	bk_links_destroy(&links);
	cpufreq_bpf__destroy(skel);
	return bk_exit(err);
}
