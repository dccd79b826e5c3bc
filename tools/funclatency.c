// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * funclatency: latency histograms of user or kernel functions matching a
 * pattern, one per function, per interval.
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "core/attach.h"
#include "go/gobin.h"
#include "core/hist.h"
#include "core/json.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/opts.h"
#include "core/output.h"
#include "uspace/probespec.h"
#include "core/setup.h"
#include "uspace/uprobes.h"
#include "funclatency.h"
#include "funclatency.skel.h"

static struct probespec_args opt = { .max_probes = FUNCLATENCY_MAX_FUNCS };

/* The histograms' unit: -m, --us, --ns. */
static struct {
	__u64 ns;
	const char *name;
} unit = { 1000, "usecs" };

const char argp_program_doc[] =
	"Summarize the latency of functions as a histogram per function.\n"
	"\n"
	"USAGE: funclatency [-p PID] [-t TID] [-u UID] [-n COMM] [-m | --us | --ns]\n"
	"                   [-j] [-d SECONDS] [--max-probes N] [--force-path NAME]\n"
	"                   PATTERN [interval [count]]\n"
	"       funclatency [-p PID] --list PATTERN\n"
	"\n"
	"PATTERN is one of (globs allowed; one histogram per matching function):\n"
	"    PATH:FUNC, LIB:FUNC   functions of a program or library (uprobe and\n"
	"                          uretprobe, as multi-uprobe links where the\n"
	"                          kernel has them; not Go programs: see gofunclat)\n"
	"    FUNC                  kernel functions (fentry/fexit for one\n"
	"                          function, else kprobe and kretprobe)\n"
	"--force-path takes uprobe.multi or uprobe, fentry or kprobe.\n"
	"Without an interval the histograms are printed once, at Ctrl-C or after -d.\n"
	"\n"
	"EXAMPLES:\n"
	"    funclatency c:getaddrinfo            # libc's getaddrinfo(), in us\n"
	"    funclatency -m -p 181 c:fsync 5      # fsync() of process 181 in ms, each 5 s\n"
	"    funclatency './app:handle_*'         # each handle_ function of ./app\n"
	"    funclatency -d 10 vfs_read           # the kernel's vfs_read for 10 s\n"
	"    funclatency -j --ns /bin/bash:readline  # JSON, in nanoseconds";

static const struct argp_option options[] = {
	PROBESPEC_ARGP_OPTIONS("functions"),
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	error_t err;

	if (key == ARGP_KEY_END) {
		/* -m, --us, --ns: common options (one unit only). */
		unit.ns = bk_env.unit_ns;
		unit.name = bk_env.unit;
	}
	err = probespec_parse_opt(&opt, "which functions? give a PATTERN such as 'c:getaddrinfo'",
				  key, arg, state);

	/* Once the pattern is parsed: whether it can be timed, then [interval [count]]. */
	if (key != ARGP_KEY_END || opt.list)
		return err;
	if (opt.ps.kind == PROBESPEC_TRACEPOINT || opt.ps.kind == PROBESPEC_USDT)
		bk_usage(state, "tracepoints and USDT probes have no return to time: "
				"give a function (PATH:FUNC, LIB:FUNC or a kernel function)");
	bk_parse_interval_pos(state, opt.pos + 1, opt.npos - 1);
	return 0;
}

struct state {
	struct probe_set set;
	int hists_fd;
	struct funclatency_hist *seen;	/* each function's histogram at the last print */
};

/* One function's histogram, as columns or as one JSON object. */
static void print_func(const char *name, const struct funclatency_hist *h, const char *t)
{
	char esc[4 * 256];
	struct bk_json j;

	if (bk_env.json) {
		bk_json_begin(&j, stdout);
		bk_json_str(&j, "time", t, 64);
		bk_json_str(&j, "func", name, (size_t)-1);
		bk_json_str(&j, "unit", unit.name, 8);
		bk_json_uint(&j, "count", h->count);
		bk_json_uint(&j, "total_ns", h->total_ns);
		bk_json_uint(&j, "avg_ns", h->total_ns / h->count);
		bk_json_log2_hist(&j, "hist", h->slots, FUNCLATENCY_SLOTS);
		bk_json_end(&j);
		return;
	}
	bk_escape(esc, sizeof(esc), name, (size_t)-1);
	printf("\n%s: %llu calls, average %.3f %s\n", esc, (unsigned long long)h->count,
	       (double)h->total_ns / h->count / unit.ns, unit.name);
	bk_print_log2_hist(stdout, h->slots, FUNCLATENCY_SLOTS, unit.name);
}

