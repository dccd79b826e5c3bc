// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * syncsnoop: trace sync(), syncfs(), fsync(), fdatasync(), sync_file_range()
 * and msync() calls, with latency, result and the file they were made on.
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
#include "fs/fileid.h"
#include "syncsnoop.h"
#include "syncsnoop.skel.h"

const char argp_program_doc[] =
	"Trace sync(), syncfs(), fsync(), fdatasync(), sync_file_range() and msync()\n"
	"calls, with their latency, result and file.\n"
	"\n"
	"USAGE: syncsnoop [-p PID] [-t TID] [-u UID] [-n COMM] [--cgroup PATH] [-x]\n"
	"                 [-T] [-U] [-j] [-d SECONDS]\n"
	"\n"
	"EXAMPLES:\n"
	"    syncsnoop                 # trace every sync-family call\n"
	"    syncsnoop -p 181          # only process 181\n"
	"    syncsnoop -x              # only failed calls\n"
	"    syncsnoop -T -j           # JSON lines with times";

static const char *const call_names[SYNCSNOOP_CALLS] = {
	"sync", "syncfs", "fsync", "fdatasync", "sync_file_range", "msync",
};

#define W_CALL 15
#define W_LAT 9
#define W_FS 6

static void print_header(void)
{
	if (bk_env.json)
		return;
	bk_print_prefix_header();
	printf("%-*s %-*s %-*s %*s %3s %-*s FILE\n", BK_W_PID, "PID", BK_W_COMM, "COMM", W_CALL,
	       "CALL", W_LAT, "LAT(ms)", "ERR", W_FS, "FS");
}

static int handle_event(void *ctx, void *data, size_t size)
{
	const struct sync_event *e = data;
	size_t name_len = size - offsetof(struct sync_event, name);
	const char *call = e->call < SYNCSNOOP_CALLS ? call_names[e->call] : "?";
	int err = e->ret < 0 ? (int)-e->ret : 0;
	char comm[4 * 16], name[4 * BK_DNAME_LEN], fstype[4 * BK_FSTYPE_LEN];
	struct bk_json j;

	if (bk_env.json) {
		bk_json_event(&j, stdout, e->ts_ns, e->tgid, e->tid, e->uid, e->comm);
		bk_json_str(&j, "call", call, W_CALL + 1);
		bk_json_uint(&j, "lat_ns", e->lat_ns);
		bk_json_int(&j, "err", err);
		if (e->fd >= 0)
			bk_json_int(&j, "fd", e->fd);
		if (e->fstype[0])
			bk_json_file(&j, &e->file, e->fstype, e->name, name_len, e->str_flags, 0);
		if (e->call == SYNCSNOOP_SYNC_FILE_RANGE) {
			bk_json_uint(&j, "offset", e->off);
			bk_json_uint(&j, "nbytes", e->len);
		} else if (e->call == SYNCSNOOP_MSYNC) {
			bk_json_uint(&j, "addr", e->off);
			bk_json_uint(&j, "len", e->len);
		}
		if (e->call == SYNCSNOOP_SYNC_FILE_RANGE || e->call == SYNCSNOOP_MSYNC)
			bk_json_uint(&j, "flags", e->flags);
		bk_json_end(&j);
		return 0;
	}
	bk_escape(comm, sizeof(comm), e->comm, sizeof(e->comm));
	if (e->fstype[0]) {
		bk_escape_str(name, sizeof(name), e->name, name_len, e->str_flags, 0);
		bk_escape(fstype, sizeof(fstype), e->fstype, sizeof(e->fstype));
	} else {
		/* sync() and msync() name no file; a bad fd has none either. */
		strcpy(name, e->fd >= 0 ? "?" : "-");
		strcpy(fstype, "-");
	}
	bk_print_prefix(e->ts_ns, e->uid);
	printf("%-*u %-*s %-*s %*.3f %3d %-*s %s\n", BK_W_PID, e->tgid, BK_W_COMM, comm, W_CALL,
	       call, W_LAT, e->lat_ns / 1e6, err, W_FS, fstype, name);
	return 0;
}

int main(int argc, char **argv)
{
	struct syncsnoop_bpf *skel = NULL;
	struct bk_loop loop = {};
	int err;

	/* Arguments; the shared letters land in bk_env. */
	bk_parse_args(argc, argv, NULL, NULL, argp_program_doc,
		      BK_OPT_FILTERS | BK_OPT_FAILED | BK_OPT_TIMESTAMP | BK_OPT_UIDCOL |
		      BK_OPT_DURATION | BK_OPT_JSON);

	/* Logging, privileges, BTF; then open the BPF object. */
	err = bk_init("syncsnoop");
	if (err)
		goto cleanup;
	skel = syncsnoop_bpf__open_opts(bk_open_opts());
	err = bk_opened(skel);
	if (err)
		goto cleanup;

	/* Filters go to .rodata before load; sync calls are rare: 256 KB. */
	bk_filter_fill(&skel->rodata->bk_filter);
	err = bk_events_size(skel->maps.events, &skel->rodata->bk_wakeup, 256 << 10);
	if (err)
		goto cleanup;

	/* The syscall tracepoints; sync_file_range and msync where they exist. */
	struct bk_variant variants[] = {
		{ "tracepoint",
		  { skel->progs.handle_sync, skel->progs.handle_sync_exit,
		    skel->progs.handle_syncfs, skel->progs.handle_syncfs_exit,
		    skel->progs.handle_fsync, skel->progs.handle_fsync_exit,
		    skel->progs.handle_fdatasync, skel->progs.handle_fdatasync_exit },
		  { skel->progs.handle_sync_file_range, skel->progs.handle_sync_file_range_exit,
		    skel->progs.handle_msync, skel->progs.handle_msync_exit } },
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
	loop.lost_what = "sync calls were not shown";
	bk_signals();
	print_header();

	/* Until Ctrl-C, SIGTERM or -d. */
	err = bk_run(&loop);

cleanup:
	bk_loop_free(&loop);
	syncsnoop_bpf__destroy(skel);
	return bk_exit(err);
}
