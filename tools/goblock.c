// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * goblock: where goroutines wait. Each park of a goroutine (runtime.gopark)
 * timed until it runs again, by wait reason and go statement, by stack, or
 * one line per wait.
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>
#include <bpf/bpf.h>
#include "core/attach.h"
#include "core/hist.h"
#include "core/json.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/maps.h"
#include "core/opts.h"
#include "core/output.h"
#include "core/setup.h"
#include "go/gotarget.h"
#include "stacks/tool.h"
#include "goblock.h"
#include "goblock.skel.h"

#define GOPARK "runtime.gopark"

static struct {
	const char *pos[4];
	int npos;
	bool stream;
	long min_us;
	struct gouprobe *gp;
	struct gofunc park;
	char **reasons;		/* the binary's waitReasonStrings */
	size_t nreasons;
	struct gotarget_check chk;
} opt;

const char argp_program_doc[] =
	"Show where goroutines wait: each park of a goroutine (runtime.gopark) is\n"
	"timed until the goroutine runs again, and summed by wait reason and go\n"
	"statement (histograms), by stack (-f, --svg), or printed one per line\n"
	"(--stream). Wait-reason names are read from the program.\n"
	"\n"
	"USAGE: goblock [-p PID | --binary PATH | BINARY] [--min-us US] [--stream]\n"
	"               [-f | -j] [--svg FILE] [-m | --us | --ns] [-d SECONDS]\n"
	"               [interval [count]]\n"
	"\n"
	"EXAMPLES:\n"
	"    goblock -p 181 -d 10         # waits of process 181 for 10 s, by reason\n"
	"    goblock --stream --min-us 100000 -p 181  # each wait of 100 ms or more\n"
	"    goblock -f -p 181 -d 10 > w.folded  # blocked time by stack, folded\n"
	"    goblock --svg w.svg -p 181 -d 10    # the same as a flame graph\n"
	"    goblock -j ./server 5        # all processes running ./server, JSON, each 5 s";

enum { OPT_STREAM = 2000, OPT_MIN_US };

static const struct argp_option options[] = {
	GOTARGET_OPTIONS,
	GOTARGET_OPTION_INFLIGHT,
	{ "stream", OPT_STREAM, NULL, 0, "One line per wait as the goroutine runs again", 0 },
	{ "min-us", OPT_MIN_US, "US", 0, "Only waits of at least US microseconds", 0 },
	BK_STACK_ARGP_OUTPUT_OPTIONS,
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case OPT_STREAM:
		opt.stream = true;
		break;
	case OPT_MIN_US:
		if (bk_parse_long(arg, 0, 1L << 40, &opt.min_us))
			bk_usage(state, "invalid --min-us '%s': want a number of microseconds", arg);
		break;
	case ARGP_KEY_ARG:
		if (opt.npos == 4)
			bk_usage(state, "unexpected argument '%s'", arg);
		opt.pos[opt.npos++] = arg;
		break;
	case ARGP_KEY_END: {
		int i;

		if (opt.stream && (bk_stack_env.folded || bk_stack_env.svg))
			bk_usage(state, "--stream prints each wait: it does not go with -f or --svg");
		i = gotarget_end(state, opt.pos, opt.npos);
		if (opt.stream && i < opt.npos)
			bk_usage(state, "--stream prints each wait as it ends: it takes no interval");
		gotarget_interval(state, opt.pos, i, opt.npos);
		return bk_stack_parse_opt(key, arg, state);
	}
	case 'f':
	case BK_STACK_OPT_SVG:
	case BK_STACK_OPT_STORAGE:
		return bk_stack_parse_opt(key, arg, state);
	default:
		return gotarget_parse_opt(key, arg, state);
	}
	return 0;
}

static int mode(void)
{
	if (opt.stream)
		return GOBLOCK_STREAM;
	return bk_stack_env.folded || bk_stack_env.svg ? GOBLOCK_STACKS : GOBLOCK_SUMMARY;
}

/* The wait reason's name in this program, or "reason N". */
static const char *reason_name(__u32 r, char *buf, size_t size)
{
	if (r < opt.nreasons && opt.reasons[r][0])
		return opt.reasons[r];
	snprintf(buf, size, "reason %u", r);
	return buf;
}

/*
 * The go statement at gopc (a return address: gopc - 1 is in the call):
 * its function and file:line; short keeps the file's last directory and
 * name, for columns. "?" when unknown.
 */
