// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * offwaketime: time off CPU by the blocked thread's stacks joined with the
 * stacks of the thread that woke it, folded with a "--" between them.
 */
#include <argp.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "core/attach.h"
#include "core/json.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/maps.h"
#include "core/opts.h"
#include "core/setup.h"
#include "stacks/report.h"
#include "stacks/stacks.h"
#include "offwaketime.h"
#include "offwaketime.skel.h"

static struct {
	long min_us;
	int counts_fd;
	struct bk_stacks *stacks;
	struct bk_trace *t, *tmp;
	struct bk_stack_losses losses;
} opt = { .min_us = 1 };

const char argp_program_doc[] =
	"Sum the time threads spend blocked off CPU by their stacks joined with the\n"
	"stacks of the thread that woke them, as folded lines: the blocked thread's\n"
	"user and kernel stacks, \"--\", the waker's kernel and user stacks from the\n"
	"wake-up outwards (frames marked _[w]), its command name, the microseconds.\n"
	"The filters name the blocked threads.\n"
	"\n"
	"USAGE: offwaketime [-p PID] [-t TID] [-u UID] [-n COMM] [--cgroup PATH]\n"
	"                   [--min-us US] [-j] [-d SECONDS] [interval [count]]\n"
	"\n"
	"EXAMPLES:\n"
	"    offwaketime -p 181 -d 5    # process 181's blocks and their wakers\n"
	"    offwaketime -d 10 | flamegraph --count-name us > offwake.svg";

enum { OPT_MIN_US = 2000 };

