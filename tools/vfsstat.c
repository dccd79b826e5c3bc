// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * vfsstat: counts of VFS reads, writes, fsyncs, opens, creates, unlinks,
 * mkdirs and rmdirs, per interval.
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "core/attach.h"
#include "core/json.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/maps.h"
#include "core/opts.h"
#include "core/output.h"
#include "core/setup.h"
#include "vfsstat.h"
#include "vfsstat.skel.h"

const char argp_program_doc[] =
	"Count VFS operations (read, write, fsync, open, create, unlink, mkdir,\n"
	"rmdir) and print their rates every interval.\n"
	"\n"
	"USAGE: vfsstat [-p PID] [-t TID] [-u UID] [-n COMM] [-j] [-d SECONDS]\n"
	"               [interval [count]]\n"
	"\n"
	"EXAMPLES:\n"
	"    vfsstat                   # rates every second until Ctrl-C\n"
	"    vfsstat 5 12              # every 5 seconds, 12 times\n"
	"    vfsstat -p 181            # only process 181\n"
	"    vfsstat -j 10             # JSON lines with the counts, every 10 s";

static const char *const columns[VFSSTAT_OPS] = {
	"READ/s", "WRITE/s", "FSYNC/s", "OPEN/s", "CREATE/s", "UNLINK/s", "MKDIR/s", "RMDIR/s",
};
static const char *const keys[VFSSTAT_OPS] = {
	"read", "write", "fsync", "open", "create", "unlink", "mkdir", "rmdir",
};
#define W_RATE 8

struct state {
	struct bk_counters counts;	/* one __u64 per operation */
	__u64 last_ns;			/* when they were read */
};

static void print_header(void)
{
	if (bk_env.json)
		return;
	if (!strcmp(bk_attach_path, "syscalls"))
		printf("# counting system calls, not VFS calls: an approximation "
		       "(see CAVEATS in vfsstat(8))\n");
	printf("%-*s", BK_W_TIME, "TIME");
	for (int i = 0; i < VFSSTAT_OPS; i++)
		printf(" %*s", W_RATE, columns[i]);
	printf("\n");
}

/* Prints the operations since the last call (counters diffed, never zeroed). */
static int print_interval(void *ctx)
{
	struct state *s = ctx;
	__u64 now = bk_now_ns(), delta[VFSSTAT_OPS];
	double secs = (now - s->last_ns) / 1e9;
	char t[40];
	struct bk_json j;
	int err = bk_counters_read(&s->counts, VFSSTAT_OPS);

	if (err)
		return err;
	for (__u32 op = 0; op < VFSSTAT_OPS; op++)
		delta[op] = *(const __u64 *)bk_counters_delta(&s->counts, op);
	s->last_ns = now;
	if (secs <= 0)
		secs = 1e-9;
	if (bk_env.json) {
		bk_time_iso(t, sizeof(t), now);
		bk_json_begin(&j, stdout);
		bk_json_str(&j, "time", t, sizeof(t));
		bk_json_uint(&j, "interval_ms", (unsigned long long)(secs * 1000 + 0.5));
		bk_json_str(&j, "source", bk_attach_path, strlen(bk_attach_path));
		for (int i = 0; i < VFSSTAT_OPS; i++)
			bk_json_uint(&j, keys[i], delta[i]);
		bk_json_end(&j);
		return 0;
	}
	bk_time_hms(t, sizeof(t), now);
	printf("%-*s", BK_W_TIME, t);
	for (int i = 0; i < VFSSTAT_OPS; i++)
		printf(" %*.0f", W_RATE, delta[i] / secs);
	printf("\n");
	return 0;
}

int main(int argc, char **argv)
{
	struct bk_loop loop = {};
	struct state st = {};
	struct vfsstat_bpf *skel = NULL;
	int err;

	/* Arguments; the shared letters land in bk_env. One second by default. */
	bk_env.interval_s = 1;
	bk_parse_args_doc(argc, argv, NULL, bk_parse_interval_only, "[interval [count]]", argp_program_doc,
			  BK_OPT_FILTERS | BK_OPT_DURATION | BK_OPT_JSON | BK_OPT_FORCE_PATH);

	/* Logging, privileges, BTF. */
	err = bk_init("vfsstat");
	if (err)
		goto cleanup;

	/* Open the BPF object. */
	skel = vfsstat_bpf__open_opts(bk_open_opts());
	err = bk_opened(skel);
	if (err)
		goto cleanup;

	/* Filters go to .rodata before load. */
	bk_filter_fill(&skel->rodata->bk_filter);

	/*
	 * The attach path: fentry on the VFS functions, else kprobes on them,
	 * else the approximation from system calls.
	 */
	struct bk_variant variants[] = {
		{ "fentry", { skel->progs.handle_read_fentry, skel->progs.handle_write_fentry,
			      skel->progs.handle_fsync_fentry, skel->progs.handle_open_fentry,
			      skel->progs.handle_create_fentry, skel->progs.handle_unlink_fentry,
			      skel->progs.handle_mkdir_fentry, skel->progs.handle_rmdir_fentry } },
		{ "kprobe", { skel->progs.handle_read_kprobe, skel->progs.handle_write_kprobe,
			      skel->progs.handle_fsync_kprobe, skel->progs.handle_open_kprobe,
			      skel->progs.handle_create_kprobe, skel->progs.handle_unlink_kprobe,
			      skel->progs.handle_mkdir_kprobe, skel->progs.handle_rmdir_kprobe } },
		{ "syscalls", { skel->progs.handle_sys_enter } },
	};
	err = bk_choose(variants, 3, bk_env.force_path);
	if (err < 0)
		goto cleanup;
	if (!strcmp(bk_attach_path, "syscalls"))
		bk_info(1, "no VFS function hooks: counting the system calls that reach them");

	/* Load (the verifier runs here) and attach. */
	err = bk_start(skel->skeleton);
	if (err)
		goto cleanup;

	/* The counters, read every interval. */
	err = bk_counters_init(&st.counts, bpf_map__fd(skel->maps.counts), 1);
	if (err)
		goto cleanup;
	st.last_ns = bk_now_ns();

	/* Signals, then the header. */
	bk_signals();
	print_header();

	/* Until Ctrl-C, SIGTERM, -d or the count; what is left is printed too. */
	bk_summary(&loop, print_interval, &st);
	err = bk_run(&loop);

cleanup:
	bk_counters_free(&st.counts);
	vfsstat_bpf__destroy(skel);
	return bk_exit(err);
}