static void go_site(__u64 gopc, bool short_site, char *site, size_t size, const char **func)
{
	struct gofunc_frame fr[8];
	const char *file;

	*func = "?";
	if (!gopc || gobin_pc_frames(gouprobe_gobin(opt.gp), gopc - 1, fr, 8) < 1) {
		snprintf(site, size, "?");
		return;
	}
	*func = fr[0].name;
	file = fr[0].file;
	if (!file) {
		snprintf(site, size, "?");
		return;
	}
	if (short_site) {
		const char *s = file;

		for (const char *p = file, *last = NULL; *p; p++)
			if (*p == '/') {
				s = last ? last + 1 : file;
				last = p;
			}
		file = s;
	}
	snprintf(site, size, "%s:%d", file, fr[0].line);
}

/* ---- --stream ---- */

static void print_header(void)
{
	if (bk_env.json)
		return;
	printf("Tracing goroutine waits in %s (%s)... Hit Ctrl-C to end.\n",
	       gouprobe_name(opt.gp), gouprobe_go_version(opt.gp));
	printf("%-8s %-7s %-7s %-8s %12s %-20s %s\n", "TIME", "PID", "TID", "GOID", "BLOCKED",
	       "REASON", "GO-SITE");
}

static int handle_event(void *ctx, void *data, size_t size)
{
	const struct goblock_event *e = data;
	char t[64], rbuf[32], site[512];
	const char *func, *reason;
	struct bk_json j;

	if (size < sizeof(*e))
		return 0;
	reason = reason_name(e->reason, rbuf, sizeof(rbuf));
	if (bk_env.json) {
		go_site(e->gopc, false, site, sizeof(site), &func);
		bk_time_iso(t, sizeof(t), e->ts_ns);
		bk_json_begin(&j, stdout);
		bk_json_str(&j, "time", t, sizeof(t));
		bk_json_uint(&j, "pid", e->tgid);
		bk_json_uint(&j, "tid", e->tid);
		bk_json_str(&j, "comm", e->comm, sizeof(e->comm));
		bk_json_uint(&j, "goid", e->goid);
		bk_json_str(&j, "reason", reason, (size_t)-1);
		bk_json_uint(&j, "reason_id", e->reason);
		bk_json_uint(&j, "blocked_ns", e->blocked_ns);
		bk_json_str(&j, "site", site, sizeof(site));
		bk_json_str(&j, "func", func, (size_t)-1);
		bk_json_end(&j);
		return 0;
	}
	go_site(e->gopc, true, site, sizeof(site), &func);
	bk_time_hms(t, sizeof(t), e->ts_ns);
	printf("%-8s %-7u %-7u %-8llu %12.3f %-20s %s (%s)\n", t, e->tgid, e->tid,
	       (unsigned long long)e->goid, (double)e->blocked_ns / bk_env.unit_ns, reason, site,
	       func);
	return 0;
}

/* ---- summary by reason and go statement ---- */

struct row {
	struct goblock_key key;
	struct goblock_hist h;
};

static int cmp_row(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	return (x->h.total_ns < y->h.total_ns) - (x->h.total_ns > y->h.total_ns);
}

static int hists_fd;

/* Each row counted since the last print, most time first; the rows are taken out. */
static int print_hists(void *ctx)
{
	char t[64], rbuf[32], site[512];
	const char *func, *reason;
	struct row *rows = NULL;
	struct bk_json j;
	long n;

	n = bk_map_drain_rows(hists_fd, sizeof(struct goblock_key), sizeof(struct goblock_hist),
			      offsetof(struct row, h), sizeof(struct row), GOBLOCK_MAX_SITES,
			      (void **)&rows);
	if (n < 0)
		return (int)n;
	qsort(rows, (size_t)n, sizeof(*rows), cmp_row);
	if (bk_env.json) {
		bk_time_iso(t, sizeof(t), bk_now_ns());
	} else {
		bk_time_hms(t, sizeof(t), bk_now_ns());
		if (bk_env.interval_s)
			printf("\n%s\n", t);
	}
	for (long i = 0; i < n; i++) {
		const struct row *r = &rows[i];

		if (!r->h.count)
			continue;
		reason = reason_name(r->key.reason, rbuf, sizeof(rbuf));
		go_site(r->key.gopc, !bk_env.json, site, sizeof(site), &func);
		if (bk_env.json) {
			bk_json_begin(&j, stdout);
			bk_json_str(&j, "time", t, sizeof(t));
			bk_json_str(&j, "reason", reason, (size_t)-1);
			bk_json_uint(&j, "reason_id", r->key.reason);
			bk_json_str(&j, "site", site, sizeof(site));
			bk_json_str(&j, "func", func, (size_t)-1);
			bk_json_str(&j, "unit", bk_env.unit, 8);
			bk_json_uint(&j, "count", r->h.count);
			bk_json_uint(&j, "total_ns", r->h.total_ns);
			bk_json_uint(&j, "avg_ns", r->h.total_ns / r->h.count);
			bk_json_log2_hist(&j, "hist", r->h.slots, GOBLOCK_SLOTS);
			bk_json_end(&j);
			continue;
		}
		printf("\n%s, go statement %s (%s): %llu waits, average %.3f %s\n", reason, site, func,
		       (unsigned long long)r->h.count,
		       (double)r->h.total_ns / r->h.count / bk_env.unit_ns, bk_env.unit);
		bk_print_log2_hist(stdout, r->h.slots, GOBLOCK_SLOTS, bk_env.unit);
	}
	free(rows);
	fflush(stdout);
	return 0;
}

