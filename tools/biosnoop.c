// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * biosnoop: one line per block I/O request, with the task that issued it,
 * its disk, operation, sector, size and latency.
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "block/block.h"
#include "core/json.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/opts.h"
#include "core/output.h"
#include "core/setup.h"
#include "biosnoop.h"
#include "biosnoop.skel.h"

static struct {
	bool queued;
	double min_ms;
	struct bk_disk disk;
	__u64 start_ns;
} opt;

const char argp_program_doc[] =
	"Trace block I/O requests: one line per request completed, with the task that\n"
	"issued it, its disk, operation, sector, size and latency.\n"
	"\n"
	"USAGE: biosnoop [-Q] [--disk DISK] [--min-ms MS] [-p PID] [-t TID] [-u UID]\n"
	"                [-n COMM] [--cgroup PATH] [-U] [-j] [-d SECONDS]\n"
	"\n"
	"EXAMPLES:\n"
	"    biosnoop                  # every request, all disks\n"
	"    biosnoop -Q               # add the time queued in the kernel\n"
	"    biosnoop --disk sda       # only sda (sda1: only that partition)\n"
	"    biosnoop --min-ms 10      # only requests slower than 10 ms\n"
	"    biosnoop -p 181           # only requests process 181 issued\n"
	"    biosnoop -j -d 10         # JSON lines for 10 seconds";

enum { OPT_MIN_MS = 2000 };

