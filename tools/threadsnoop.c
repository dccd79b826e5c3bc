// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * threadsnoop: trace new threads, with the function they start in where
 * pthread_create() made them.
 */
#include <argp.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "core/attach.h"
#include "core/json.h"
#include "core/links.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/opts.h"
#include "core/output.h"
#include "core/setup.h"
#include "stacks/usyms.h"
#include "uspace/libc.h"
#include "uspace/uprobes.h"
#include "threadsnoop.h"
#include "threadsnoop.skel.h"

static struct {
	const char *libc;
} opt;

static struct bk_usyms *usyms;

const char argp_program_doc[] =
	"Trace new threads, with the function each starts in when pthread_create()\n"
	"made it. Threads a runtime makes with clone() itself (Go, some JITs) are\n"
	"shown too, their start function as unknown.\n"
	"\n"
	"USAGE: threadsnoop [-p PID] [-t TID] [-u UID] [-n COMM] [--cgroup PATH] [-T]\n"
	"                   [-U] [--libc PATH] [-j] [-d SECONDS]\n"
	"\n"
	"EXAMPLES:\n"
	"    threadsnoop               # every new thread\n"
	"    threadsnoop -p 181        # threads process 181 makes\n"
	"    threadsnoop -n java -T    # java's, with the time\n"
	"    threadsnoop -j            # JSON lines";

enum { OPT_LIBC = 2000 };

