// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * exitsnoop: trace process (and with --threads, thread) exits, with their
 * age and how they ended.
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
#include "core/opts.h"
#include "core/output.h"
#include "core/setup.h"
#include "exitsnoop.h"
#include "exitsnoop.skel.h"

static struct {
	bool threads;
} opt;

const char argp_program_doc[] =
	"Trace process exits, with their age and exit code or signal.\n"
	"\n"
	"USAGE: exitsnoop [-p PID] [-u UID] [-n COMM] [--cgroup PATH] [-x] [-T] [-U]\n"
	"                 [--threads] [-j] [-d SECONDS]\n"
	"\n"
	"EXAMPLES:\n"
	"    exitsnoop                 # trace all process exits\n"
	"    exitsnoop -x              # only exits with a non-zero code or a signal\n"
	"    exitsnoop -n java         # only processes called java\n"
	"    exitsnoop --threads       # every thread's exit\n"
	"    exitsnoop -T -U           # add time and UID columns\n"
	"    exitsnoop -j -d 10        # JSON lines for 10 seconds";

enum { OPT_THREADS = 2000 };

static const struct argp_option options[] = {
	{ "threads", OPT_THREADS, NULL, 0, "Report every thread's exit, not only the process's end", 0 },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case OPT_THREADS:
		opt.threads = true;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

#define W_AGE 7

static void print_header(void)
{
	if (bk_env.json)
		return;
	bk_print_prefix_header();
	printf("%-*s %-*s %-*s %-*s %-*s EXIT\n", BK_W_COMM, "PCOMM", BK_W_PID, "PID", BK_W_PID,
	       "PPID", BK_W_PID, "TID", W_AGE, "AGE(s)");
}

/* "SEGV" for 11; the number where the C library has no name. */
static const char *signame(int sig, char *buf, size_t len)
{
	const char *s = sigabbrev_np(sig);

	if (s)
		return s;
	snprintf(buf, len, "%d", sig);
	return buf;
}

static int handle_event(void *ctx, void *data, size_t size)
{
	const struct exit_event *e = data;
	int sig = e->status & 0x7f, code = (e->status >> 8) & 0xff;
	bool core = e->status & 0x80;
	char comm[4 * 16], how[64], sbuf[16];
	struct bk_json j;

	if (bk_env.json) {
		bk_json_event(&j, stdout, e->ts_ns, e->tgid, e->tid, e->uid, e->comm);
		bk_json_uint(&j, "ppid", e->ppid);
		bk_json_uint(&j, "age_ns", e->age_ns);
		bk_json_uint(&j, "status", e->status);
		if (sig) {
			bk_json_null(&j, "code");
			bk_json_str(&j, "signal", signame(sig, sbuf, sizeof(sbuf)), sizeof(sbuf));
		} else {
			bk_json_int(&j, "code", code);
			bk_json_null(&j, "signal");
		}
		bk_json_bool(&j, "core_dumped", core);
		bk_json_end(&j);
		return 0;
	}
	if (sig)
		snprintf(how, sizeof(how), "signal %s%s", signame(sig, sbuf, sizeof(sbuf)),
			 core ? " (core dumped)" : "");
	else if (code)
		snprintf(how, sizeof(how), "code %d", code);
	else
		snprintf(how, sizeof(how), "0");
	bk_escape(comm, sizeof(comm), e->comm, sizeof(e->comm));
	bk_print_prefix(e->ts_ns, e->uid);
	printf("%-*s %-*u %-*u %-*u %-*.2f %s\n", BK_W_COMM, comm, BK_W_PID, e->tgid, BK_W_PID,
	       e->ppid, BK_W_PID, e->tid, W_AGE, e->age_ns / 1e9, how);
	return 0;
}

int main(int argc, char **argv)
{
	struct bk_loop loop = {};
	struct exitsnoop_bpf *skel = NULL;
	int err;

	/* Arguments; the shared letters land in bk_env. */
	bk_parse_args(argc, argv, options, parse_arg, argp_program_doc,
		      BK_OPT_PID | BK_OPT_UID | BK_OPT_COMM | BK_OPT_CGROUP | BK_OPT_FAILED |
		      BK_OPT_TIMESTAMP | BK_OPT_UIDCOL | BK_OPT_DURATION | BK_OPT_JSON |
		      BK_OPT_FORCE_PATH);

	/* Logging, privileges, BTF. */
	err = bk_init("exitsnoop");
	if (err)
		goto cleanup;

	/* Open the BPF object. */
	skel = exitsnoop_bpf__open_opts(bk_open_opts());
	err = bk_opened(skel);
	if (err)
		goto cleanup;

	/* Filters and settings go to .rodata before load. */
	bk_filter_fill(&skel->rodata->bk_filter);
	skel->rodata->targ_threads = opt.threads;
	err = bk_events_size(skel->maps.events, &skel->rodata->bk_wakeup, 1 << 18);
	if (err)
		goto cleanup;

	/* The attach path: the tracepoint, else tp_btf, else raw_tp, all on sched_process_exit. */
	struct bk_variant variants[] = {
		{ "tracepoint", { skel->progs.handle_exit } },
		{ "tp_btf", { skel->progs.handle_exit_btf } },
		{ "raw_tp", { skel->progs.handle_exit_raw } },
	};
	err = bk_choose(variants, 3, bk_env.force_path);
	if (err < 0)
		goto cleanup;

	/* Load (the verifier runs here) and attach. */
	err = bk_start(skel->skeleton);
	if (err)
		goto cleanup;

	/* Events, signals, then the header. */
	err = bk_events(&loop, skel->maps.events, handle_event, NULL, &skel->bss->bk_drops);
	if (err)
		goto cleanup;
	bk_signals();
	print_header();

	/* Until Ctrl-C, SIGTERM or -d. */
	err = bk_run(&loop);

cleanup:
	bk_loop_free(&loop);
	exitsnoop_bpf__destroy(skel);
	return bk_exit(err);
}
