// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * funccount: count calls of user functions, kernel functions or
 * tracepoints matching a pattern, per interval.
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "core/attach.h"
#include "core/json.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/opts.h"
#include "core/output.h"
#include "uspace/probespec.h"
#include "core/setup.h"
#include "uspace/uprobes.h"
#include "funccount.h"
#include "funccount.skel.h"

static struct probespec_args opt = { .max_probes = FUNCCOUNT_MAX_PROBES };

const char argp_program_doc[] =
	"Count calls of functions or tracepoints matching a pattern.\n"
	"\n"
	"USAGE: funccount [-p PID] [-t TID] [-u UID] [-n COMM] [-j] [-d SECONDS]\n"
	"                 [--max-probes N] [--force-path NAME] PATTERN [interval [count]]\n"
	"       funccount [-p PID] --list PATTERN\n"
	"\n"
	"PATTERN is one of (globs allowed in every name part):\n"
	"    PATH:FUNC, LIB:FUNC   functions of a program or library (uprobes: one\n"
	"                          multi-uprobe link, else one uprobe each)\n"
	"    t:CATEGORY:NAME       tracepoints\n"
	"    FUNC                  kernel functions (kprobe.multi, else kprobes)\n"
	"--force-path takes uprobe.multi or uprobe, kprobe.multi or kprobe.\n"
	"--list also takes u:PATH:NAME and u:PATH:PROVIDER:NAME (USDT probes).\n"
	"Without an interval the counts are printed once, at Ctrl-C or after -d.\n"
	"\n"
	"EXAMPLES:\n"
	"    funccount 'c:str*'             # libc functions starting with str\n"
	"    funccount -p 181 'c:malloc' 1  # malloc() calls of process 181, each second\n"
	"    funccount 't:sched:sched_*'    # scheduler tracepoints\n"
	"    funccount -d 5 'vfs_*'         # kernel VFS functions for 5 seconds\n"
	"    funccount --list 't:syscalls:sys_enter_open*'  # what would be probed";

static const struct argp_option options[] = {
	PROBESPEC_ARGP_OPTIONS("probes"),
	{},
};

/* The attach paths of each kind of pattern, preferred first. */
static const char *const kind_paths[][2] = {
	[PROBESPEC_UFUNC] = { "uprobe.multi", "uprobe" },
	[PROBESPEC_TRACEPOINT] = { "tracepoint" },
	[PROBESPEC_KFUNC] = { "kprobe.multi", "kprobe" },
};

static bool path_applies(int kind, const char *path)
{
	for (int i = 0; i < 2; i++)
		if (kind_paths[kind][i] && !strcmp(kind_paths[kind][i], path))
			return true;
	return false;
}

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	error_t err = probespec_parse_opt(
		&opt, "what to count? give a PATTERN such as 'c:malloc' or 't:sched:*'", key, arg,
		state);

	/* Once the pattern is parsed: whether it can be counted, then [interval [count]]. */
	if (key != ARGP_KEY_END || opt.list)
		return err;
	if (opt.ps.kind == PROBESPEC_USDT)
		bk_usage(state, "USDT probes can be listed (--list) but not counted");
	if (bk_env.force_path && !path_applies(opt.ps.kind, bk_env.force_path))
		bk_usage(state, "--force-path %s does not apply to '%s': it takes %s%s%s",
			 bk_env.force_path, opt.pattern, kind_paths[opt.ps.kind][0],
			 kind_paths[opt.ps.kind][1] ? " or " : "",
			 kind_paths[opt.ps.kind][1] ? kind_paths[opt.ps.kind][1] : "");
	bk_parse_interval_pos(state, opt.pos + 1, opt.npos - 1);
	return 0;
}

#define W_FUNC 36
#define W_COUNT 12

struct row {
	const char *name;
	__u64 count;
};

struct state {
	struct probe_set set;
	int counts_fd;
	int ncpus;
	__u64 *percpu;		/* one lookup's values */
	__u64 *seen;		/* each probe's total at the last print */
	struct row *rows;
};

static int by_count(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return strcmp(x->name, y->name);
}

/*
 * Prints the calls since the last print, most called first. The per-CPU
 * counters are never zeroed: the difference from the totals read last time
 * is what happened in between, so a hit that lands between a read and a
 * reset cannot be lost and the intervals add up to the exact total.
 */
