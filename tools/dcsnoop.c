// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * dcsnoop: trace directory-entry cache (dcache) lookups that miss, or all
 * of them with -a.
 */
#include <argp.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "core/attach.h"
#include "core/json.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/opts.h"
#include "core/output.h"
#include "core/setup.h"
#include "dcsnoop.h"
#include "dcsnoop.skel.h"

static struct {
	bool all;
} opt;

const char argp_program_doc[] =
	"Trace directory-entry cache (dcache) lookups that miss (d_lookup found no entry),\n"
	"or every lookup of a path walk with -a. Needs fentry or kprobes: the dcache has\n"
	"no tracepoints.\n"
	"\n"
	"USAGE: dcsnoop [-a] [-p PID] [-t TID] [-u UID] [-n COMM] [--cgroup PATH] [-T] [-U]\n"
	"               [-j] [-d SECONDS]\n"
	"\n"
	"EXAMPLES:\n"
	"    dcsnoop                   # dcache misses\n"
	"    dcsnoop -a -p 181         # every lookup of process 181 (many!)";

static const struct argp_option options[] = {
	{ "all", 'a', NULL, 0, "Every lookup (lookup_fast), not only the misses", 0 },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'a':
		opt.all = true;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static void print_header(void)
{
	if (bk_env.json)
		return;
	bk_print_prefix_header();
	printf("%-*s %-*s T NAME\n", BK_W_PID, "PID", BK_W_COMM, "COMM");
}

static int handle_event(void *ctx, void *data, size_t size)
{
	const struct dcsnoop_event *e = data;
	size_t len = size - offsetof(struct dcsnoop_event, name);
	char comm[4 * 16], name[4 * BK_DNAME_LEN], type[2] = { (char)e->type };
	struct bk_json j;

	if (bk_env.json) {
		bk_json_event(&j, stdout, e->ts_ns, e->tgid, e->tid, e->uid, e->comm);
		bk_json_str(&j, "type", e->type == DCSNOOP_MISS ? "miss" : "lookup", 8);
		bk_json_rec_str(&j, "name", e->name, len, e->str_flags, 0);
		bk_json_end(&j);
		return 0;
	}
	bk_escape(comm, sizeof(comm), e->comm, sizeof(e->comm));
	bk_escape_str(name, sizeof(name), e->name, len, e->str_flags, 0);
	bk_print_prefix(e->ts_ns, e->uid);
	printf("%-*u %-*s %s %s\n", BK_W_PID, e->tgid, BK_W_COMM, comm, type, name);
	return 0;
}

int main(int argc, char **argv)
{
	struct dcsnoop_bpf *skel = NULL;
	struct bk_loop loop = {};
	int err;

	/* Arguments; the shared letters land in bk_env. */
	bk_parse_args(argc, argv, options, parse_arg, argp_program_doc,
		      BK_OPT_FILTERS | BK_OPT_TIMESTAMP | BK_OPT_UIDCOL | BK_OPT_DURATION |
		      BK_OPT_JSON | BK_OPT_FORCE_PATH);

	/* Logging, privileges, BTF; then open the BPF object. */
	err = bk_init("dcsnoop");
	if (err)
		goto cleanup;
	skel = dcsnoop_bpf__open_opts(bk_open_opts());
	err = bk_opened(skel);
	if (err)
		goto cleanup;

	/* Filters go to .rodata before load; -a can print a line per path component: 4 MB. */
	bk_filter_fill(&skel->rodata->bk_filter);
	err = bk_events_size(skel->maps.events, &skel->rodata->bk_wakeup, 4 << 20);
	if (err)
		goto cleanup;

	/* fentry, else kprobes, on d_lookup (and lookup_fast with -a): there is no tracepoint. */
	struct bk_variant variants[] = {
		{ "fentry", { skel->progs.handle_lookup_fexit, opt.all ? skel->progs.handle_fast_fentry : NULL } },
		{ "kprobe",
		  { skel->progs.handle_lookup_kprobe, skel->progs.handle_lookup_kretprobe,
		    opt.all ? skel->progs.handle_fast_kprobe : NULL } },
	};
	if (!opt.all) {
		bpf_program__set_autoload(skel->progs.handle_fast_fentry, false);
		bpf_program__set_autoload(skel->progs.handle_fast_kprobe, false);
	}
	err = bk_choose(variants, 2, bk_env.force_path);
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
	loop.lost_what = "lookups were not followed";
	bk_signals();
	print_header();

	/* Until Ctrl-C, SIGTERM or -d. */
	err = bk_run(&loop);

cleanup:
	bk_loop_free(&loop);
	dcsnoop_bpf__destroy(skel);
	return bk_exit(err);
}
