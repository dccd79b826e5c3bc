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
#include "core/hist.h"
#include "core/json.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/maps.h"
#include "core/opts.h"
#include "core/output.h"
#include "core/setup.h"
#include "stacks/report.h"
#include "stacks/stacks.h"
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

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case ARGP_KEY_ARG:
		bk_parse_interval_arg(state, arg);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

struct row {
	struct futexctn_key k;
	struct futexctn_val v;
};

struct state {
	int waits_fd;
	struct bk_stacks *stacks;
	struct bk_trace *t;
	struct bk_stack_losses losses;
};

static int by_total(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->v.total_ns != y->v.total_ns)
		return x->v.total_ns < y->v.total_ns ? -1 : 1;
	return x->k.uaddr < y->k.uaddr ? -1 : x->k.uaddr > y->k.uaddr;
}

static void print_row(struct state *s, const struct row *r)
{
	char comm[4 * 16], addr[24];
	__u64 avg = r->v.count ? r->v.total_ns / r->v.count : 0;
	struct bk_json j;
	int i;

	bk_trace_reset(s->t);
	bk_stacks_add_user(s->stacks, s->t, r->k.tgid, r->k.ustack);
	snprintf(addr, sizeof(addr), "0x%llx", (unsigned long long)r->k.uaddr);
	if (bk_env.json) {
		bk_json_begin(&j, stdout);
		bk_json_uint(&j, "pid", r->k.tgid);
		bk_json_str(&j, "comm", r->k.comm, sizeof(r->k.comm));
		bk_json_str(&j, "addr", addr, sizeof(addr));
		bk_json_uint(&j, "count", r->v.count);
		bk_json_uint(&j, "total_ns", r->v.total_ns);
		bk_json_uint(&j, "avg_ns", avg);
		bk_json_uint(&j, "max_ns", r->v.max_ns);
		bk_json_array_begin(&j, "ustack");
		for (i = s->t->n - 1; i >= 0; i--)
			bk_json_str(&j, NULL, s->t->f[i].name, (size_t)-1);
		bk_json_array_end(&j);
		bk_json_log2_hist(&j, "hist_us", r->v.slots, FUTEXCTN_SLOTS);
		bk_json_end(&j);
		return;
	}
	bk_escape(comm, sizeof(comm), r->k.comm, sizeof(r->k.comm));
	printf("%s[%u] futex %s: %llu waits, avg %llu us, max %llu us, total %llu us\n", comm,
	       r->k.tgid, addr, (unsigned long long)r->v.count, (unsigned long long)avg / 1000,
	       (unsigned long long)r->v.max_ns / 1000, (unsigned long long)r->v.total_ns / 1000);
	for (i = s->t->n - 1; i >= 0; i--)
		printf("    %s\n", s->t->f[i].name);
	bk_print_log2_hist(stdout, r->v.slots, FUTEXCTN_SLOTS, "usecs");
	printf("\n");
}

/* Takes every futex's waits out of the table and prints them, most waited last. */
static int print_waits(void *ctx)
{
	struct state *s = ctx;
	struct row *rows = NULL;
	char t[16];
	long n = bk_map_drain_rows(s->waits_fd, sizeof(struct futexctn_key), sizeof(struct futexctn_val),
				   offsetof(struct row, v), sizeof(struct row), MAX_ROWS,
				   (void **)&rows);

	if (n < 0)
		return (int)n;
	qsort(rows, n, sizeof(*rows), by_total);
	if (!bk_env.json && bk_env.interval_s) {
		bk_time_hms(t, sizeof(t), bk_now_ns());
		printf("%s\n", t);
	}
	for (long i = 0; i < n; i++)
		print_row(s, &rows[i]);
	free(rows);
	fflush(stdout);
	return 0;
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
	bk_parse_args_doc(argc, argv, NULL, parse_arg, "[interval [count]]", argp_program_doc,
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
	st.t = bk_trace_new();
	if (!st.t) {
		err = -ENOMEM;
		goto cleanup;
	}
	st.waits_fd = bpf_map__fd(skel->maps.waits);
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
	bk_summary(&loop, print_waits, &st);
	bk_signals();
	if (!bk_env.json)
		printf("Tracing futex waits by address and user stack... Ctrl-C to end.\n\n");

	/* Until Ctrl-C, SIGTERM, -d or the count; waits print each interval and at the end. */
	err = bk_run(&loop);

cleanup:
	bk_loop_free(&loop);
	futexctn_bpf__destroy(skel);
	bk_trace_free(st.t);
	bk_stacks_free(st.stacks);
	return bk_exit(err);
}