static int print_counts(void *ctx)
{
	struct state *s = ctx;
	size_t nrows = 0;
	char t[40], name[4 * 256];
	struct bk_json j;

	for (__u32 i = 0; i < s->set.n; i++) {
		__u64 total = 0;

		if (bpf_map_lookup_elem(s->counts_fd, &i, s->percpu)) {
			int err = -errno;

			bk_set_error("cannot read the counters: %s", strerror(-err));
			return err;
		}
		for (int c = 0; c < s->ncpus; c++)
			total += s->percpu[c];
		if (total != s->seen[i])
			s->rows[nrows++] = (struct row){ s->set.p[i].name, total - s->seen[i] };
		s->seen[i] = total;
	}
	qsort(s->rows, nrows, sizeof(*s->rows), by_count);
	if (bk_env.json) {
		bk_time_iso(t, sizeof(t), bk_now_ns());
		bk_json_begin(&j, stdout);
		bk_json_str(&j, "time", t, sizeof(t));
		bk_json_array_begin(&j, "counts");
		for (size_t r = 0; r < nrows; r++) {
			bk_json_object_begin(&j, NULL);
			bk_json_str(&j, "func", s->rows[r].name, (size_t)-1);
			bk_json_uint(&j, "count", s->rows[r].count);
			bk_json_object_end(&j);
		}
		bk_json_array_end(&j);
		bk_json_end(&j);
		fflush(stdout);
		return 0;
	}
	if (bk_env.interval_s) {
		bk_time_hms(t, sizeof(t), bk_now_ns());
		printf("\n%s\n", t);
	}
	printf("%-*s %*s\n", W_FUNC, "FUNC", W_COUNT, "COUNT");
	for (size_t r = 0; r < nrows; r++) {
		bk_escape(name, sizeof(name), s->rows[r].name, (size_t)-1);
		printf("%-*s %*llu\n", W_FUNC, name, W_COUNT, (unsigned long long)s->rows[r].count);
	}
	fflush(stdout);
	return 0;
}

/*
 * Before load: user functions get one multi-uprobe link where the kernel has
 * them (each detached uprobe costs a grace period, a minute for 600).
 */
static int prepare_uprobes(struct funccount_bpf *skel)
{
	const char *force = bk_env.force_path;

	if (force && !strcmp(force, "uprobe"))
		return 0;
	if (!bk_uprobe_multi_available()) {
		if (!force)
			return 0;
		bk_set_error("the uprobe.multi path is not available on this kernel: it has no "
			     "multi-uprobe links (Linux 6.6) that filter by process");
		return -ENOENT;
	}
	return bk_uprobe_multi_use(skel->progs.handle_hit);
}

/* Attaches to every probe; kernel functions by kprobe.multi, else kprobes. */
static int attach_probes(struct funccount_bpf *skel, struct state *s, struct bk_links *l)
{
	const char *force = bk_env.force_path;
	int err;

	switch (s->set.kind) {
	case PROBESPEC_UFUNC:
		if (bk_uprobe_multi_used(skel->progs.handle_hit))
			bk_attach_path = "uprobe.multi";
		return probe_set_attach(&s->set, skel->progs.handle_hit, bk_env.pid, false, l);
	case PROBESPEC_TRACEPOINT:
		return probe_set_attach(&s->set, skel->progs.handle_hit_tracepoint, 0, false, l);
	}
	if (!force || strcmp(force, "kprobe")) {
		err = probe_set_attach(&s->set, skel->progs.handle_hit_kprobe_multi, 0, false, l);
		if (!err) {
			bk_attach_path = "kprobe.multi";
			return 0;
		}
		if (force)
			return err;
		bk_info(1, "%s; one kprobe per function instead", bk_error());
	}
	return probe_set_attach(&s->set, skel->progs.handle_hit_kprobe, 0, false, l);
}

