// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * drsnoop: direct reclaim and memory-cgroup reclaim, with the latency and
 * the pages reclaimed, per task that waited for it.
 */
#include <argp.h>
#include <stdio.h>
#include <bpf/libbpf.h>
#include "core/attach.h"
#include "core/json.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/opts.h"
#include "core/output.h"
#include "core/setup.h"
#include "drsnoop.h"
#include "drsnoop.skel.h"

static struct {
	bool extended;
} opt;

const char argp_program_doc[] =
	"Trace direct reclaim (an allocation that found too little free memory) and\n"
	"memory-cgroup reclaim (a cgroup at its limit), with the time the task waited\n"
	"and the pages reclaimed.\n"
	"\n"
	"USAGE: drsnoop [-p PID] [-t TID] [-u UID] [-n COMM] [--cgroup PATH] [-e] [-T]\n"
	"               [-U] [-j] [-d SECONDS]\n"
	"\n"
	"EXAMPLES:\n"
	"    drsnoop              # every reclaim a task waited for\n"
	"    drsnoop -p 181       # process 181 only\n"
	"    drsnoop -e -T        # with order, GFP flags and times\n"
	"    drsnoop -j -d 60     # JSON lines for a minute";

static const struct argp_option options[] = {
	{ "extended", 'e', NULL, 0, "Add ORDER and GFP columns (the allocation's order and flags)",
	  0 },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	(void)arg;
	(void)state;
	if (key != 'e')
		return ARGP_ERR_UNKNOWN;
	opt.extended = true;
	return 0;
}

static const char *const kinds[] = { "direct", "memcg" };

static const char *kind_name(__u32 k)
{
	return k < sizeof(kinds) / sizeof(kinds[0]) ? kinds[k] : "?";
}

static void print_header(void)
{
	if (bk_env.json)
		return;
	bk_print_prefix_header();
	printf("%-*s %-*s %-6s %10s %8s", BK_W_PID, "PID", BK_W_COMM, "COMM", "KIND", "LAT(ms)",
	       "PAGES");
	if (opt.extended)
		printf(" %5s %s", "ORDER", "GFP");
	printf("\n");
}

static int handle_event(void *ctx, void *data, size_t size)
{
	const struct reclaim_event *e = data;
	char comm[4 * 16];
	struct bk_json j;

	(void)ctx;
	if (size < sizeof(*e))
		return 0;
	if (bk_env.json) {
		bk_json_event(&j, stdout, e->ts_ns, e->tgid, e->tid, e->uid, e->comm);
		bk_json_str(&j, "kind", kind_name(e->kind), (size_t)-1);
		bk_json_uint(&j, "lat_ns", e->delta_ns);
		bk_json_uint(&j, "pages", e->pages);
		bk_json_uint(&j, "order", e->order);
		bk_json_uint(&j, "gfp_flags", e->gfp_flags);
		bk_json_end(&j);
		return 0;
	}
	bk_escape(comm, sizeof(comm), e->comm, sizeof(e->comm));
	bk_print_prefix(e->ts_ns, e->uid);
	printf("%-*u %-*s %-6s %10.3f %8llu", BK_W_PID, e->tgid, BK_W_COMM, comm,
	       kind_name(e->kind), e->delta_ns / 1e6, (unsigned long long)e->pages);
	if (opt.extended)
		printf(" %5u %#llx", e->order, (unsigned long long)e->gfp_flags);
	printf("\n");
	return 0;
}

int main(int argc, char **argv)
{
	struct drsnoop_bpf *skel = NULL;
	struct bk_loop loop = {};
	int err;

	/* Arguments; the shared letters land in bk_env. */
	bk_parse_args(argc, argv, options, parse_arg, argp_program_doc,
		      BK_OPT_FILTERS | BK_OPT_TIMESTAMP | BK_OPT_UIDCOL | BK_OPT_DURATION |
		      BK_OPT_JSON);

	/* Logging, privileges, BTF; then open the BPF object. */
	err = bk_init("drsnoop");
	if (err)
		goto cleanup;
	skel = drsnoop_bpf__open_opts(bk_open_opts());
	err = bk_opened(skel);
	if (err)
		goto cleanup;

	/* Filters go to .rodata before load; reclaims are rare: 256 KB is plenty. */
	bk_filter_fill(&skel->rodata->bk_filter);
	err = bk_events_size(skel->maps.events, &skel->rodata->bk_wakeup, 256 << 10);
	if (err)
		goto cleanup;

	/* The vmscan tracepoints (every kernel since 2.6.37 has them). */
	struct bk_variant variants[] = {
		{ "tracepoint",
		  { skel->progs.handle_direct, skel->progs.handle_direct_exit,
		    skel->progs.handle_memcg, skel->progs.handle_memcg_exit } },
	};
	err = bk_choose(variants, 1, NULL);
	if (err < 0)
		goto cleanup;

	/* Load (the verifier runs here) and attach. */
	err = bk_start(skel->skeleton);
	if (err)
		goto cleanup;

	/* Events and signals, then the header. */
	err = bk_events(&loop, skel->maps.events, handle_event, NULL, &skel->bss->bk_drops);
	if (err)
		goto cleanup;
	loop.lost_starts = &skel->bss->bk_lost_starts;
	loop.lost_what = "reclaims were not timed";
	bk_signals();
	print_header();

	/* Until Ctrl-C, SIGTERM or -d. */
	err = bk_run(&loop);

cleanup:
	bk_loop_free(&loop);
	drsnoop_bpf__destroy(skel);
	return bk_exit(err);
}