/*
 * Prints each function's calls since the last print. The histograms are never
 * zeroed: the difference from the copy read last time is what happened in
 * between, so a return that lands between a read and a reset cannot be lost.
 */
static int print_hists(void *ctx)
{
	struct state *s = ctx;
	struct funclatency_hist h, d;
	char t[64];

	if (bk_env.json) {
		bk_time_iso(t, sizeof(t), bk_now_ns());
	} else {
		bk_time_hms(t, sizeof(t), bk_now_ns());
		if (bk_env.interval_s)
			printf("\n%s\n", t);
	}
	for (__u32 i = 0; i < s->set.n; i++) {
		if (bpf_map_lookup_elem(s->hists_fd, &i, &h)) {
			int err = -errno;

			bk_set_error("cannot read the histograms: %s", strerror(-err));
			return err;
		}
		d.count = h.count - s->seen[i].count;
		d.total_ns = h.total_ns - s->seen[i].total_ns;
		for (int k = 0; k < FUNCLATENCY_SLOTS; k++)
			d.slots[k] = h.slots[k] - s->seen[i].slots[k];
		s->seen[i] = h;
		if (d.count)
			print_func(s->set.p[i].name, &d, t);
	}
	fflush(stdout);
	return 0;
}

/*
 * User functions: uprobes, as multi-uprobe links where the kernel has them
 * (each detached uprobe costs a grace period), refusing Go programs. Kernel
 * functions: fentry for one function where it loads, else kprobes. Returns
 * the path's name; --force-path takes one that applies to the pattern.
 */
static const char *choose(const struct probe_set *set, int *err)
{
	const char *force = bk_env.force_path;
	char sec[300], why[256];
	struct gobin *gb;

	*err = 0;
	if (set->kind == PROBESPEC_UFUNC) {
		if (!gobin_open(set->path, &gb)) {
			gobin_close(gb);
			bk_set_error("%s is a Go program, which uretprobes crash: use gofunclat(8)",
				     set->path);
			*err = -EOPNOTSUPP;
			return NULL;
		}
		if (force && strcmp(force, "uprobe") && strcmp(force, "uprobe.multi"))
			goto wrong_path;
		if (force && !strcmp(force, "uprobe.multi") && !bk_uprobe_multi_available()) {
			bk_set_error("the uprobe.multi path is not available on this kernel: it has "
				     "no multi-uprobe links (Linux 6.6) that filter by process");
			*err = -ENOENT;
			return NULL;
		}
		return force ? force : bk_uprobe_multi_available() ? "uprobe.multi" : "uprobe";
	}
	if (force) {
		if (strcmp(force, "fentry") && strcmp(force, "kprobe"))
			goto wrong_path;
		return force;
	}
	snprintf(sec, sizeof(sec), "fentry/%s", set->p[0].name);
	if (set->n == 1 && bk_hook_available(sec, why, sizeof(why)))
		return "fentry";
	if (bk_kprobes_available())
		return "kprobe";
	bk_set_error("kernel functions cannot be timed here: this kernel has no kprobes%s",
		     set->n == 1 ? " and fentry programs do not load"
				 : " (fentry can time one function, not a glob)");
	*err = -EOPNOTSUPP;
	return NULL;
wrong_path:
	bk_set_usage_error("--force-path %s does not apply to '%s': it takes %s", force, opt.pattern,
		     set->kind == PROBESPEC_UFUNC ? "uprobe.multi or uprobe" : "fentry or kprobe");
	*err = -EINVAL;
	return NULL;
}

/*
 * --list. Kernel functions are listed only where they can be timed: with
 * kprobes, or fentry (which loads for all or none, so one function tells).
 */
static int list(void)
{
	char sec[300], why[256];
	struct probespec ps;
	struct probe_set set;
	long n;
	int err;

	err = probespec_parse(opt.list, &ps);
	if (!err && ps.kind == PROBESPEC_KFUNC && !bk_kprobes_available()) {
		err = probe_set_match(&ps, 0, (size_t)-1, &set);
		if (err)
			return err;
		snprintf(sec, sizeof(sec), "fentry/%s", set.p[0].name);
		if (!bk_hook_available(sec, why, sizeof(why))) {
			probe_set_free(&set);
			bk_set_error("this kernel has no kprobes and %s, so funclatency cannot time "
				     "kernel functions here: none are listed", why);
			return -EOPNOTSUPP;
		}
		for (size_t i = 0; i < set.n; i++)
			probe_print(stdout, &set, i);
		probe_set_free(&set);
		return 0;
	}
	if (err)
		return err;
	n = probe_list(stdout, opt.list, bk_env.pid);
	return n < 0 ? (int)n : 0;
}

