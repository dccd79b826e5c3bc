// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * sigsnoop: trace signals as the kernel generates them, with sender, target
 * and result. Run as killsnoop (or with --kill): the kill(), tkill() and
 * tgkill() calls instead, failed ones included.
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
#include "kernel/signames.h"
#include "sigsnoop.h"
#include "sigsnoop.skel.h"

static struct {
	int sig;
	bool kill;
} opt;

const char argp_program_doc[] =
	"Trace signals as the kernel generates them: sender, target, signal and\n"
	"result. As killsnoop (or with --kill): the kill(), tkill() and tgkill()\n"
	"calls instead, with their return values, failed calls included.\n"
	"\n"
	"USAGE: sigsnoop [-p PID] [-t TID] [-u UID] [-n COMM] [--cgroup PATH] [-x]\n"
	"                [-s SIG] [--kill] [-T] [-U] [-j] [-d SECONDS]\n"
	"\n"
	"EXAMPLES:\n"
	"    sigsnoop                  # every signal generated\n"
	"    sigsnoop -s SIGKILL       # only SIGKILL\n"
	"    sigsnoop -x               # signals ignored, already pending or lost\n"
	"    sigsnoop -p 181           # signals sent while PID 181 ran\n"
	"    killsnoop                 # kill(), tkill(), tgkill() calls\n"
	"    killsnoop -x              # only the calls that failed\n"
	"    sigsnoop -j -T            # JSON lines";

enum { OPT_KILL = 2000 };

