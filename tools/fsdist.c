// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * fsdist (ext4dist, xfsdist, btrfsdist, nfsdist, f2fsdist): latency
 * histograms of a file system's reads, writes, opens, fsyncs and getattrs.
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
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
#include "core/setup.h"
#include "fs/fshooks.h"
#include "fsdist.h"
#include "fsdist.skel.h"

static struct {
	char fs[BK_FSTYPE_LEN];
	bool fs_given;
} opt;

const char argp_program_doc[] =
	"Summarize the latency of a file system's reads, writes, opens, fsyncs and\n"
	"getattrs as histograms, at the end or every interval. The file system comes\n"
	"from the name the tool is run by (ext4dist, xfsdist, btrfsdist, nfsdist,\n"
	"f2fsdist) or --fs. Where the kernel has neither fentry nor kprobes, the system\n"
	"calls on the file system's regular files are timed instead: an approximation,\n"
	"which the output says (see CAVEATS in fsdist(8)).\n"
	"\n"
	"USAGE: fsdist [--fs FS] [-p PID] [-t TID] [-u UID] [-n COMM] [--cgroup PATH]\n"
	"              [-m] [-j] [-d SECONDS] [interval [count]]\n"
	"\n"
	"EXAMPLES:\n"
	"    ext4dist                  # ext4 latency histograms until Ctrl-C\n"
	"    ext4dist -m 5 3           # in milliseconds, every 5 s, 3 times\n"
	"    fsdist --fs xfs -p 181    # process 181's xfs operations\n"
	"    ext4dist -j -d 10         # JSON after 10 seconds";

enum { OPT_FS = 2000 };