/* Waits the full summary table could not count, like drops (bk_loop's on_check). */
static void check_misses(void *ctx, bool final)
{
	static __u64 reported;
	__u64 now = *(volatile __u64 *)ctx;

	gotarget_check(&opt.chk, final);
	if (final && now)
		bk_warn("%llu waits were not counted in all: the table of reasons and go "
			"statements was full", (unsigned long long)now);
	else if (now > reported)
		bk_warn("%llu waits were not counted: the table of reasons and go statements "
			"was full (%llu in all)", (unsigned long long)(now - reported),
			(unsigned long long)now);
	reported = now;
}

/* ---- set-up ---- */

/* The Go program, its gopark, where to probe it, its wait reasons and gopc. */
static int open_target(int *gopc_off)
{
	struct gobin *gb;
	int err;

	err = gotarget_open(GOTARGET_NEED_GOID, &opt.gp);
	if (err)
		return err;
	gb = gouprobe_gobin(opt.gp);
	/* gopark's reason is its third argument in registers (ABIInternal). */
	if (!gouprobe_regabi(opt.gp)) {
		bk_set_error("%s was built with %s: goblock reads gopark's arguments in "
			     "registers, as Go 1.17 and later pass them", gouprobe_name(opt.gp),
			     gouprobe_go_version(opt.gp));
		return -ENOTSUP;
	}
	err = gobin_find_func(gb, GOPARK, &opt.park);
	if (err) {
		bk_set_error("%s has no %s to probe", gouprobe_name(opt.gp), GOPARK);
		return err;
	}
	if (gobin_wait_reasons(gb, &opt.reasons, &opt.nreasons))
		bk_warn("the wait-reason names of %s were not found: reasons show as numbers",
			gouprobe_name(opt.gp));
	*gopc_off = gobin_gopc_offset(gb);
	if (*gopc_off < 0)
		bk_warn("where runtime.g keeps gopc in %s (%s) is not known: go statements "
			"show as '?'", gouprobe_name(opt.gp), gouprobe_go_version(opt.gp));
	return 0;
}

