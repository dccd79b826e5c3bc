// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * opensnoop: trace open(), openat() and openat2() system-wide, with results.
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
#include "opensnoop.h"
#include "opensnoop.skel.h"

static struct {
	bool flags_column;
	const char *prefix;
} opt;

const char argp_program_doc[] =
	"Trace open(), openat() and openat2() calls, with their results.\n"
	"\n"
	"USAGE: opensnoop [-p PID] [-t TID] [-u UID] [-n COMM] [-x] [-T] [-U] [-e]\n"
	"                 [--prefix PATH] [-j] [-d SECONDS]\n"
	"\n"
	"EXAMPLES:\n"
	"    opensnoop                 # trace all opens\n"
	"    opensnoop -x              # only failed opens\n"
	"    opensnoop -p 181          # only process 181\n"
	"    opensnoop -n nginx        # only processes called nginx\n"
	"    opensnoop --prefix /etc/  # only paths starting with /etc/\n"
	"    opensnoop -T -U -e        # add time, UID and flags columns\n"
	"    opensnoop -j -d 10        # JSON lines for 10 seconds";

enum { OPT_PREFIX = 2000 };

static const struct argp_option options[] = {
	{ "extended", 'e', NULL, 0, "Add a FLAGS column (open flags, octal)", 0 },
	{ "prefix", OPT_PREFIX, "PATH", 0, "Only paths starting with PATH (compared as given)", 0 },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'e':
		opt.flags_column = true;
		break;
	case OPT_PREFIX:
		if (!*arg || strlen(arg) >= OPENSNOOP_PREFIX_LEN)
			bk_usage(state, "--prefix wants 1 to %d characters", OPENSNOOP_PREFIX_LEN - 1);
		opt.prefix = arg;
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
	printf("%-*s %-*s %3s %3s ", BK_W_PID, "PID", BK_W_COMM, "COMM", "FD", "ERR");
	if (opt.flags_column)
		printf("%-8s ", "FLAGS");
	printf("PATH\n");
}

static int handle_event(void *ctx, void *data, size_t size)
{
	const struct open_event *e = data;
	size_t path_len = size - offsetof(struct open_event, path);
	int fd = e->ret >= 0 ? (int)e->ret : -1, err = e->ret >= 0 ? 0 : (int)-e->ret;
	static char path[4 * OPENSNOOP_PATH_LEN + sizeof(BK_CUT_MARK)];
	char comm[4 * 16];
	struct bk_json j;

	if (bk_env.json) {
		bk_json_event(&j, stdout, e->ts_ns, e->tgid, e->tid, e->uid, e->comm);
		bk_json_int(&j, "fd", fd);
		bk_json_int(&j, "err", err);
		bk_json_uint(&j, "flags", e->flags);
		bk_json_uint(&j, "mode", e->mode);
		bk_json_rec_str(&j, "path", e->path, path_len, e->str_flags, 0);
		bk_json_end(&j);
		return 0;
	}
	bk_escape(comm, sizeof(comm), e->comm, sizeof(e->comm));
	bk_escape_str(path, sizeof(path), e->path, path_len, e->str_flags, 0);
	bk_print_prefix(e->ts_ns, e->uid);
	printf("%-*u %-*s %3d %3d ", BK_W_PID, e->tgid, BK_W_COMM, comm, fd, err);
	if (opt.flags_column)
		printf("%08o ", e->flags);
	printf("%s\n", path);
	return 0;
}

int main(int argc, char **argv)
{
	struct opensnoop_bpf *skel = NULL;
	struct bk_loop loop = {};
	int err;

	/* Arguments; the shared letters land in bk_env. */
	bk_parse_args(argc, argv, options, parse_arg, argp_program_doc,
		      BK_OPT_FILTERS | BK_OPT_FAILED | BK_OPT_TIMESTAMP | BK_OPT_UIDCOL |
		      BK_OPT_DURATION | BK_OPT_JSON | BK_OPT_FORCE_PATH);

	/* Logging, privileges, BTF; then open the BPF object. */
	err = bk_init("opensnoop");
	if (err)
		goto cleanup;
	skel = opensnoop_bpf__open_opts(bk_open_opts());
	err = bk_opened(skel);
	if (err)
		goto cleanup;

	/* Filters and settings go to .rodata before load. */
	bk_filter_fill(&skel->rodata->bk_filter);
	if (opt.prefix) {
		strncpy((char *)skel->rodata->targ_prefix, opt.prefix, OPENSNOOP_PREFIX_LEN - 1);
		skel->rodata->targ_prefix_len = strlen(opt.prefix);
	}
	/* 4 MB: about 40,000 typical records, 100 ms of a busy system's opens while
	 * the reader is off the CPU; pages are only touched when that happens. */
	err = bk_events_size(skel->maps.events, &skel->rodata->bk_wakeup, 4 << 20);
	if (err)
		goto cleanup;

	/* The attach path: syscall tracepoints, else fexit, else kprobes. */
	struct bk_variant variants[] = {
		{ "tracepoint",
		  { skel->progs.handle_openat, skel->progs.handle_openat_exit },
		  { skel->progs.handle_open, skel->progs.handle_open_exit,
		    skel->progs.handle_openat2, skel->progs.handle_openat2_exit } },
		{ "fentry", { skel->progs.handle_open_fexit } },
		{ "kprobe", { skel->progs.handle_open_kprobe, skel->progs.handle_open_exit_kprobe } },
	};
	err = bk_choose(variants, 3, bk_env.force_path);
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
	loop.lost_what = "opens were not shown";
	bk_signals();
	print_header();

	/* Until Ctrl-C, SIGTERM or -d. */
	err = bk_run(&loop);

cleanup:
	bk_loop_free(&loop);
	opensnoop_bpf__destroy(skel);
	return bk_exit(err);
}
