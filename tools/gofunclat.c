// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * gofunclat: latency histograms of Go functions, per function, measured per
 * goroutine with uprobes on entries and RET instructions (no uretprobes).
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/libbpf.h>
#include <bpf/bpf.h>
#include "core/attach.h"
#include "go/gotarget.h"
#include "core/hist.h"
#include "core/json.h"
#include "core/log.h"
#include "core/maps.h"
#include "core/loop.h"
#include "core/opts.h"
#include "core/output.h"
#include "core/setup.h"
#include "gofunclat.h"
#include "gofunclat.skel.h"

static struct {
	const char *pattern;
	const char *pos[4];
	int npos;
	__u64 unit_ns;
	const char *unit;
	struct gofunc *funcs;
	size_t nfuncs;
	struct bk_counters hists;	/* read and diffed, never zeroed */
	struct gotarget_check chk;
} opt = { .unit_ns = 1000, .unit = "usecs" };

const char argp_program_doc[] =
	"Summarize the latency of Go functions as a histogram per function.\n"
	"\n"
	"USAGE: gofunclat [-p PID | --binary PATH | BINARY] PATTERN [-m | --us | --ns]\n"
	"                 [-j] [-d SECONDS] [interval [count]]\n"
	"\n"
	"PATTERN is a Go function name or a glob over names: 'main.*',\n"
	"'net/http.(*conn).serve'. Returns are caught with uprobes on every RET\n"
	"instruction, never with uretprobes (which crash Go programs).\n"
	"\n"
	"EXAMPLES:\n"
	"    gofunclat -p 181 'main.*'          # every main function of process 181\n"
	"    gofunclat ./server 'main.handle*'  # every process running ./server\n"
	"    gofunclat -m -p 181 'net/http.(*conn).serve' 5   # in ms, every 5 s\n"
	"    gofunclat -j -p 181 main.work 1 10 # JSON, once a second, 10 times";

static const struct argp_option options[] = {
	GOTARGET_OPTIONS,
	GOTARGET_OPTION_INFLIGHT,
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case ARGP_KEY_ARG:
		if (opt.npos == 4)
			bk_usage(state, "unexpected argument '%s'", arg);
		opt.pos[opt.npos++] = arg;
		break;
	case ARGP_KEY_END: {
		int i;

		/* -m, --us, --ns: common options (one unit only). */
		opt.unit_ns = bk_env.unit_ns;
		opt.unit = bk_env.unit;
		i = gotarget_end(state, opt.pos, opt.npos);
		if (i >= opt.npos)
			bk_usage(state, "give the functions to measure as a PATTERN ('main.*')");
		opt.pattern = opt.pos[i++];
		gotarget_interval(state, opt.pos, i, opt.npos);
		break;
	}
	default:
		return gotarget_parse_opt(key, arg, state);
	}
	return 0;
}

/* One function's histogram, as columns or as one JSON object. */
static void print_func(const struct gofunc *f, const struct gofunclat_hist *h, const char *t)
{
	struct bk_json j;

	if (bk_env.json) {
		bk_json_begin(&j, stdout);
		bk_json_str(&j, "time", t, 64);
		bk_json_str(&j, "func", f->name, (size_t)-1);
		bk_json_str(&j, "unit", opt.unit, 8);
		bk_json_uint(&j, "count", h->count);
		bk_json_uint(&j, "total_ns", h->total_ns);
		bk_json_uint(&j, "avg_ns", h->total_ns / h->count);
		bk_json_log2_hist(&j, "hist", h->slots, GOFUNCLAT_SLOTS);
		bk_json_end(&j);
		return;
	}
	printf("\n%s: %llu calls, average %.3f %s\n", f->name, (unsigned long long)h->count,
	       (double)h->total_ns / h->count / opt.unit_ns, opt.unit);
	bk_print_log2_hist(stdout, h->slots, GOFUNCLAT_SLOTS, opt.unit);
}

/*
 * Prints each function's calls since the last print. The histograms are never
 * zeroed: bk_counters gives the difference from the copy read last time, so a
 * return that lands between a read and a reset cannot be lost.
 */
static int print_hists(void *ctx)
{
	char t[64];
	int err;

	if (bk_env.json) {
		bk_time_iso(t, sizeof(t), bk_now_ns());
	} else {
		bk_time_hms(t, sizeof(t), bk_now_ns());
		if (bk_env.interval_s)
			printf("\n%s\n", t);
	}
	err = bk_counters_read(&opt.hists, opt.nfuncs);
	if (err)
		return err;
	for (__u32 i = 0; i < opt.nfuncs; i++) {
		const struct gofunclat_hist *d = bk_counters_delta(&opt.hists, i);

		if (d->count)
			print_func(&opt.funcs[i], d, t);
	}
	fflush(stdout);
	return 0;
}

/*
 * Calls entered and not returned when tracing ended: still running, or their
 * process exited (or a panic unwound them) first. They are in no histogram,
 * and would be a silent shortfall: said on stderr, and in JSON as a record
 * of their own per function.
 */