int main(int argc, char **argv)
{
	struct bk_links links = {};
	struct goblock_bpf *skel = NULL;
	struct bk_stack_tool st = {};
	struct bk_flame_opts fo;
	struct bk_loop loop = {};
	struct gofunc at;
	int err, gopc_off = -1;
	size_t nrets = 0;

	/* Arguments; the shared letters land in bk_env and bk_stack_env. */
	bk_parse_args_doc(argc, argv, options, parse_arg, "[BINARY] [interval [count]]",
			  argp_program_doc, BK_OPT_PID | BK_OPT_UID | BK_OPT_COMM | BK_OPT_CGROUP |
			  BK_OPT_UNITS | BK_OPT_DURATION | BK_OPT_JSON);
	bk_stack_env.user_only = true;

	/* Logging, privileges, BTF; then the Go program and runtime.gopark. */
	err = bk_init("goblock");
	if (err)
		goto cleanup;
	err = open_target(&gopc_off);
	if (err)
		goto cleanup;

	/* Open the BPF object. */
	skel = goblock_bpf__open_opts(bk_open_opts());
	err = bk_opened(skel);
	if (err)
		goto cleanup;

	/* The park probe: after gopark's frame set-up where the code has one. */
	at = opt.park;
	if (gobin_frame_ready(gouprobe_gobin(opt.gp), &opt.park, &at.entry))
		at.entry = opt.park.entry;

	/* Filters, the goroutine layout and the mode go to .rodata before load. */
	bk_filter_fill(&skel->rodata->bk_filter);
	bk_stack_rodata(&skel->rodata->bk_stack_opts);
	skel->rodata->go_goid_offset = gouprobe_goid_offset(opt.gp);
	skel->rodata->go_regabi = 1;
	skel->rodata->go_gopc_offset = gopc_off > 0 ? gopc_off : 0;
	skel->rodata->targ_park_addr = at.entry;
	skel->rodata->targ_mode = mode();
	skel->rodata->targ_min_ns = (__u64)opt.min_us * 1000;
	skel->rodata->targ_unit_ns = bk_env.unit_ns;
	err = gotarget_set_inflight(skel->maps.starts, skel->maps.go_unfit);
	if (!err)
		err = bk_events_size(skel->maps.events, &skel->rodata->bk_wakeup,
				     opt.stream ? 1 << 20 : 64 << 10);
	if (!err && mode() == GOBLOCK_STACKS)
		err = bk_stack_maps_size(skel->maps.stacks, skel->maps.counts,
					 bk_stack_env.storage);
	if (err)
		goto cleanup;

	/* One path: uprobes (named for -v and the test matrix). */
	struct bk_variant variants[] = {
		{ "uprobe", { skel->progs.handle_park, skel->progs.handle_park_exit } },
	};
	err = bk_choose(variants, 1, NULL);
	if (err < 0)
		goto cleanup;

	/* Load (the verifier runs here), then gopark's park point and its RETs. */
	err = bk_load(skel->skeleton);
	if (err)
		goto cleanup;
	err = gouprobe_attach(opt.gp, &at, 0, skel->progs.handle_park,
			      skel->progs.handle_park_exit, &links, &nrets);
	/* Last: its "attached via" line tells that every probe is in place. */
	if (!err)
		err = bk_attach(skel->skeleton);
	if (err)
		goto cleanup;
	bk_info(1, "probing %s of %s (%s) at +0x%llx and %zu returns", GOPARK,
		gouprobe_name(opt.gp), gouprobe_go_version(opt.gp),
		(unsigned long long)(at.entry - opt.park.entry), nrets);

	/* Records, stacks or histograms; signals; then the header. */
	if (mode() == GOBLOCK_STACKS) {
		err = bk_stack_tool_init(&st, skel->maps.stacks, skel->maps.counts, "us", 1000,
					 "waits");
		if (!err)
			err = bk_stack_tool_loop(&st, &loop, skel->maps.events, &skel->bss->bk_drops,
						 BK_STACK_LOST(skel));
		loop.lost_starts = &skel->bss->bk_lost_starts;
		loop.lost_what = "waits were not timed (raise --max-inflight)";
	} else {
		if (opt.stream)
			err = bk_events(&loop, skel->maps.events, handle_event, NULL,
					&skel->bss->bk_drops);
		else {
			hists_fd = bpf_map__fd(skel->maps.hists);
			bk_summary(&loop, print_hists, NULL);
		}
		gotarget_loop(&loop, &opt.chk, opt.gp, skel->maps.go_goid_samples,
			      &skel->bss->go_goid_checked, &skel->bss->bk_lost_starts);
		loop.lost_what = "waits were not timed (raise --max-inflight)";
		if (!opt.stream) {
			loop.on_check = check_misses;
			loop.check_ctx = (void *)&skel->bss->hist_misses;
		}
	}
	if (err)
		goto cleanup;
	bk_signals();
	if (opt.stream)
		print_header();
	else if (mode() == GOBLOCK_SUMMARY && !bk_env.json)
		printf("Tracing goroutine waits in %s (%s)... Hit Ctrl-C to end.\n",
		       gouprobe_name(opt.gp), gouprobe_go_version(opt.gp));

	/* Until Ctrl-C, SIGTERM, -d, the count or the -p process's exit. */
	err = bk_run(&loop);
	bk_flame_opts_default(&fo);
	fo.title = "Goroutine blocked time";
	fo.subtitle = "user stacks at runtime.gopark";
	fo.count_name = "us";
	fo.palette = BK_FLAME_OFFCPU;
	if (!err && mode() == GOBLOCK_STACKS)
		err = bk_stack_tool_svg(&st, &fo);

cleanup:
	bk_loop_free(&loop);
	bk_links_destroy(&links);
	goblock_bpf__destroy(skel);
	bk_stack_tool_free(&st);
	gobin_wait_reasons_free(opt.reasons, opt.nreasons);
	gouprobe_close(opt.gp);
	return bk_exit(err);
}