static const struct argp_option options[] = {
	{ "queued", 'Q', NULL, 0, "Add a QUE(ms) column: the time from the request's start to its issue", 0 },
	BK_DISK_OPTION,
	{ "min-ms", OPT_MIN_MS, "MS", 0, "Only requests that took at least MS milliseconds (with -Q, "
					 "queued time included)", 0 },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	char *end;

	switch (key) {
	case 'Q':
		opt.queued = true;
		break;
	case BK_OPT_DISK:
		bk_disk_arg(state, arg, &opt.disk);
		break;
	case OPT_MIN_MS:
		errno = 0;
		opt.min_ms = strtod(arg, &end);
		if (errno || end == arg || *end || !(opt.min_ms >= 0) || opt.min_ms > 1e9)
			bk_usage(state, "invalid --min-ms '%s': want milliseconds, 0 or more", arg);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

#define W_TIME 11
#define W_DISK 7
#define W_T 4
#define W_SECTOR 11
#define W_BYTES 7
#define W_MS 8

static void print_header(void)
{
	if (bk_env.json)
		return;
	if (bk_env.uid_column)
		printf("%-*s ", BK_W_UID, "UID");
	printf("%-*s %-*s %-*s %-*s %-*s %*s %*s ", W_TIME, "TIME(s)", BK_W_COMM, "COMM", BK_W_PID,
	       "PID", W_DISK, "DISK", W_T, "T", W_SECTOR, "SECTOR", W_BYTES, "BYTES");
	if (opt.queued)
		printf("%*s ", W_MS, "QUE(ms)");
	printf("%*s\n", W_MS, "LAT(ms)");
}

static int handle_event(void *ctx, void *data, size_t size)
{
	const struct bio_event *e = data;
	const char *disk = bk_disk_name(e->dev);
	char comm[4 * 16], rwbs[16], op[32], flags[256], t[48], dev[24];
	struct bk_json j;

	bk_rq_rwbs(rwbs, sizeof(rwbs), e->cmd_flags);
	if (bk_env.json) {
		bk_time_iso(t, sizeof(t), e->ts_ns);
		bk_json_begin(&j, stdout);
		bk_json_str(&j, "time", t, sizeof(t));
		if (e->issuer_known) {
			bk_json_uint(&j, "pid", e->tgid);
			bk_json_uint(&j, "tid", e->tid);
			bk_json_uint(&j, "uid", e->uid);
			bk_json_str(&j, "comm", e->comm, sizeof(e->comm));
		} else {
			bk_json_null(&j, "pid");
			bk_json_null(&j, "tid");
			bk_json_null(&j, "uid");
			bk_json_null(&j, "comm");
		}
		bk_json_str(&j, "disk", disk, BK_DISK_NAME_LEN);
		snprintf(dev, sizeof(dev), "%u:%u", BK_BLOCK_MAJOR(e->dev), BK_BLOCK_MINOR(e->dev));
		bk_json_str(&j, "dev", dev, sizeof(dev));
		bk_json_str(&j, "rwbs", rwbs, sizeof(rwbs));
		bk_json_str(&j, "op", bk_rq_op(op, sizeof(op), e->cmd_flags), sizeof(op));
		bk_json_str(&j, "flags", bk_rq_flags(flags, sizeof(flags), e->cmd_flags),
			    sizeof(flags));
		bk_json_uint(&j, "sector", e->sector);
		bk_json_uint(&j, "bytes", e->bytes);
		if (e->issuer_known)
			bk_json_uint(&j, "queue_ns", e->queue_ns);
		else
			bk_json_null(&j, "queue_ns");
		bk_json_uint(&j, "lat_ns", e->lat_ns);
		bk_json_end(&j);
		return 0;
	}
	if (bk_env.uid_column) {
		if (e->issuer_known)
			printf("%-*u ", BK_W_UID, e->uid);
		else
			printf("%-*s ", BK_W_UID, "-");
	}
	printf("%-*.6f ", W_TIME, e->ts_ns > opt.start_ns ? (e->ts_ns - opt.start_ns) / 1e9 : 0.0);
	if (e->issuer_known) {
		bk_escape(comm, sizeof(comm), e->comm, sizeof(e->comm));
		printf("%-*s %-*u ", BK_W_COMM, comm, BK_W_PID, e->tgid);
	} else {
		printf("%-*s %-*s ", BK_W_COMM, "?", BK_W_PID, "-");
	}
	printf("%-*s %-*s %*llu %*u ", W_DISK, disk, W_T, rwbs, W_SECTOR,
	       (unsigned long long)e->sector, W_BYTES, e->bytes);
	if (opt.queued) {
		if (e->issuer_known)
			printf("%*.3f ", W_MS, e->queue_ns / 1e6);
		else
			printf("%*s ", W_MS, "-");
	}
	printf("%*.3f\n", W_MS, e->lat_ns / 1e6);
	return 0;
}

int main(int argc, char **argv)
{
	struct biosnoop_bpf *skel = NULL;
	struct bk_loop loop = {};
	int err;

	/* Arguments; the shared letters land in bk_env. */
	bk_parse_args(argc, argv, options, parse_arg, argp_program_doc,
		      BK_OPT_FILTERS | BK_OPT_UIDCOL | BK_OPT_DURATION | BK_OPT_JSON |
		      BK_OPT_FORCE_PATH);

	/* Logging, privileges, BTF; then open the BPF object. */
	err = bk_init("biosnoop");
	if (err)
		goto cleanup;
	skel = biosnoop_bpf__open_opts(bk_open_opts());
	err = bk_opened(skel);
	if (err)
		goto cleanup;

	/* The attach path (tp_btf or raw_tp, and where issuers come from), filters, settings. */
	struct bk_block_progs progs = BK_BLOCK_PROGS(skel->progs);
	err = bk_block_choose(&progs, true, &opt.disk, bk_env.force_path,
			      &skel->rodata->bk_block);
	if (err)
		goto cleanup;
	bk_filter_fill(&skel->rodata->bk_filter);
	skel->rodata->targ_min_ns = (__u64)(opt.min_ms * 1e6 + 0.5);
	skel->rodata->targ_queued = opt.queued;
	/* 1 MB: 10,000 records, 100 ms of a fast NVMe disk while the reader is off the CPU. */
	err = bk_events_size(skel->maps.events, &skel->rodata->bk_wakeup, 1 << 20);
	if (err)
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
	loop.lost_what = "requests were not followed";
	bk_signals();
	opt.start_ns = bk_now_ns();
	print_header();

	/* Until Ctrl-C, SIGTERM or -d. */
	err = bk_run(&loop);

cleanup:
	bk_loop_free(&loop);
	biosnoop_bpf__destroy(skel);
	return bk_exit(err);
}
