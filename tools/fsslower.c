// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * fsslower (ext4slower, xfsslower, btrfsslower, nfsslower, f2fsslower):
 * reads, writes, opens and fsyncs of a file system slower than a threshold.
 */
#include <argp.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "core/attach.h"
#include "core/json.h"
#include "core/links.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/opts.h"
#include "core/output.h"
#include "core/setup.h"
#include "fs/fileid.h"
#include "fs/fshooks.h"
#include "fsslower.h"
#include "fsslower.skel.h"

static struct {
	char fs[BK_FSTYPE_LEN];		/* "" for every file system */
	bool fs_given;
	bool csv;
	double min_ms;
	int npos;
} opt = { .min_ms = 10 };

const char argp_program_doc[] =
	"Trace reads, writes, opens and fsyncs of a file system that take longer than\n"
	"min_ms milliseconds (10 by default; 0 shows every one). The file system comes\n"
	"from the name the tool is run by (ext4slower, xfsslower, btrfsslower,\n"
	"nfsslower, f2fsslower) or --fs. Where the kernel has neither fentry nor\n"
	"kprobes, the system calls on the file system's regular files are timed\n"
	"instead: an approximation, which the output says (see CAVEATS in fsslower(8)).\n"
	"\n"
	"USAGE: fsslower [--fs FS] [-p PID] [-t TID] [-u UID] [-n COMM] [--cgroup PATH]\n"
	"                [-T] [-U] [-c] [-j] [-d SECONDS] [min_ms]\n"
	"\n"
	"EXAMPLES:\n"
	"    ext4slower                # ext4 operations slower than 10 ms\n"
	"    fsslower --fs xfs 1       # xfs operations slower than 1 ms\n"
	"    ext4slower 0              # every ext4 read, write, open and fsync\n"
	"    ext4slower -p 181 -j      # process 181's, as JSON lines\n"
	"    fsslower -c 5 > slow.csv  # any file system, over 5 ms, as CSV";

enum { OPT_FS = 2000 };