static const struct argp_option options[] = {
	{ "min-us", OPT_MIN_US, "US", 0, "Only blocks of at least US microseconds (default 1)", 0 },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case OPT_MIN_US:
		if (bk_parse_long(arg, 0, 1L << 40, &opt.min_us))
			bk_usage(state, "invalid --min-us '%s': want a number of microseconds", arg);
		break;
	case ARGP_KEY_ARG:
		bk_parse_interval_arg(state, arg);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static int on_notice(void *ctx, void *data, size_t size)
{
	const struct bk_stack_seen *e = data;

	if (size >= sizeof(*e))
		bk_stacks_pid_seen(opt.stacks, e->tgid);
	return 0;
}

/* The waker's stacks, from the wake-up outwards: kernel then user, leaf first. */
static void add_waker(const struct bk_stack_key *w)
{
	bk_trace_reset(opt.tmp);
	bk_stacks_add_user(opt.stacks, opt.tmp, w->tgid, w->ustack);
	bk_stacks_add_kernel(opt.stacks, opt.tmp, w->kstack);
	for (int i = opt.tmp->n - 1; i >= 0; i--) {
		const struct bk_frame *f = &opt.tmp->f[i];

		bk_trace_push(opt.t, f->name, f->module, f->offset,
			      f->kind == BK_FRAME_MARK ? BK_FRAME_MARK : BK_FRAME_WAKER, true);
	}
	bk_trace_push(opt.t, w->comm[0] ? w->comm : "[idle]", NULL, 0, BK_FRAME_WAKER, true);
}

static void json_stack(struct bk_json *j, const char *key, const struct bk_stack_key *k)
{
	bk_json_object_begin(j, key);
	bk_json_uint(j, "pid", k->tgid);
	bk_json_str(j, "comm", k->comm, sizeof(k->comm));
	bk_trace_reset(opt.tmp);
	bk_stacks_add_user(opt.stacks, opt.tmp, k->tgid, k->ustack);
	bk_json_array_begin(j, "ustack");
	for (int i = opt.tmp->n - 1; i >= 0; i--)
		bk_json_str(j, NULL, opt.tmp->f[i].name, (size_t)-1);
	bk_json_array_end(j);
	bk_trace_reset(opt.tmp);
	bk_stacks_add_kernel(opt.stacks, opt.tmp, k->kstack);
	bk_json_array_begin(j, "kstack");
	for (int i = opt.tmp->n - 1; i >= 0; i--)
		bk_json_str(j, NULL, opt.tmp->f[i].name, (size_t)-1);
	bk_json_array_end(j);
	bk_json_object_end(j);
}

struct row {
	struct offwake_key key;
	__u64 ns;
};

static int print_counts(void *ctx)
{
	static char line[1 << 16];
	struct row *rows = NULL;
	struct bk_json j;
	long n = bk_map_drain_rows(opt.counts_fd, sizeof(rows->key), sizeof(rows->ns),
				   offsetof(struct row, ns), sizeof(*rows), OFFWAKETIME_COUNTS,
				   (void **)&rows);

	if (n < 0)
		return (int)n;
	for (long i = 0; i < n; i++) {
		const struct row *r = &rows[i];

		if (bk_env.json) {
			bk_json_begin(&j, stdout);
			json_stack(&j, "blocked", &r->key.blocked);
			json_stack(&j, "waker", &r->key.waker);
			bk_json_uint(&j, "us", r->ns / 1000);
			bk_json_end(&j);
			continue;
		}
		bk_trace_reset(opt.t);
		bk_stacks_add_user(opt.stacks, opt.t, r->key.blocked.tgid, r->key.blocked.ustack);
		if (r->key.blocked.ustack != -EFAULT && r->key.blocked.kstack != -EFAULT)
			bk_trace_push(opt.t, BK_FRAME_SEP_KERNEL, NULL, 0, BK_FRAME_MARK, false);
		bk_stacks_add_kernel(opt.stacks, opt.t, r->key.blocked.kstack);
		bk_trace_push(opt.t, BK_FRAME_SEP_WAKER, NULL, 0, BK_FRAME_MARK, false);
		add_waker(&r->key.waker);
		bk_trace_fold(opt.t, r->key.blocked.comm, line, sizeof(line));
		printf("%s %llu\n", line, (unsigned long long)(r->ns / 1000));
	}
	free(rows);
	return 0;
}

int main(int argc, char **argv)
{
	struct offwaketime_bpf *skel = NULL;
	struct bk_loop loop = {};
	int err;

	/* Arguments; the shared letters land in bk_env. */
	bk_parse_args_doc(argc, argv, options, parse_arg, "[interval [count]]", argp_program_doc,
			  BK_OPT_FILTERS | BK_OPT_DURATION | BK_OPT_JSON | BK_OPT_FORCE_PATH);

	/* Logging, privileges, BTF; then open the BPF object. */
	err = bk_init("offwaketime");
	if (err)
		goto cleanup;
	skel = offwaketime_bpf__open_opts(bk_open_opts());
	err = bk_opened(skel);
	if (err)
		goto cleanup;

	/* Filters and what to record go to .rodata before load. */
	bk_filter_fill(&skel->rodata->bk_filter);
	skel->rodata->bk_stack_opts.user = 1;
	skel->rodata->bk_stack_opts.kernel = 1;
	skel->rodata->bk_stack_opts.notify = 1;
	skel->rodata->targ_min_ns = (__u64)opt.min_us * 1000;
	bpf_map__set_max_entries(skel->maps.stacks, OFFWAKETIME_STACKS);
	/* The ring buffer only carries notices of new processes: 64 KB holds 4,000. */
	err = bk_events_size(skel->maps.events, &skel->rodata->bk_wakeup, 64 << 10);
	if (err)
		goto cleanup;

	/* The attach path: sched_switch, sched_waking, sched_process_free as tp_btf, raw_tp, or tracepoints. */
	struct bk_variant variants[] = {
		{ "tp_btf", { skel->progs.handle_switch, skel->progs.handle_waking, skel->progs.handle_free,
			      skel->progs.handle_exec } },
		{ "raw_tp", { skel->progs.handle_switch_raw, skel->progs.handle_waking_raw,
			      skel->progs.handle_free_raw, skel->progs.handle_exec } },
		{ "tracepoint", { skel->progs.handle_switch_tp, skel->progs.handle_waking_tp,
				  skel->progs.handle_free_tp, skel->progs.handle_exec } },
	};
	err = bk_choose(variants, 3, bk_env.force_path);
	if (err < 0)
		goto cleanup;

	/* Load (the verifier runs here) and attach. */
	err = bk_start(skel->skeleton);
	if (err)
		goto cleanup;

	/* Symbols, notices of new processes, lost stacks, signals. */
	err = bk_stacks_new(bpf_map__fd(skel->maps.stacks), &opt.stacks);
	if (err) {
		bk_set_error("cannot set up the stacks: %s", strerror(-err));
		goto cleanup;
	}
	opt.t = bk_trace_new();
	opt.tmp = bk_trace_new();
	if (!opt.t || !opt.tmp) {
		bk_set_error("out of memory for the stacks");
		err = -ENOMEM;
		goto cleanup;
	}
	opt.counts_fd = bpf_map__fd(skel->maps.counts);
	err = bk_events(&loop, skel->maps.events, on_notice, NULL, &skel->bss->bk_drops);
	if (err)
		goto cleanup;
	loop.drop_what = "notices of new processes (their stacks may lack names)";
	loop.lost_starts = &skel->bss->bk_lost_starts;
	loop.lost_what = "blocks of threads were not timed";
	opt.losses = (struct bk_stack_losses){ .collision = &skel->bss->bk_stack_lost_collision,
					       .full = &skel->bss->bk_stack_lost_full,
					       .counts = &skel->bss->bk_stack_lost_counts,
					       .what = "blocked intervals" };
	loop.on_check = bk_stack_losses_check;
	loop.check_ctx = &opt.losses;
	bk_summary(&loop, print_counts, NULL);
	bk_signals();

	/* Until Ctrl-C, SIGTERM, -d or the count; the stacks print each interval and at the end. */
	err = bk_run(&loop);

cleanup:
	bk_loop_free(&loop);
	bk_trace_free(opt.t);
	bk_trace_free(opt.tmp);
	bk_stacks_free(opt.stacks);
	offwaketime_bpf__destroy(skel);
	return bk_exit(err);
}
