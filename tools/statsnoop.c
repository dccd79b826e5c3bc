// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * statsnoop: trace stat(), lstat(), fstatat(), statx() and statfs() calls,
 * with the path and the result.
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
#include "statsnoop.h"
#include "statsnoop.skel.h"

const char argp_program_doc[] =
	"Trace stat(), lstat(), fstatat(), statx() and statfs() calls, with the path\n"
	"and the result.\n"
	"\n"
	"USAGE: statsnoop [-p PID] [-t TID] [-u UID] [-n COMM] [--cgroup PATH] [-x]\n"
	"                 [-T] [-U] [-j] [-d SECONDS]\n"
	"\n"
	"EXAMPLES:\n"
	"    statsnoop                 # trace every stat-family call\n"
	"    statsnoop -x              # only failed calls: what is looked for and missing\n"
	"    statsnoop -p 181          # only process 181\n"
	"    statsnoop -j -d 10        # JSON lines for 10 seconds";

static const char *const call_names[STATSNOOP_CALLS] = {
	"stat", "lstat", "fstatat", "statx", "statfs",
};

#define W_CALL 7

static void print_header(void)
{
	if (bk_env.json)
		return;
	bk_print_prefix_header();
	printf("%-*s %-*s %-*s %3s PATH\n", BK_W_PID, "PID", BK_W_COMM, "COMM", W_CALL, "CALL",
	       "ERR");
}

static int handle_event(void *ctx, void *data, size_t size)
{
	const struct stat_event *e = data;
	size_t path_len = size - offsetof(struct stat_event, path);
	const char *call = e->call < STATSNOOP_CALLS ? call_names[e->call] : "?";
	bool has_dfd = e->call == STATSNOOP_FSTATAT || e->call == STATSNOOP_STATX;
	int err = e->ret < 0 ? (int)-e->ret : 0;
	char comm[4 * 16], path[4 * STATSNOOP_PATH_LEN];
	struct bk_json j;

	if (bk_env.json) {
		bk_json_event(&j, stdout, e->ts_ns, e->tgid, e->tid, e->uid, e->comm);
		bk_json_str(&j, "call", call, W_CALL + 1);
		bk_json_int(&j, "err", err);
		bk_json_rec_str(&j, "path", e->path, path_len, e->str_flags, 0);
		if (has_dfd) {
			if (e->dfd != STATSNOOP_AT_FDCWD)
				bk_json_int(&j, "dfd", e->dfd);
			bk_json_uint(&j, "flags", e->flags);
		}
		bk_json_end(&j);
		return 0;
	}
	bk_escape(comm, sizeof(comm), e->comm, sizeof(e->comm));
	/* fstat() is fstatat(fd, "", AT_EMPTY_PATH) in glibc: say which fd. */
	if (has_dfd && !e->path[0] && (e->flags & STATSNOOP_AT_EMPTY_PATH))
		snprintf(path, sizeof(path), "(fd %d)", e->dfd);
	else
		bk_escape_str(path, sizeof(path), e->path, path_len, e->str_flags, 0);
	bk_print_prefix(e->ts_ns, e->uid);
	printf("%-*u %-*s %-*s %3d %s\n", BK_W_PID, e->tgid, BK_W_COMM, comm, W_CALL, call, err,
	       path);
	return 0;
}

int main(int argc, char **argv)
{
	struct statsnoop_bpf *skel = NULL;
	struct bk_loop loop = {};
	int err;

	/* Arguments; the shared letters land in bk_env. */
	bk_parse_args(argc, argv, NULL, NULL, argp_program_doc,
		      BK_OPT_FILTERS | BK_OPT_FAILED | BK_OPT_TIMESTAMP | BK_OPT_UIDCOL |
		      BK_OPT_DURATION | BK_OPT_JSON);

	/* Logging, privileges, BTF; then open the BPF object. */
	err = bk_init("statsnoop");
	if (err)
		goto cleanup;
	skel = statsnoop_bpf__open_opts(bk_open_opts());
	err = bk_opened(skel);
	if (err)
		goto cleanup;

	/* Filters go to .rodata before load; 4 MB as for opensnoop. */
	bk_filter_fill(&skel->rodata->bk_filter);
	err = bk_events_size(skel->maps.events, &skel->rodata->bk_wakeup, 4 << 20);
	if (err)
		goto cleanup;

	/* The syscall tracepoints; stat and lstat where the architecture has them. */
	struct bk_variant variants[] = {
		{ "tracepoint",
		  { skel->progs.handle_fstatat, skel->progs.handle_fstatat_exit,
		    skel->progs.handle_statx, skel->progs.handle_statx_exit,
		    skel->progs.handle_statfs, skel->progs.handle_statfs_exit },
		  { skel->progs.handle_stat, skel->progs.handle_stat_exit,
		    skel->progs.handle_lstat, skel->progs.handle_lstat_exit } },
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
	loop.lost_what = "stat calls were not shown";
	bk_signals();
	print_header();

	/* Until Ctrl-C, SIGTERM or -d. */
	err = bk_run(&loop);

cleanup:
	bk_loop_free(&loop);
	statsnoop_bpf__destroy(skel);
	return bk_exit(err);
}