static const struct argp_option options[] = {
	{ "fs", OPT_FS, "FS", 0, "The file system type (ext4, xfs, btrfs, nfs, f2fs, or any name in "
				 "/proc/filesystems on the syscalls path)", 0 },
	{ "csv", 'c', NULL, 0, "Comma-separated values, as bcc's fsslower -c", 0 },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	char *end;

	switch (key) {
	case OPT_FS:
		if (bk_fs_parse(arg, opt.fs))
			bk_usage(state, "invalid --fs '%s': want a file system type such as ext4", arg);
		opt.fs_given = true;
		break;
	case 'c':
		opt.csv = true;
		break;
	case ARGP_KEY_ARG:
		if (opt.npos++)
			bk_usage(state, "one threshold only ('%s')", arg);
		errno = 0;
		opt.min_ms = strtod(arg, &end);
		if (errno || end == arg || *end || !(opt.min_ms >= 0) || opt.min_ms > 1e9)
			bk_usage(state, "invalid min_ms '%s': want a number of milliseconds >= 0", arg);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* The T column: one letter per operation. */
static const char op_letter[FSOP_OPS] = { 'R', 'W', 'O', 'F', 'G' };

static struct bk_fsops ops;

static void print_header(void)
{
	if (bk_env.json)
		return;
	if (opt.csv) {
		printf("ENDTIME_us,TASK,PID,TYPE,BYTES,OFFSET_b,LATENCY_us,FILE\n");
		return;
	}
	if (bk_fsops_approx(&ops))
		printf("# approximation: the system calls on regular files of %s%s are timed, not "
		       "the file system itself (see CAVEATS in fsslower(8))\n",
		       opt.fs[0] ? opt.fs : "every file system", opt.fs[0] ? " file systems" : "");
	bk_print_prefix_header();
	printf("%-*s %-*s T %7s %8s %8s FILE\n", BK_W_PID, "PID", BK_W_COMM, "COMM", "BYTES",
	       "OFF_KB", "LAT(ms)");
}

/* A CSV field: quoted when it holds a comma, a quote or a space. */
static void csv_field(const char *s)
{
	if (!strpbrk(s, ",\" ")) {
		fputs(s, stdout);
		return;
	}
	putchar('"');
	for (; *s; s++) {
		if (*s == '"')
			putchar('"');
		putchar(*s);
	}
	putchar('"');
}

static int handle_event(void *ctx, void *data, size_t size)
{
	const struct fsslower_event *e = data;
	size_t name_len = size - offsetof(struct fsslower_event, name);
	bool rw = e->op == FSOP_READ || e->op == FSOP_WRITE;
	char comm[4 * 16], name[4 * BK_DNAME_LEN];
	struct bk_json j;

	if (e->op >= FSOP_OPS)
		return 0;
	if (bk_env.json) {
		bk_json_event(&j, stdout, e->ts_ns, e->tgid, e->tid, e->uid, e->comm);
		bk_json_str(&j, "op", bk_fsop_names[e->op], 16);
		bk_json_uint(&j, "lat_ns", e->lat_ns);
		if (rw) {
			bk_json_int(&j, "bytes", e->ret >= 0 ? e->ret : 0);
			bk_json_int(&j, "offset", e->offset);
		}
		bk_json_int(&j, "err", e->ret < 0 ? -e->ret : 0);
		bk_json_file(&j, &e->file, e->fstype, e->name, name_len, e->str_flags, 0);
		bk_json_bool(&j, "approx", bk_fsops_approx(&ops));
		bk_json_end(&j);
		return 0;
	}
	bk_escape(comm, sizeof(comm), e->comm, sizeof(e->comm));
	bk_escape_str(name, sizeof(name), e->name, name_len, e->str_flags, 0);
	if (opt.csv) {
		printf("%llu,", (unsigned long long)(e->ts_ns / 1000));
		csv_field(comm);
		printf(",%u,%c,%lld,%lld,%llu,", e->tgid, op_letter[e->op],
		       (long long)(rw ? e->ret : 0), (long long)(rw ? e->offset : 0),
		       (unsigned long long)(e->lat_ns / 1000));
		csv_field(name);
		putchar('\n');
		return 0;
	}
	bk_print_prefix(e->ts_ns, e->uid);
	printf("%-*u %-*s %c %7lld %8lld %8.2f %s\n", BK_W_PID, e->tgid, BK_W_COMM, comm,
	       op_letter[e->op], (long long)(rw || e->ret < 0 ? e->ret : 0),
	       (long long)(rw ? e->offset / 1024 : 0), e->lat_ns / 1e6, name);
	return 0;
}

int main(int argc, char **argv)
{
	char fs_by_name[BK_FSTYPE_LEN], prog[32];
	struct fsslower_bpf *skel = NULL;
	struct bk_links links = {};
	struct bk_loop loop = {};
	int err;

	/* Arguments: the file system by the tool's name or --fs; the shared letters land in bk_env. */
	bk_fs_from_name(argv[0], "fsslower", "slower", fs_by_name);
	snprintf(prog, sizeof(prog), "%sslower", fs_by_name[0] ? fs_by_name : "fs");
	bk_parse_args_doc(argc, argv, options, parse_arg, "[min_ms]", argp_program_doc,
			  BK_OPT_FILTERS | BK_OPT_TIMESTAMP | BK_OPT_UIDCOL | BK_OPT_DURATION |
			  BK_OPT_JSON | BK_OPT_FORCE_PATH);
	if (opt.csv && bk_env.json) {
		fprintf(stderr, "%s: -c and -j are two output formats: choose one\n", prog);
		return BK_EXIT_USAGE;
	}
	if (fs_by_name[0] && opt.fs_given && strcmp(fs_by_name, opt.fs)) {
		fprintf(stderr, "%s: traces %s; for %s run fsslower --fs %s\n", prog, fs_by_name,
			opt.fs, opt.fs);
		return BK_EXIT_USAGE;
	}
	if (!opt.fs_given)
		memcpy(opt.fs, fs_by_name, sizeof(opt.fs));

	/* Logging, privileges, BTF; then open the BPF object. */
	err = bk_init(prog);
	if (err)
		goto cleanup;
	skel = fsslower_bpf__open_opts(bk_open_opts());
	err = bk_opened(skel);
	if (err)
		goto cleanup;

	/* The path: fentry or kprobes on the file system's functions, else its system calls. */
	ops = (struct bk_fsops)BK_FSOPS_PROGS(skel->progs);
	ops.ops = 1u << FSOP_READ | 1u << FSOP_WRITE | 1u << FSOP_OPEN | 1u << FSOP_FSYNC;
	err = bk_fsops_choose(&ops, opt.fs, bk_env.force_path);
	if (err)
		goto cleanup;
	if (bk_fsops_approx(&ops))
		bk_info(1, "no hooks on %s's functions: timing its system calls",
			opt.fs[0] ? opt.fs : "the file systems'");

	/* Filters, the file system (syscalls path) and the threshold go to .rodata before load. */
	bk_filter_fill(&skel->rodata->bk_filter);
	if (bk_fsops_approx(&ops)) {
		memcpy((char *)skel->rodata->targ_fstype, opt.fs, sizeof(opt.fs));
		skel->rodata->targ_ops = ops.ops;
	}
	skel->rodata->targ_min_ns = (__u64)(opt.min_ms * 1e6);
	/* 4 MB: with a threshold of 0, 100 ms of a busy file system's operations. */
	err = bk_events_size(skel->maps.events, &skel->rodata->bk_wakeup, 4 << 20);
	if (err)
		goto cleanup;

	/* Load (the verifier runs here), then the file system's hooks, then the rest. */
	err = bk_load(skel->skeleton);
	if (!err)
		err = bk_fsops_attach(&ops, &links);
	if (!err)
		err = bk_attach(skel->skeleton);
	if (err)
		goto cleanup;

	/* Events and signals, then the header. */
	err = bk_events(&loop, skel->maps.events, handle_event, NULL, &skel->bss->bk_drops);
	if (err)
		goto cleanup;
	loop.lost_starts = &skel->bss->bk_lost_starts;
	loop.lost_what = "operations were not timed";
	bk_signals();
	print_header();

	/* Until Ctrl-C, SIGTERM or -d. */
	err = bk_run(&loop);

cleanup:
	bk_loop_free(&loop);
	bk_links_destroy(&links);
	fsslower_bpf__destroy(skel);
	return bk_exit(err);
}
