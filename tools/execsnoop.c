// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * execsnoop: trace execve() and execveat() system-wide, with argv and results.
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
#include "execsnoop.h"
#include "execsnoop.skel.h"

static struct {
	long max_args;
} opt = { EXECSNOOP_DEFAULT_ARGS };

const char argp_program_doc[] =
	"Trace execve() and execveat() calls, with their arguments and results.\n"
	"\n"
	"USAGE: execsnoop [-p PID] [-u UID] [-n COMM] [--cgroup PATH] [-x] [-T] [-U]\n"
	"                 [--max-args N] [-j] [-d SECONDS]\n"
	"\n"
	"EXAMPLES:\n"
	"    execsnoop                 # trace all execs\n"
	"    execsnoop -x              # only failed execs\n"
	"    execsnoop -n curl         # only execs that started curl\n"
	"    execsnoop -u 1000 -T      # user 1000's execs, with times\n"
	"    execsnoop --max-args 60   # show up to 60 arguments\n"
	"    execsnoop -j -d 10        # JSON lines for 10 seconds";

enum { OPT_MAX_ARGS = 2000 };

static const struct argp_option options[] = {
	{ "max-args", OPT_MAX_ARGS, "N", 0,
	  "Show at most N arguments (default 20, at most 60); more are marked '...'", 0 },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case OPT_MAX_ARGS:
		if (bk_parse_long(arg, 1, EXECSNOOP_MAX_ARGS, &opt.max_args))
			bk_usage(state, "invalid --max-args '%s': want 1 to %d", arg,
				 EXECSNOOP_MAX_ARGS);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

#define W_RET 3

static void print_header(void)
{
	if (bk_env.json)
		return;
	bk_print_prefix_header();
	printf("%-*s %-*s %-*s %*s ARGS\n", BK_W_COMM, "PCOMM", BK_W_PID, "PID", BK_W_PID, "PPID",
	       W_RET, "RET");
}

/*
 * Splits args[] into its strings, at most --max-args of them (after a
 * successful exec all of argv comes). *cut: some of argv is not shown; the
 * last string is the one cut when it lacks its NUL (*last_cut).
 */
static int split_args(const struct exec_event *e, size_t size, const char **s, size_t *len,
		      bool *cut, bool *last_cut)
{
	const char *p = e->args, *end;
	size_t used = e->args_size;
	int n = 0;

	*cut = e->str_flags & BK_STR_CUT(0);
	*last_cut = false;
	if (size < EXECSNOOP_EVENT_HEAD)
		return 0;
	if (used > size - EXECSNOOP_EVENT_HEAD)
		used = size - EXECSNOOP_EVENT_HEAD;
	end = p + used;
	while (p < end) {
		if (n == opt.max_args) {
			*cut = true;
			break;
		}
		s[n] = p;
		len[n] = strnlen(p, end - p);
		*last_cut = p + len[n] == end;
		p += len[n] + 1;
		n++;
	}
	*last_cut = *last_cut && *cut;
	return n;
}

static int handle_event(void *ctx, void *data, size_t size)
{
	static char line[4 * EXECSNOOP_ARGS_SIZE + 2 * EXECSNOOP_MAX_ARGS + 32];
	const struct exec_event *e = data;
	const char *args[EXECSNOOP_MAX_ARGS];
	size_t lens[EXECSNOOP_MAX_ARGS], o = 0;
	char comm[4 * 16];
	bool cut, last_cut, unreadable = e->str_flags & BK_STR_UNREADABLE(0);
	int n = split_args(e, size, args, lens, &cut, &last_cut);
	struct bk_json j;

	if (bk_env.json) {
		bk_json_event(&j, stdout, e->ts_ns, e->tgid, e->tid, e->uid, e->comm);
		bk_json_uint(&j, "ppid", e->ppid);
		bk_json_int(&j, "ret", e->ret);
		bk_json_array_begin(&j, "args");
		for (int i = 0; i < n; i++)
			bk_json_str(&j, NULL, args[i], lens[i]);
		bk_json_array_end(&j);
		bk_json_bool(&j, "args_truncated", cut);
		bk_json_bool(&j, "args_unreadable", unreadable);
		bk_json_end(&j);
		return 0;
	}
	bk_escape(comm, sizeof(comm), e->comm, sizeof(e->comm));
	/* Room is kept for " ...", " [unreadable]" and the NUL. */
	for (int i = 0; i < n; i++) {
		size_t room = sizeof(line) - o - sizeof(" " BK_UNREADABLE_MARK);

		if (i)
			line[o++] = ' ';
		o += bk_escape_arg(line + o, room, args[i], lens[i]);
	}
	/* The last argument cut in the middle ends in "...", whole ones left out in " ...". */
	if (cut)
		o += snprintf(line + o, sizeof(line) - o, "%s%s", n && !last_cut ? " " : "",
			      BK_CUT_MARK);
	if (unreadable)
		o += snprintf(line + o, sizeof(line) - o, "%s%s", o ? " " : "",
			      BK_UNREADABLE_MARK);
	line[o] = 0;
	bk_print_prefix(e->ts_ns, e->uid);
	printf("%-*s %-*u %-*u %*lld %s\n", BK_W_COMM, comm, BK_W_PID, e->tgid, BK_W_PID, e->ppid,
	       W_RET, (long long)e->ret, line);
	return 0;
}

int main(int argc, char **argv)
{
	struct bk_loop loop = {};
	struct execsnoop_bpf *skel = NULL;
	int err;

	/* Arguments; the shared letters land in bk_env. */
	bk_parse_args(argc, argv, options, parse_arg, argp_program_doc,
		      BK_OPT_PID | BK_OPT_UID | BK_OPT_COMM | BK_OPT_CGROUP | BK_OPT_FAILED |
		      BK_OPT_TIMESTAMP | BK_OPT_UIDCOL | BK_OPT_DURATION | BK_OPT_JSON |
		      BK_OPT_FORCE_PATH);

	/* Logging, privileges, BTF. */
	err = bk_init("execsnoop");
	if (err)
		goto cleanup;

	/* Open the BPF object. */
	skel = execsnoop_bpf__open_opts(bk_open_opts());
	err = bk_opened(skel);
	if (err)
		goto cleanup;

	/* Filters and settings go to .rodata before load. */
	bk_filter_fill(&skel->rodata->bk_filter);
	skel->rodata->targ_max_args = opt.max_args;
	err = bk_events_size(skel->maps.events, &skel->rodata->bk_wakeup, 1 << 20);
	if (err)
		goto cleanup;

	/* The attach path: syscall tracepoints, else sched_process_exec (successes only). */
	struct bk_variant variants[] = {
		{ "tracepoint",
		  { skel->progs.handle_execve, skel->progs.handle_execve_exit,
		    skel->progs.handle_execveat, skel->progs.handle_execveat_exit },
		  { skel->progs.handle_exec_rekey } },
		{ "tp_btf", { skel->progs.handle_exec_btf } },
	};
	err = bk_choose(variants, 2, bk_env.force_path);
	if (err < 0)
		goto cleanup;
	if (err == 1)
		bk_warn("the tp_btf path sees successful execs only%s",
			bk_env.failed_only ? ": -x will show nothing" : "");

	/* Load (the verifier runs here) and attach. */
	err = bk_start(skel->skeleton);
	if (err)
		goto cleanup;

	/* Events, signals, then the header. */
	err = bk_events(&loop, skel->maps.events, handle_event, NULL, &skel->bss->bk_drops);
	if (err)
		goto cleanup;
	loop.lost_starts = &skel->bss->bk_lost_starts;
	loop.lost_what = "execs were not shown";
	bk_signals();
	print_header();

	/* Until Ctrl-C, SIGTERM or -d. */
	err = bk_run(&loop);

cleanup:
	bk_loop_free(&loop);
	execsnoop_bpf__destroy(skel);
	return bk_exit(err);
}