/* Sets up the arrays the counters are read into. */
static int alloc_state(struct state *s)
{
	s->ncpus = libbpf_num_possible_cpus();
	if (s->ncpus < 0) {
		bk_set_error("cannot count the CPUs: %s", strerror(-s->ncpus));
		return s->ncpus;
	}
	s->percpu = calloc(s->ncpus, sizeof(__u64));
	s->seen = calloc(s->set.n, sizeof(__u64));
	s->rows = calloc(s->set.n, sizeof(*s->rows));
	return s->percpu && s->seen && s->rows ? 0 : -ENOMEM;
}

int main(int argc, char **argv)
{
	struct funccount_bpf *skel = NULL;
	struct bk_links links = {};
	struct probespec *ps = &opt.ps;
	struct bk_loop loop = {};
	struct state st = {};
	int err;

	/* Arguments; the shared letters land in bk_env. */
	bk_parse_args(argc, argv, options, parse_arg, argp_program_doc,
		      BK_OPT_FILTERS | BK_OPT_DURATION | BK_OPT_JSON | BK_OPT_FORCE_PATH);

	/* --list: the probes, without tracing; kernel functions only where they can be counted. */
	if (opt.list) {
		struct probespec lps;
		long n = -EOPNOTSUPP;

		bk_log_init("funccount");
		if (!probespec_parse(opt.list, &lps) && lps.kind == PROBESPEC_KFUNC &&
		    !bk_kprobes_available())
			bk_set_error("this kernel has no kprobes, so funccount cannot count kernel "
				     "functions here: none are listed");
		else
			n = probe_list(stdout, opt.list, bk_env.pid);
		return bk_exit(n < 0 ? (int)n : 0);
	}

	/* The pattern and what it matches. */
	err = bk_init("funccount");
	if (err)
		goto cleanup;
	if (ps->kind == PROBESPEC_KFUNC && !bk_kprobes_available()) {
		bk_set_error("kernel functions cannot be counted here: this kernel has no kprobes");
		err = -EOPNOTSUPP;
	}
	/* Refusing too many: each costs a perf event or more. */
	if (!err)
		err = probespec_match(&opt, bk_env.pid, "probes", &st.set);
	if (err)
		goto cleanup;

	/* Open the BPF object; filters and one counter per probe before load. */
	skel = funccount_bpf__open_opts(bk_open_opts());
	err = bk_opened(skel);
	if (err)
		goto cleanup;
	bk_filter_fill(&skel->rodata->bk_filter);
	bpf_map__set_max_entries(skel->maps.counts, st.set.n);

	/* The programs for the pattern's kind of probe. */
	struct bk_variant variants[] = {
		{ "uprobe", { skel->progs.handle_hit } },
		{ "tracepoint", { skel->progs.handle_hit_tracepoint } },
		{ "kprobe", { skel->progs.handle_hit_kprobe_multi, skel->progs.handle_hit_kprobe } },
	};
	static const char *const paths[] = {
		[PROBESPEC_UFUNC] = "uprobe",
		[PROBESPEC_TRACEPOINT] = "tracepoint",
		[PROBESPEC_KFUNC] = "kprobe",
	};
	err = bk_choose(variants, 3, paths[ps->kind]);
	if (err >= 0 && ps->kind == PROBESPEC_UFUNC)
		err = prepare_uprobes(skel);
	if (err < 0)
		goto cleanup;

	/* Load (the verifier runs here); the probes, then the rest. */
	err = bk_load(skel->skeleton);
	if (!err)
		err = attach_probes(skel, &st, &links);
	if (!err)
		err = bk_attach(skel->skeleton);
	if (!err)
		err = alloc_state(&st);
	if (err)
		goto cleanup;
	probe_set_notes(&st.set);
	st.counts_fd = bpf_map__fd(skel->maps.counts);

	/* Signals, then the banner. */
	bk_signals();
	if (!bk_env.json)
		printf("Tracing %zu probe%s matching '%s'... Hit Ctrl-C to end.\n", st.set.n,
		       st.set.n == 1 ? "" : "s", opt.pattern);

	/* Until Ctrl-C, SIGTERM, -d or count intervals. */
	bk_summary(&loop, print_counts, &st);
	err = bk_run(&loop);

cleanup:
	bk_links_destroy(&links);
	funccount_bpf__destroy(skel);
	free(st.percpu);
	free(st.seen);
	free(st.rows);
	probe_set_free(&st.set);
	return bk_exit(err);
}
