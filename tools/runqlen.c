// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * runqlen: the length of the CPUs' run queues (tasks waiting for a CPU),
 * sampled, as a histogram for all CPUs or one per CPU, or as occupancy.
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
#include "runqlen.h"
#include "runqlen.skel.h"

static struct {
	bool per_cpu, occupancy;
	long hz;
	int ncpus;
	struct bk_counters cpus;
} opt = { .hz = 99 };

const char argp_program_doc[] =
	"Sample the length of the CPUs' run queues (the tasks waiting for a CPU) and\n"
	"summarize it as a histogram, for all CPUs or per CPU (-C), or as the share of\n"
	"samples with a task waiting (-O). Without an interval it is printed once, at\n"
	"Ctrl-C or after -d.\n"
	"\n"
	"USAGE: runqlen [-C] [-O] [--freq HZ] [-j] [-d SECONDS] [interval [count]]\n"
	"\n"
	"EXAMPLES:\n"
	"    runqlen                   # one histogram for all CPUs, at Ctrl-C\n"
	"    runqlen -C 1 5            # one per CPU, every second, 5 times\n"
	"    runqlen -O -C -d 10       # occupancy per CPU over 10 seconds";

enum { OPT_FREQ = 2000 };

static const struct argp_option options[] = {
	{ "cpus", 'C', NULL, 0, "One histogram (or occupancy) per CPU", 0 },
	{ "occupancy", 'O', NULL, 0, "The share of samples with a task waiting, instead", 0 },
	{ "freq", OPT_FREQ, "HZ", 0, "Samples per second of each CPU (default 99)", 0 },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'C':
		opt.per_cpu = true;
		break;
	case 'O':
		opt.occupancy = true;
		break;
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

/* One histogram (or occupancy): cpu -1 for all CPUs together. */
static void print_one(int cpu, const struct runqlen_cpu *c, const char *t)
{
	double occ = c->samples ? 100.0 * c->occupied / c->samples : 0;
	struct bk_json j;

	if (bk_env.json) {
		bk_json_begin(&j, stdout);
		bk_json_str(&j, "time", t, 64);
		if (cpu >= 0)
			bk_json_int(&j, "cpu", cpu);
		bk_json_uint(&j, "samples", c->samples);
		bk_json_uint(&j, "occupied", c->occupied);
		if (!opt.occupancy) {
			bk_json_array_begin(&j, "hist");
			for (int i = 0; i < RUNQLEN_SLOTS; i++) {
				if (!c->slots[i])
					continue;
				bk_json_object_begin(&j, NULL);
				bk_json_int(&j, "len", i);
				bk_json_bool(&j, "or_more", i == RUNQLEN_SLOTS - 1);
				bk_json_uint(&j, "count", c->slots[i]);
				bk_json_object_end(&j);
			}
			bk_json_array_end(&j);
		}
		bk_json_end(&j);
		return;
	}
	if (opt.occupancy) {
		if (cpu >= 0)
			printf("runqocc, CPU %-3d %6.2f%% (%llu samples)\n", cpu, occ,
			       (unsigned long long)c->samples);
		else
			printf("runqocc: %6.2f%% (%llu samples)\n", occ, (unsigned long long)c->samples);
		return;
	}
	if (cpu >= 0)
		printf("\ncpu = %d\n", cpu);
	else
		printf("\n");
	bk_print_linear_hist(stdout, c->slots, RUNQLEN_SLOTS, 0, 1, "runqlen");
}

static int print_queues(void *ctx)
{
	struct runqlen_cpu all = {};
	char t[64] = "";
	int err = bk_counters_read(&opt.cpus, opt.ncpus);

	if (err)
		return err;
	if (bk_env.json) {
		bk_time_iso(t, sizeof(t), bk_now_ns());
	} else if (bk_env.interval_s) {
		bk_time_hms(t, sizeof(t), bk_now_ns());
		printf("\n%s\n", t);
	}
	for (int cpu = 0; cpu < opt.ncpus; cpu++) {
		const struct runqlen_cpu *c = bk_counters_delta(&opt.cpus, cpu);

		if (!c->samples)
			continue;
		if (opt.per_cpu) {
			print_one(cpu, c, t);
			continue;
		}
		all.samples += c->samples;
		all.occupied += c->occupied;
		for (int i = 0; i < RUNQLEN_SLOTS; i++)
			all.slots[i] += c->slots[i];
	}
	if (!opt.per_cpu)
		print_one(-1, &all, t);
	return 0;
}

int main(int argc, char **argv)
{
	struct runqlen_bpf *skel = NULL;
	struct perf_event_attr attr;
	struct bk_links links = {};
	struct bk_loop loop = {};
	int err, n;

	/* Arguments; the shared letters land in bk_env. */
	bk_parse_args_doc(argc, argv, options, parse_arg, "[interval [count]]", argp_program_doc,
			  BK_OPT_DURATION | BK_OPT_JSON);

	/* Logging, privileges, BTF; then open the BPF object. */
	err = bk_init("runqlen");
	if (err)
		goto cleanup;
	skel = runqlen_bpf__open_opts(bk_open_opts());
	err = bk_opened(skel);
	if (err)
		goto cleanup;

	/* One entry per possible CPU number. */
	opt.ncpus = libbpf_num_possible_cpus();
	if (opt.ncpus <= 0 || opt.ncpus > RUNQLEN_MAX_CPUS) {
		bk_set_error("cannot tell the number of CPUs (%d)", opt.ncpus);
		err = -EINVAL;
		goto cleanup;
	}
	bpf_map__set_max_entries(skel->maps.cpus, opt.ncpus);

	/* Load, then one cpu-clock perf event per CPU. */
	err = bk_load(skel->skeleton);
	if (err)
		goto cleanup;
	bk_perf_cpu_clock(&attr, opt.hz);
	n = bk_perf_attach_cpus(skel->progs.handle_sample, &attr, &links);
	if (n < 0) {
		err = n;
		goto cleanup;
	}
	bk_attach_path = "perf_event";
	err = bk_attach(skel->skeleton);
	if (!err)
		err = bk_counters_init(&opt.cpus, bpf_map__fd(skel->maps.cpus), 2);
	if (err)
		goto cleanup;

	/* Signals; no events: the counts are read at every interval. */
	bk_signals();
	if (!bk_env.json && !bk_env.interval_s)
		printf("Sampling run queue length at %ld Hz on %d CPUs... Hit Ctrl-C to end.\n",
		       opt.hz, n);

	/* Until Ctrl-C, SIGTERM, -d or count intervals; the last one at the end. */
	bk_summary(&loop, print_queues, NULL);
	err = bk_run(&loop);

cleanup:
	bk_counters_free(&opt.cpus);
	bk_links_destroy(&links);
	runqlen_bpf__destroy(skel);
	return bk_exit(err);
}
