// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * futexctn: user-space lock contention: time waited in futex waits, by
 * futex address and the user stack that waited, as histograms.
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "core/attach.h"
#include "core/json.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/opts.h"
#include "core/output.h"
#include "core/setup.h"
#include "stacks/report.h"
#include "stacks/stacks.h"
#include "stacks/waits.h"
#include "stacks_abi.h"
#include "futexctn.h"
#include "futexctn.skel.h"

#define MAX_ROWS 10240

const char argp_program_doc[] =
	"Show user-space lock contention: the time threads wait in futex waits\n"
	"(mutexes, condition variables, semaphores), by futex address and the user\n"
	"stack that waited, as histograms in microseconds.\n"
	"\n"
	"USAGE: futexctn [-p PID] [-t TID] [-u UID] [-n COMM] [--cgroup PATH] [-j]\n"
	"                [-d SECONDS] [interval [count]]\n"
	"\n"
	"EXAMPLES:\n"
	"    futexctn -p 181 -d 10     # process 181's lock waits for 10 s\n"
	"    futexctn -n mysqld 5      # mysqld's, every 5 s\n"
	"    futexctn -j -d 10         # JSON, one object per futex and stack";

struct state {
	struct bk_stacks *stacks;
	struct bk_waits waits;
	struct bk_stack_losses losses;
};

static void key_stack(void *ctx, struct bk_trace *t, const void *key)
{
	const struct futexctn_key *k = key;
	struct state *s = ctx;

	bk_stacks_add_user(s->stacks, t, k->tgid, k->ustack);
}

static void key_text(void *ctx, FILE *f, const void *key)
{
	const struct futexctn_key *k = key;
	char comm[4 * 16];

	bk_escape(comm, sizeof(comm), k->comm, sizeof(k->comm));
	fprintf(f, "%s[%u] futex 0x%llx", comm, k->tgid, (unsigned long long)k->uaddr);
}

static void key_json(void *ctx, struct bk_json *j, const void *key)
{
	const struct futexctn_key *k = key;
	char addr[24];

	snprintf(addr, sizeof(addr), "0x%llx", (unsigned long long)k->uaddr);
	bk_json_uint(j, "pid", k->tgid);
	bk_json_str(j, "comm", k->comm, sizeof(k->comm));
	bk_json_str(j, "addr", addr, sizeof(addr));
}

/* A process's first wait: read its maps and symbols while it lives. */
static int handle_seen(void *ctx, void *data, size_t size)
{
	struct state *s = ctx;
	const struct bk_stack_seen *e = data;

	if (size >= sizeof(*e))
		bk_stacks_pid_seen(s->stacks, e->tgid);
	return 0;
}

int main(int argc, char **argv)
{
	struct futexctn_bpf *skel = NULL;
	struct bk_loop loop = {};
	struct state st = {};
	int err;

	/* Arguments; the shared letters land in bk_env. */
	bk_parse_args_doc(argc, argv, NULL, bk_parse_interval_only, "[interval [count]]", argp_program_doc,
			  BK_OPT_FILTERS | BK_OPT_DURATION | BK_OPT_JSON);

	/* Logging, privileges, BTF; then open the BPF object. */
	err = bk_init("futexctn");
	if (err)
		goto cleanup;
	skel = futexctn_bpf__open_opts(bk_open_opts());
	err = bk_opened(skel);
	if (err)
		goto cleanup;

	/* Filters and user stacks only go to .rodata before load; the maps' sizes. */
	bk_filter_fill(&skel->rodata->bk_filter);
	skel->rodata->bk_stack_opts.user = 1;
	skel->rodata->bk_stack_opts.kernel = 0;
	skel->rodata->bk_stack_opts.notify = 1;
	err = bk_events_size(skel->maps.events, &skel->rodata->bk_wakeup, 64 << 10);
	if (!err)
		err = bk_stack_maps_size(skel->maps.stacks, skel->maps.waits, MAX_ROWS);
	if (err)
		goto cleanup;

	/* The futex syscall tracepoints; futex_waitv where the kernel has it (5.16). */
	struct bk_variant variants[] = {
		{ "tracepoint", { skel->progs.handle_futex, skel->progs.handle_futex_exit },
		  { skel->progs.handle_futex_waitv, skel->progs.handle_futex_waitv_exit } },
	};
	err = bk_choose(variants, 1, NULL);
	if (err < 0)
		goto cleanup;

	/* Load (the verifier runs here) and attach. */
	err = bk_start(skel->skeleton);
	if (err)
		goto cleanup;

	/* Symbols, notices of new processes, the report, lost stacks and waits. */
	err = bk_stacks_new(bpf_map__fd(skel->maps.stacks), &st.stacks);
	if (err)
		goto cleanup;
	st.waits = (struct bk_waits){ .fd = bpf_map__fd(skel->maps.waits),
				      .key_size = sizeof(struct futexctn_key), .max_rows = MAX_ROWS,
				      .stack_name = "ustack", .stack = key_stack, .text = key_text,
				      .json = key_json, .ctx = &st };
	err = bk_waits_init(&st.waits);
	if (err)
		goto cleanup;
	err = bk_events(&loop, skel->maps.events, handle_seen, &st, &skel->bss->bk_drops);
	if (err)
		goto cleanup;
	st.losses = (struct bk_stack_losses){ &skel->bss->bk_stack_lost_collision,
					      &skel->bss->bk_stack_lost_full,
					      &skel->bss->bk_stack_lost_counts, "waits" };
	loop.on_check = bk_stack_losses_check;
	loop.check_ctx = &st.losses;
	loop.lost_starts = &skel->bss->bk_lost_starts;
	loop.lost_what = "futex waits were not timed";
	bk_summary(&loop, bk_waits_print, &st.waits);
	bk_signals();
	if (!bk_env.json)
		printf("Tracing futex waits by address and user stack... Ctrl-C to end.\n\n");

	/* Until Ctrl-C, SIGTERM, -d or the count; waits print each interval and at the end. */
	err = bk_run(&loop);

cleanup:
	bk_loop_free(&loop);
	futexctn_bpf__destroy(skel);
	bk_waits_free(&st.waits);
	bk_stacks_free(st.stacks);
	return bk_exit(err);
}