static const struct argp_option options[] = {
	{ "signal", 's', "SIG", 0, "Only signal SIG (a name, SIGUSR1 or USR1, or a number)", 0 },
	{ "kill", OPT_KILL, NULL, 0, "Trace the kill-family calls instead (what killsnoop does)", 0 },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 's':
		if (bk_parse_signal(arg, &opt.sig))
			bk_usage(state, "-s: '%s' is not a signal name or a number from 1 to 64", arg);
		break;
	case OPT_KILL:
		opt.kill = true;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const char *const call_names[] = { "generate", "kill", "tkill", "tgkill" };
static const char *const result_names[] = { "delivered", "ignored", "pending", "overflow",
					    "lose_info" };

#define W_SIG 11
#define W_RESULT 9
#define W_CALL 6
#define W_TARGET 15

static void print_header(void)
{
	if (bk_env.json)
		return;
	bk_print_prefix_header();
	if (opt.kill)
		printf("%-*s %-*s %-*s %-*s %-*s %s\n", BK_W_PID, "PID", BK_W_COMM, "COMM", W_CALL,
		       "CALL", W_SIG, "SIG", W_TARGET, "TARGET", "RESULT");
	else
		printf("%-*s %-*s %-*s %-*s %-*s %s\n", BK_W_PID, "PID", BK_W_COMM, "COMM", W_SIG,
		       "SIG", BK_W_PID, "TPID", BK_W_COMM, "TCOMM", "RESULT");
}

static const char *result_name(int r, char *buf, size_t len)
{
	if (r >= 0 && r < (int)(sizeof(result_names) / sizeof(result_names[0])))
		return result_names[r];
	snprintf(buf, len, "%d", r);
	return buf;
}

/* "0", or the errno's name ("ESRCH"), or the number. */
static const char *ret_name(int r, char *buf, size_t len)
{
	const char *s = r < 0 ? strerrorname_np(-r) : NULL;

	if (s)
		return s;
	snprintf(buf, len, "%d", r);
	return buf;
}

static void json_event(const struct sig_event *e, const char *signame)
{
	char rbuf[16];
	struct bk_json j;

	bk_json_event(&j, stdout, e->ts_ns, e->tgid, e->tid, e->uid, e->comm);
	bk_json_str(&j, "call", call_names[e->call], (size_t)-1);
	bk_json_int(&j, "sig", e->sig);
	bk_json_str(&j, "signal", signame, (size_t)-1);
	switch (e->call) {
	case SIGSNOOP_GENERATE:
		bk_json_int(&j, "target_tid", e->target);
		bk_json_str(&j, "target_comm", e->target_comm, sizeof(e->target_comm));
		bk_json_bool(&j, "group", e->group);
		bk_json_int(&j, "code", e->code);
		bk_json_str(&j, "result", result_name(e->result, rbuf, sizeof(rbuf)), (size_t)-1);
		break;
	default:
		if (e->call == SIGSNOOP_TKILL)
			bk_json_null(&j, "target_pid");
		else
			bk_json_int(&j, "target_pid", e->target);
		if (e->call == SIGSNOOP_KILL)
			bk_json_null(&j, "target_tid");
		else
			bk_json_int(&j, "target_tid",
				    e->call == SIGSNOOP_TKILL ? e->target : e->target_tid);
		bk_json_int(&j, "ret", e->result);
		if (e->result < 0)
			bk_json_str(&j, "error", ret_name(e->result, rbuf, sizeof(rbuf)), (size_t)-1);
		else
			bk_json_null(&j, "error");
		break;
	}
	bk_json_end(&j);
}

static int handle_event(void *ctx, void *data, size_t size)
{
	const struct sig_event *e = data;
	char comm[4 * 16], tcomm[4 * 16], sbuf[24], rbuf[16], target[32];
	const char *signame;

	if (e->call > SIGSNOOP_TGKILL)
		return 0;
	signame = e->sig ? bk_signal_name(e->sig, sbuf, sizeof(sbuf)) : "0";
	if (bk_env.json) {
		json_event(e, signame);
		return 0;
	}
	bk_escape(comm, sizeof(comm), e->comm, sizeof(e->comm));
	bk_print_prefix(e->ts_ns, e->uid);
	if (e->call == SIGSNOOP_GENERATE) {
		bk_escape(tcomm, sizeof(tcomm), e->target_comm, sizeof(e->target_comm));
		printf("%-*u %-*s %-*s %-*d %-*s %s\n", BK_W_PID, e->tgid, BK_W_COMM, comm, W_SIG,
		       signame, BK_W_PID, e->target, BK_W_COMM, tcomm,
		       result_name(e->result, rbuf, sizeof(rbuf)));
		return 0;
	}
	if (e->call == SIGSNOOP_TGKILL)
		snprintf(target, sizeof(target), "%d/%d", e->target, e->target_tid);
	else if (e->call == SIGSNOOP_TKILL)
		snprintf(target, sizeof(target), "tid %d", e->target);
	else
		snprintf(target, sizeof(target), "%d", e->target);
	printf("%-*u %-*s %-*s %-*s %-*s %s\n", BK_W_PID, e->tgid, BK_W_COMM, comm, W_CALL,
	       call_names[e->call], W_SIG, signame, W_TARGET, target,
	       ret_name(e->result, rbuf, sizeof(rbuf)));
	return 0;
}

int main(int argc, char **argv)
{
	struct sigsnoop_bpf *skel = NULL;
	struct bk_loop loop = {};
	int err;

	/* Arguments; killsnoop is this tool by another name. */
	opt.kill = !strcmp(bk_run_name(argv[0]), "killsnoop");
	bk_parse_args(argc, argv, options, parse_arg, argp_program_doc,
		      BK_OPT_FILTERS | BK_OPT_FAILED | BK_OPT_TIMESTAMP | BK_OPT_UIDCOL |
		      BK_OPT_DURATION | BK_OPT_JSON);

	/* Logging, privileges, BTF; then open the BPF object. */
	err = bk_init(opt.kill ? "killsnoop" : "sigsnoop");
	if (err)
		goto cleanup;
	skel = sigsnoop_bpf__open_opts(bk_open_opts());
	err = bk_opened(skel);
	if (err)
		goto cleanup;

	/* Filters go to .rodata before load. */
	bk_filter_fill(&skel->rodata->bk_filter);
	skel->rodata->targ_sig = opt.sig;
	err = bk_events_size(skel->maps.events, &skel->rodata->bk_wakeup, 1 << 20);
	if (err)
		goto cleanup;

	/* One set of tracepoints or the other; the unused set is not loaded. */
	struct bk_variant generate = { "tracepoint", { skel->progs.handle_generate } };
	struct bk_variant calls = {
		"tracepoint",
		{ skel->progs.handle_kill, skel->progs.handle_kill_exit, skel->progs.handle_tkill,
		  skel->progs.handle_tkill_exit, skel->progs.handle_tgkill,
		  skel->progs.handle_tgkill_exit },
	};
	struct bk_variant *unused = opt.kill ? &generate : &calls;
	for (int i = 0; unused->progs[i]; i++)
		bpf_program__set_autoload(unused->progs[i], false);
	err = bk_choose(opt.kill ? &calls : &generate, 1, NULL);
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
	loop.lost_what = "kill calls were not shown";
	bk_signals();
	print_header();

	/* Until Ctrl-C, SIGTERM or -d. */
	err = bk_run(&loop);

cleanup:
	bk_loop_free(&loop);
	sigsnoop_bpf__destroy(skel);
	return bk_exit(err);
}