static const struct argp_option options[] = {
	{ "fs", OPT_FS, "FS", 0, "The file system type (ext4, xfs, btrfs, nfs, f2fs, or any name in "
				 "/proc/filesystems on the syscalls path)", 0 },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case OPT_FS:
		if (bk_fs_parse(arg, opt.fs))
			bk_usage(state, "invalid --fs '%s': want a file system type such as ext4", arg);
		opt.fs_given = true;
		break;
	case ARGP_KEY_ARG:
		bk_parse_interval_arg(state, arg);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

struct state {
	struct bk_fsops ops;
	struct bk_counters hists;	/* one struct fsdist_hist per operation */
	const char *unit;
};

/* Each operation's histogram since the last call (read and diffed, never reset). */
static int print_hists(void *ctx)
{
	struct state *s = ctx;
	__u64 now = bk_now_ns();
	char t[64];
	struct bk_json j;
	int err = bk_counters_read(&s->hists, FSOP_OPS);

	if (err)
		return err;
	if (bk_env.json)
		bk_time_iso(t, sizeof(t), now);
	else if (bk_env.interval_s) {
		bk_time_hms(t, sizeof(t), now);
		printf("\n%s\n", t);
	}
	for (int op = 0; op < FSOP_OPS; op++) {
		const struct fsdist_hist *h = bk_counters_delta(&s->hists, op);

		if (!(s->ops.hooked & (1u << op)) || !h->count)
			continue;
		if (bk_env.json) {
			bk_json_begin(&j, stdout);
			bk_json_str(&j, "time", t, sizeof(t));
			if (opt.fs[0])
				bk_json_str(&j, "fs", opt.fs, sizeof(opt.fs));
			else
				bk_json_null(&j, "fs");
			bk_json_str(&j, "op", bk_fsop_names[op], 16);
			bk_json_str(&j, "unit", s->unit, 8);
			bk_json_uint(&j, "count", h->count);
			bk_json_uint(&j, "total_ns", h->total_ns);
			bk_json_uint(&j, "avg_ns", h->total_ns / h->count);
			bk_json_log2_hist(&j, "hist", h->slots, FSDIST_SLOTS);
			bk_json_bool(&j, "approx", bk_fsops_approx(&s->ops));
			bk_json_end(&j);
			continue;
		}
		printf("\n%s: %llu operations, average %.3f %s\n", bk_fsop_names[op],
		       (unsigned long long)h->count,
		       (double)h->total_ns / h->count / (bk_env.milliseconds ? 1e6 : 1e3), s->unit);
		bk_print_log2_hist(stdout, h->slots, FSDIST_SLOTS, s->unit);
	}
	return 0;
}

int main(int argc, char **argv)
{
	char fs_by_name[BK_FSTYPE_LEN], prog[32];
	struct fsdist_bpf *skel = NULL;
	struct bk_links links = {};
	struct bk_loop loop = {};
	struct state st = {};
	int err;

	/* Arguments: the file system by the tool's name or --fs; the shared letters land in bk_env. */
	bk_fs_from_name(argv[0], "fsdist", "dist", fs_by_name);
	snprintf(prog, sizeof(prog), "%sdist", fs_by_name[0] ? fs_by_name : "fs");
	bk_parse_args_doc(argc, argv, options, parse_arg, "[interval [count]]", argp_program_doc,
			  BK_OPT_FILTERS | BK_OPT_MILLI | BK_OPT_DURATION | BK_OPT_JSON |
			  BK_OPT_FORCE_PATH);
	if (fs_by_name[0] && opt.fs_given && strcmp(fs_by_name, opt.fs)) {
		fprintf(stderr, "%s: traces %s; for %s run fsdist --fs %s\n", prog, fs_by_name,
			opt.fs, opt.fs);
		return BK_EXIT_USAGE;
	}
	if (!opt.fs_given)
		memcpy(opt.fs, fs_by_name, sizeof(opt.fs));
	st.unit = bk_env.milliseconds ? "msecs" : "usecs";

	/* Logging, privileges, BTF; then open the BPF object. */
	err = bk_init(prog);
	if (err)
		goto cleanup;
	skel = fsdist_bpf__open_opts(bk_open_opts());
	err = bk_opened(skel);
	if (err)
		goto cleanup;

	/* The path: fentry or kprobes on the file system's functions, else its system calls. */
	st.ops = (struct bk_fsops)BK_FSOPS_PROGS(skel->progs);
	st.ops.ops = (1u << FSOP_OPS) - 1;
	err = bk_fsops_choose(&st.ops, opt.fs, bk_env.force_path);
	if (err)
		goto cleanup;

	/* Filters, the file system (syscalls path) and the unit go to .rodata before load. */
	bk_filter_fill(&skel->rodata->bk_filter);
	if (bk_fsops_approx(&st.ops)) {
		memcpy((char *)skel->rodata->targ_fstype, opt.fs, sizeof(opt.fs));
		skel->rodata->targ_ops = st.ops.ops;
	}
	skel->rodata->targ_unit_ns = bk_env.milliseconds ? 1000000 : 1000;

	/* Load (the verifier runs here), then the file system's hooks, then the rest. */
	err = bk_load(skel->skeleton);
	if (!err)
		err = bk_fsops_attach(&st.ops, &links);
	if (!err)
		err = bk_attach(skel->skeleton);
	if (!err)
		err = bk_counters_init(&st.hists, bpf_map__fd(skel->maps.hists), 2);
	if (err)
		goto cleanup;

	/* Signals, then the banner. */
	bk_signals();
	if (!bk_env.json) {
		if (bk_fsops_approx(&st.ops))
			printf("# approximation: the system calls on regular files of %s%s are timed, "
			       "not the file system itself (see CAVEATS in fsdist(8))\n",
			       opt.fs[0] ? opt.fs : "every file system", opt.fs[0] ? " file systems" : "");
		printf("Tracing %s operation latency... Hit Ctrl-C to end.\n",
		       opt.fs[0] ? opt.fs : "file system");
	}

	/* Until Ctrl-C, SIGTERM, -d or count intervals; what is left is printed too. */
	bk_summary(&loop, print_hists, &st);
	loop.lost_starts = &skel->bss->bk_lost_starts;
	loop.lost_what = "operations were not timed";
	err = bk_run(&loop);

cleanup:
	bk_counters_free(&st.hists);
	bk_links_destroy(&links);
	fsdist_bpf__destroy(skel);
	return bk_exit(err);
}
