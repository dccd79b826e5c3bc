// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * capable: trace capability checks system-wide, with their verdicts.
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "attach.h"
#include "capnames.h"
#include "json.h"
#include "log.h"
#include "loop.h"
#include "opts.h"
#include "output.h"
#include "setup.h"
#include "capable.h"
#include "capable.skel.h"

static struct {
	bool unique;
} opt;

const char argp_program_doc[] =
	"Trace capability checks (cap_capable), with their verdicts.\n"
	"\n"
	"USAGE: capable [-p PID] [-t TID] [-u UID] [-n COMM] [-x] [-T] [-U] [--unique]\n"
	"               [-j] [-d SECONDS]\n"
	"\n"
	"EXAMPLES:\n"
	"    capable                   # trace all capability checks\n"
	"    capable -x                # only denied checks\n"
	"    capable -p 181            # only process 181\n"
	"    capable -n dockerd --unique  # each capability dockerd asks for, once\n"
	"    capable -T -U             # add time and UID columns\n"
	"    capable -j -d 10          # JSON lines for 10 seconds";

enum { OPT_UNIQUE = 2000 };

static const struct argp_option options[] = {
	{ "unique", OPT_UNIQUE, NULL, 0, "Show each capability once per process", 0 },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case OPT_UNIQUE:
		opt.unique = true;
		break;
	case ARGP_KEY_ARG:
		bk_usage(state, "unexpected argument '%s'", arg);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* CAP_CHECKPOINT_RESTORE (22) is the one name that overflows. */
#define W_CAP 3
#define W_NAME 20
#define W_AUDIT 5

static void print_header(void)
{
	if (bk_env.json)
		return;
	if (bk_env.timestamp)
		printf("%-*s ", BK_W_TIME, "TIME");
	if (bk_env.uid_column)
		printf("%-*s ", BK_W_UID, "UID");
	printf("%-*s %-*s %*s %-*s %-*s %s\n", BK_W_PID, "PID", BK_W_COMM, "COMM", W_CAP, "CAP",
	       W_NAME, "NAME", W_AUDIT, "AUDIT", "VERDICT");
}

static int handle_event(void *ctx, void *data, size_t size)
{
	const struct cap_event *e = data;
	const char *name = bk_cap_name(e->cap), *verdict = e->ret ? "deny" : "allow";
	const char *audit = e->audit == CAPABLE_AUDIT_YES ? "1" :
			    e->audit == CAPABLE_AUDIT_NO ? "0" : "-";
	char comm[4 * 16], t[40], unknown[16];
	struct bk_json j;

	if (!name) {
		snprintf(unknown, sizeof(unknown), "CAP_%d", e->cap);
		name = unknown;
	}
	if (bk_env.json) {
		bk_time_iso(t, sizeof(t), e->ts_ns);
		bk_json_begin(&j, stdout);
		bk_json_str(&j, "time", t, sizeof(t));
		bk_json_uint(&j, "pid", e->tgid);
		bk_json_uint(&j, "tid", e->tid);
		bk_json_uint(&j, "uid", e->uid);
		bk_json_str(&j, "comm", e->comm, sizeof(e->comm));
		bk_json_int(&j, "cap", e->cap);
		bk_json_str(&j, "name", name, strlen(name));
		if (e->audit == CAPABLE_AUDIT_UNKNOWN)
			bk_json_null(&j, "audit");
		else
			bk_json_bool(&j, "audit", e->audit == CAPABLE_AUDIT_YES);
		bk_json_str(&j, "verdict", verdict, strlen(verdict));
		bk_json_int(&j, "ret", e->ret);
		bk_json_uint(&j, "userns", e->userns_ino);
		bk_json_end(&j);
		return 0;
	}
	bk_escape(comm, sizeof(comm), e->comm, sizeof(e->comm));
	if (bk_env.timestamp) {
		bk_time_hms(t, sizeof(t), e->ts_ns);
		printf("%-*s ", BK_W_TIME, t);
	}
	if (bk_env.uid_column)
		printf("%-*u ", BK_W_UID, e->uid);
	printf("%-*u %-*s %*d %-*s %-*s %s\n", BK_W_PID, e->tgid, BK_W_COMM, comm, W_CAP, e->cap,
	       W_NAME, name, W_AUDIT, audit, verdict);
	return 0;
}

int main(int argc, char **argv)
{
	const struct argp_child *children = bk_opts_child(BK_OPT_FILTERS | BK_OPT_FAILED |
		BK_OPT_TIMESTAMP | BK_OPT_UIDCOL | BK_OPT_DURATION | BK_OPT_JSON | BK_OPT_FORCE_PATH);
	const struct argp argp = { options, parse_arg, NULL, argp_program_doc, children, NULL, NULL };
	struct bk_loop loop = {};
	struct capable_bpf *skel = NULL;
	int err;

	/* Arguments; the shared letters land in bk_env. */
	err = argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (err)
		return BK_EXIT_USAGE;

	/* Logging, privileges, BTF. */
	err = bk_init("capable");
	if (err)
		goto cleanup;

	/* Open the BPF object. */
	skel = capable_bpf__open_opts(bk_open_opts());
	if (!skel) {
		err = -errno;
		bk_set_error("cannot open the BPF object: %s", strerror(errno));
		goto cleanup;
	}

	/* Filters and settings go to .rodata before load. */
	bk_filter_fill(&skel->rodata->bk_filter);
	skel->rodata->targ_unique = opt.unique;
	err = bk_events_size(skel->maps.events, &skel->rodata->bk_wakeup, 1 << 20);
	if (err)
		goto cleanup;

	/* The attach path: the capability tracepoint, else fexit, else kprobes. */
	struct bk_variant variants[] = {
		{ "tracepoint", { skel->progs.handle_capable } },
		{ "fentry", { skel->progs.handle_capable_fexit } },
		{ "kprobe", { skel->progs.handle_capable_kprobe,
			      skel->progs.handle_capable_exit_kprobe } },
	};
	err = bk_choose(variants, 3, bk_env.force_path);
	if (err < 0)
		goto cleanup;

	/* Load (the verifier runs here) and attach. */
	err = bk_load(skel->skeleton);
	if (err)
		goto cleanup;
	err = bk_attach(skel->skeleton);
	if (err)
		goto cleanup;

	/* Events, signals, then the header. */
	loop.rb = bk_ringbuf(skel->maps.events, handle_event, NULL);
	if (!loop.rb) {
		err = -errno;
		goto cleanup;
	}
	bk_signals();
	print_header();

	/* Until Ctrl-C, SIGTERM or -d. */
	loop.drops = &skel->bss->bk_drops;
	loop.duration_s = bk_env.duration_s;
	err = bk_run(&loop);

cleanup:
	if (err < 0)
		bk_report("capable", err);
	ring_buffer__free(loop.rb);
	capable_bpf__destroy(skel);
	return err == -EINVAL && bk_env.force_path ? BK_EXIT_USAGE : err ? 1 : 0;
}