static const struct argp_option options[] = {
	{ "libc", OPT_LIBC, "PATH", 0,
	  "The C library whose pthread_create to probe (default: the one -p PID maps, else the "
	  "system's)", 0 },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case OPT_LIBC:
		if (!*arg)
			bk_usage(state, "--libc wants a path or a library name");
		opt.libc = arg;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const char *const via_names[] = { "clone", "pthread_create" };

static void print_header(void)
{
	if (bk_env.json)
		return;
	bk_print_prefix_header();
	printf("%-*s %-*s %-*s %-*s %s\n", BK_W_PID, "PID", BK_W_COMM, "COMM", BK_W_PID, "TID",
	       BK_W_PID, "NEWTID", "START");
}

/* The start routine's name, "name+0xOFF" inside a function, or NULL when not known. */
static const char *start_name(const struct thread_event *e, char *out, size_t len)
{
	char buf[PATH_MAX + 64];
	struct bk_frame f;

	if (e->via != THREADSNOOP_PTHREAD)
		return NULL;
	bk_usyms_resolve(usyms, e->tgid, e->start_addr, &f, 1, buf, sizeof(buf));
	if (f.kind == BK_FRAME_UNKNOWN || !f.offset)
		snprintf(out, len, "%s", f.name);
	else
		snprintf(out, len, "%s+0x%llx", f.name, (unsigned long long)f.offset);
	return out;
}

static int handle_event(void *ctx, void *data, size_t size)
{
	const struct thread_event *e = data;
	char comm[4 * 16], name[1024], esc[4 * 1024];
	const char *start = start_name(e, name, sizeof(name));
	struct bk_json j;

	if (e->via > THREADSNOOP_PTHREAD)
		return 0;
	if (bk_env.json) {
		bk_json_event(&j, stdout, e->ts_ns, e->tgid, e->tid, e->uid, e->comm);
		bk_json_uint(&j, "new_tid", e->new_tid);
		bk_json_str(&j, "via", via_names[e->via], (size_t)-1);
		if (start) {
			bk_json_str(&j, "start", start, sizeof(name));
			bk_json_uint(&j, "start_addr", e->start_addr);
		} else {
			bk_json_null(&j, "start");
			bk_json_null(&j, "start_addr");
		}
		bk_json_end(&j);
		return 0;
	}
	bk_escape(comm, sizeof(comm), e->comm, sizeof(e->comm));
	if (start)
		bk_escape(esc, sizeof(esc), start, sizeof(name));
	else
		snprintf(esc, sizeof(esc), "[clone: not known]");
	bk_print_prefix(e->ts_ns, e->uid);
	printf("%-*u %-*s %-*u %-*u %s\n", BK_W_PID, e->tgid, BK_W_COMM, comm, BK_W_PID, e->tid,
	       BK_W_PID, e->new_tid, esc);
	return 0;
}

/*
 * The uprobe pair on pthread_create(); a C library without it (static
 * programs, -p of one) only costs the start routines, which is said.
 */
static int attach_pthread(struct threadsnoop_bpf *skel, struct bk_links *links)
{
	char libc[PATH_MAX];
	int err;

	err = bk_find_libc(opt.libc, bk_env.pid, libc, sizeof(libc));
	if (err == -ESRCH || (err && opt.libc))
		return err;
	if (!err)
		err = bk_uprobe_attach(links, skel->progs.handle_pthread_create, bk_env.pid, libc,
				       "pthread_create", false);
	if (!err)
		err = bk_uprobe_attach(links, skel->progs.handle_pthread_create_exit, bk_env.pid,
				       libc, "pthread_create", true);
	if (err == -ENOENT && !opt.libc) {
		bk_warn("no C library with pthread_create found%s: start routines will not be shown",
			bk_env.pid ? " in that process" : "");
		return 0;
	}
	if (!err)
		bk_info(1, "probing pthread_create in %s", libc);
	return err;
}

int main(int argc, char **argv)
{
	struct threadsnoop_bpf *skel = NULL;
	struct bk_links links = {};
	struct bk_loop loop = {};
	int err;

	/* Arguments; the shared letters land in bk_env. */
	bk_parse_args(argc, argv, options, parse_arg, argp_program_doc,
		      BK_OPT_FILTERS | BK_OPT_TIMESTAMP | BK_OPT_UIDCOL | BK_OPT_DURATION |
		      BK_OPT_JSON | BK_OPT_FORCE_PATH);

	/* Logging, privileges, BTF; then open the BPF object. */
	err = bk_init("threadsnoop");
	if (err)
		goto cleanup;
	err = bk_usyms_new(&usyms);
	if (err)
		goto cleanup;
	skel = threadsnoop_bpf__open_opts(bk_open_opts());
	err = bk_opened(skel);
	if (err)
		goto cleanup;

	/* Filters go to .rodata before load. */
	bk_filter_fill(&skel->rodata->bk_filter);
	err = bk_events_size(skel->maps.events, &skel->rodata->bk_wakeup, 1 << 20);
	if (err)
		goto cleanup;

	/* sched_process_fork with its new task: tp_btf, else raw_tp. */
	struct bk_variant variants[] = {
		{ "tp_btf", { skel->progs.handle_fork } },
		{ "raw_tp", { skel->progs.handle_fork_raw } },
	};
	err = bk_choose(variants, 2, bk_env.force_path);
	if (err < 0)
		goto cleanup;

	/* Load (the verifier runs here); the uprobes on pthread_create, then the rest. */
	err = bk_load(skel->skeleton);
	if (err)
		goto cleanup;
	err = attach_pthread(skel, &links);
	if (err)
		goto cleanup;
	err = bk_attach(skel->skeleton);
	if (err)
		goto cleanup;

	/* Events, signals, then the header. */
	err = bk_events(&loop, skel->maps.events, handle_event, NULL, &skel->bss->bk_drops);
	if (err)
		goto cleanup;
	loop.lost_starts = &skel->bss->bk_lost_starts;
	loop.lost_what = "pthread_create() calls lost their start routine";
	bk_signals();
	print_header();

	/* Until Ctrl-C, SIGTERM or -d. */
	err = bk_run(&loop);

cleanup:
	bk_loop_free(&loop);
	bk_links_destroy(&links);
	threadsnoop_bpf__destroy(skel);
	bk_usyms_free(usyms);
	return bk_exit(err);
}
