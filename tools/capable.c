// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * capable: trace capability checks system-wide, with their verdicts.
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "core/attach.h"
#include "kernel/capnames.h"
#include "core/json.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/opts.h"
#include "core/output.h"
#include "core/setup.h"
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
	bk_print_prefix_header();
	printf("%-*s %-*s %*s %-*s %-*s %s\n", BK_W_PID, "PID", BK_W_COMM, "COMM", W_CAP, "CAP",
	       W_NAME, "NAME", W_AUDIT, "AUDIT", "VERDICT");
}

static int handle_event(void *ctx, void *data, size_t size)
{
	const struct cap_event *e = data;
	const char *name = bk_cap_name(e->cap), *verdict = e->ret ? "deny" : "allow";
	const char *audit = e->audit == CAPABLE_AUDIT_YES ? "1" :
			    e->audit == CAPABLE_AUDIT_NO ? "0" : "-";
	char comm[4 * 16], unknown[16];
	struct bk_json j;

	if (!name) {
		snprintf(unknown, sizeof(unknown), "CAP_%d", e->cap);
		name = unknown;
	}
	if (bk_env.json) {
		bk_json_event(&j, stdout, e->ts_ns, e->tgid, e->tid, e->uid, e->comm);
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
	bk_print_prefix(e->ts_ns, e->uid);
	printf("%-*u %-*s %*d %-*s %-*s %s\n", BK_W_PID, e->tgid, BK_W_COMM, comm, W_CAP, e->cap,
	       W_NAME, name, W_AUDIT, audit, verdict);
	return 0;
}

int main(int argc, char **argv)
{
	struct bk_loop loop = {};
	struct capable_bpf *skel = NULL;
	int err;

	/* Arguments; the shared letters land in bk_env. */
	bk_parse_args(argc, argv, options, parse_arg, argp_program_doc,
		      BK_OPT_FILTERS | BK_OPT_FAILED | BK_OPT_TIMESTAMP | BK_OPT_UIDCOL |
		      BK_OPT_DURATION | BK_OPT_JSON | BK_OPT_FORCE_PATH);

	/* Logging, privileges, BTF. */
	err = bk_init("capable");
	if (err)
		goto cleanup;

	/* Open the BPF object. */
	skel = capable_bpf__open_opts(bk_open_opts());
	err = bk_opened(skel);
	if (err)
		goto cleanup;

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
	err = bk_start(skel->skeleton);
	if (err)
		goto cleanup;

	/* Events, signals, then the header. */
	err = bk_events(&loop, skel->maps.events, handle_event, NULL, &skel->bss->bk_drops);
	if (err)
		goto cleanup;
	loop.lost_starts = &skel->bss->bk_lost_starts;
	loop.lost_what = "checks were not shown";
	bk_signals();
	print_header();

	/* Until Ctrl-C, SIGTERM or -d. */
	err = bk_run(&loop);

cleanup:
	bk_loop_free(&loop);
	capable_bpf__destroy(skel);
	return bk_exit(err);
}