int main(int argc, char **argv)
{
	struct funclatency_bpf *skel = NULL;
	struct bk_links links = {};
	struct bk_loop loop = {};
	struct state st = {};
	const char *path = NULL;
	int err, chosen;

	/* Arguments; the shared letters land in bk_env. */
	bk_parse_args(argc, argv, options, parse_arg, argp_program_doc,
		      BK_OPT_FILTERS | BK_OPT_UNITS | BK_OPT_DURATION | BK_OPT_JSON |
			      BK_OPT_FORCE_PATH);

	/* --list: the probes, without tracing; kernel functions only where they can be timed. */
	if (opt.list) {
		bk_log_init("funclatency");
		return bk_exit(list());
	}

	/* The functions, and how this kernel lets us time them. */
	err = bk_init("funclatency");
	if (!err) {
		err = probespec_match(&opt, bk_env.pid, "functions", &st.set);
	}
	if (!err)
		path = choose(&st.set, &err);
	if (err)
		goto cleanup;

	/* Open the BPF object; filters, the unit and one histogram per function before load. */
	skel = funclatency_bpf__open_opts(bk_open_opts());
	err = bk_opened(skel);
	if (err)
		goto cleanup;
	bk_filter_fill(&skel->rodata->bk_filter);
	skel->rodata->targ_unit_ns = unit.ns;
	bpf_map__set_max_entries(skel->maps.hists, st.set.n);
	if (!strcmp(path, "fentry")) {
		bpf_program__set_attach_target(skel->progs.handle_func_fentry, 0, st.set.p[0].name);
		bpf_program__set_attach_target(skel->progs.handle_func_fexit, 0, st.set.p[0].name);
	}

	/* The programs of the chosen path. */
	struct bk_variant variants[] = {
		{ "uprobe.multi", { skel->progs.handle_func, skel->progs.handle_func_exit } },
		{ "uprobe", { skel->progs.handle_func, skel->progs.handle_func_exit } },
		{ "fentry", { skel->progs.handle_func_fentry, skel->progs.handle_func_fexit } },
		{ "kprobe", { skel->progs.handle_func_kprobe, skel->progs.handle_func_exit_kprobe } },
	};
	chosen = bk_choose(variants, 4, path);
	if (chosen == 0) {
		err = bk_uprobe_multi_use(skel->progs.handle_func);
		if (!err)
			err = bk_uprobe_multi_use(skel->progs.handle_func_exit);
		if (err)
			goto cleanup;
	}
	if (chosen < 0) {
		err = chosen;
		goto cleanup;
	}

	/* Load (the verifier runs here); return probes first, so no entry is left unpaired. */
	err = bk_load(skel->skeleton);
	if (!err)
		err = probe_set_attach(&st.set, variants[chosen].progs[1], bk_env.pid, true, &links);
	if (!err)
		err = probe_set_attach(&st.set, variants[chosen].progs[0], bk_env.pid, false, &links);
	if (!err)
		err = bk_attach(skel->skeleton);
	if (err)
		goto cleanup;
	probe_set_notes(&st.set);
	st.hists_fd = bpf_map__fd(skel->maps.hists);
	st.seen = calloc(st.set.n, sizeof(*st.seen));
	if (!st.seen) {
		err = -ENOMEM;
		goto cleanup;
	}

	/* Signals, then the banner. */
	bk_signals();
	if (!bk_env.json)
		printf("Tracing %zu function%s matching '%s'... Hit Ctrl-C to end.\n", st.set.n,
		       st.set.n == 1 ? "" : "s", opt.pattern);

	/* Until Ctrl-C, SIGTERM, -d or count intervals. */
	bk_summary(&loop, print_hists, &st);
	loop.lost_starts = &skel->bss->bk_lost_starts;
	err = bk_run(&loop);

cleanup:
	bk_links_destroy(&links);
	funclatency_bpf__destroy(skel);
	free(st.seen);
	probe_set_free(&st.set);
	return bk_exit(err);
}