static int report_unreturned(int starts_fd, pid_t pid)
{
	struct go_call_key key, next, *prev = NULL;
	struct go_start s;
	__u64 *n;
	char t[64];

	n = calloc(opt.nfuncs, sizeof(*n));
	if (!n)
		return -ENOMEM;
	while (!bpf_map_get_next_key(starts_fd, prev, &next)) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(starts_fd, &key, &s) || s.func >= opt.nfuncs ||
		    (pid > 0 && key.tgid != (__u32)pid))
			continue;
		n[s.func]++;
	}
	bk_time_iso(t, sizeof(t), bk_now_ns());
	for (size_t i = 0; i < opt.nfuncs; i++) {
		struct bk_json j;

		if (!n[i])
			continue;
		bk_warn("%llu call%s of %s had not returned when tracing ended (still running, "
			"its process exited first, or a panic unwound it): not in the counts",
			(unsigned long long)n[i], n[i] == 1 ? "" : "s", opt.funcs[i].name);
		if (!bk_env.json)
			continue;
		bk_json_begin(&j, stdout);
		bk_json_str(&j, "time", t, 64);
		bk_json_str(&j, "func", opt.funcs[i].name, (size_t)-1);
		bk_json_uint(&j, "unreturned", n[i]);
		bk_json_end(&j);
	}
	free(n);
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	struct bk_links links = {};
	struct gofunclat_bpf *skel = NULL;
	struct gouprobe *gp = NULL;
	struct bk_loop loop = {};
	int err;

	/* Arguments; the shared letters land in bk_env. */
	bk_parse_args_doc(argc, argv, options, parse_arg, "[BINARY] PATTERN [interval [count]]",
			  argp_program_doc,
			  BK_OPT_PID | BK_OPT_UID | BK_OPT_COMM | BK_OPT_CGROUP | BK_OPT_UNITS |
			  BK_OPT_DURATION | BK_OPT_JSON);

	/* Logging, privileges, BTF; then the Go program and its functions. */
	err = bk_init("gofunclat");
	if (err)
		goto cleanup;
	err = gotarget_open(GOTARGET_NEED_GOID, &gp);
	if (err)
		goto cleanup;
	err = gouprobe_match(gp, opt.pattern, GO_MAX_FUNCS, &opt.funcs, &opt.nfuncs);
	if (err)
		goto cleanup;


	/* Open the BPF object. */
	skel = gofunclat_bpf__open_opts(bk_open_opts());
	err = bk_opened(skel);
	if (err)
		goto cleanup;

	/* Filters, the goroutine layout and the unit go to .rodata before load. */
	bk_filter_fill(&skel->rodata->bk_filter);
	skel->rodata->go_goid_offset = gouprobe_goid_offset(gp);
	skel->rodata->go_regabi = gouprobe_regabi(gp);
	skel->rodata->targ_unit_ns = opt.unit_ns;
	err = gotarget_set_inflight(skel->maps.starts, skel->maps.go_unfit);
	if (err)
		goto cleanup;

	/* One path: uprobes (named for -v and the test matrix). */
	struct bk_variant variants[] = {
		{ "uprobe", { skel->progs.handle_call, skel->progs.handle_call_exit } },
	};
	err = bk_choose(variants, 1, NULL);
	if (err < 0)
		goto cleanup;
	gotarget_multi(skel->progs.handle_call, skel->progs.handle_call_exit);

	/* Load (the verifier runs here); probes on the Go functions, then the rest. */
	err = bk_load(skel->skeleton);
	if (err)
		goto cleanup;
	err = gotarget_attach(gp, opt.funcs, opt.nfuncs, skel->progs.handle_call,
			      skel->progs.handle_call_exit, &links);
	if (err)
		goto cleanup;
	err = bk_attach(skel->skeleton);
	if (err)
		goto cleanup;
	err = bk_counters_init(&opt.hists, bpf_map__fd(skel->maps.hists), 2);
	if (err)
		goto cleanup;

	/* Signals; the histograms are read at each interval and at the end. */
	bk_signals();
	if (!bk_env.json)
		printf("Tracing %zu Go function%s matching '%s'... Hit Ctrl-C to end.\n",
		       opt.nfuncs, opt.nfuncs == 1 ? "" : "s", opt.pattern);

	/* Until Ctrl-C, SIGTERM, -d or count intervals. */
	bk_summary(&loop, print_hists, NULL);
	gotarget_loop(&loop, &opt.chk, gp, skel->maps.go_goid_samples, &skel->bss->go_goid_checked,
		      &skel->bss->bk_lost_starts);
	err = bk_run(&loop);
	if (!err)
		err = report_unreturned(bpf_map__fd(skel->maps.starts), gouprobe_pid(gp));

cleanup:
	bk_links_destroy(&links);
	gofunclat_bpf__destroy(skel);
	free(opt.funcs);
	bk_counters_free(&opt.hists);
	gouprobe_close(gp);
	return bk_exit(err);
}
