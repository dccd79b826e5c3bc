// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * gethostlatency: how long name lookups through getaddrinfo(),
 * gethostbyname() and gethostbyname2() take, and which names were asked for.
 */
#include <argp.h>
#include <errno.h>
#include <limits.h>
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
#include "uspace/libc.h"
#include "uspace/uprobes.h"
#include "gethostlatency.h"
#include "gethostlatency.skel.h"

static struct {
	const char *libc;
} opt;

static const char *const func_names[] = {
	[GETHOSTLATENCY_GETADDRINFO] = "getaddrinfo",
	[GETHOSTLATENCY_GETHOSTBYNAME] = "gethostbyname",
	[GETHOSTLATENCY_GETHOSTBYNAME2] = "gethostbyname2",
};

const char argp_program_doc[] =
	"Show the latency of name lookups: getaddrinfo(), gethostbyname() and\n"
	"gethostbyname2() in libc, with the name asked for.\n"
	"\n"
	"USAGE: gethostlatency [-p PID] [-t TID] [-u UID] [-n COMM] [--libc PATH]\n"
	"                      [-j] [-d SECONDS]\n"
	"\n"
	"EXAMPLES:\n"
	"    gethostlatency                 # all processes using the system libc\n"
	"    gethostlatency -p 181          # only process 181 (its own libc)\n"
	"    gethostlatency -n curl -j      # curl's lookups as JSON lines\n"
	"    gethostlatency --libc /opt/x/lib/libc.so.6   # another libc";

enum { OPT_LIBC = 2000 };

static const struct argp_option options[] = {
	{ "libc", OPT_LIBC, "PATH", 0,
	  "The C library to probe (default: the one -p PID maps, else the system's)", 0 },
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

#define W_LAT 10

static void print_header(void)
{
	if (bk_env.json)
		return;
	printf("%-*s %-*s %-*s %*s %s\n", BK_W_TIME, "TIME", BK_W_PID, "PID", BK_W_COMM, "COMM",
	       W_LAT, "LAT(ms)", "HOST");
}

static int handle_event(void *ctx, void *data, size_t size)
{
	const struct host_event *e = data;
	char comm[4 * 16], host[4 * GETHOSTLATENCY_HOST_LEN + sizeof(BK_CUT_MARK)], t[40];
	const char *func = e->func < 3 ? func_names[e->func] : "?";
	struct bk_json j;

	if (bk_env.json) {
		bk_time_iso(t, sizeof(t), e->ts_ns);
		bk_json_begin(&j, stdout);
		bk_json_str(&j, "time", t, sizeof(t));
		bk_json_uint(&j, "pid", e->tgid);
		bk_json_uint(&j, "tid", e->tid);
		bk_json_str(&j, "comm", e->comm, sizeof(e->comm));
		bk_json_str(&j, "func", func, 32);
		bk_json_uint(&j, "lat_ns", e->delta_ns);
		bk_json_rec_str(&j, "host", e->host, sizeof(e->host), e->str_flags, 0);
		bk_json_end(&j);
		return 0;
	}
	bk_escape(comm, sizeof(comm), e->comm, sizeof(e->comm));
	bk_escape_str(host, sizeof(host), e->host, sizeof(e->host), e->str_flags, 0);
	bk_time_hms(t, sizeof(t), e->ts_ns);
	printf("%-*s %-*u %-*s %*.3f %s\n", BK_W_TIME, t, BK_W_PID, e->tgid, BK_W_COMM, comm,
	       W_LAT, e->delta_ns / 1e6, host);
	return 0;
}

/* Entry uprobes on each function the libc has, the shared uretprobe on each. */
static int attach_lookups(struct gethostlatency_bpf *skel, const char *libc,
			  struct bk_links *links)
{
	struct bpf_program *entry[] = {
		[GETHOSTLATENCY_GETADDRINFO] = skel->progs.handle_getaddrinfo,
		[GETHOSTLATENCY_GETHOSTBYNAME] = skel->progs.handle_gethostbyname,
		[GETHOSTLATENCY_GETHOSTBYNAME2] = skel->progs.handle_gethostbyname2,
	};
	int err, found = 0;

	for (int i = 0; i < 3; i++) {
		err = bk_uprobe_attach(links, entry[i], bk_env.pid, libc, func_names[i], false);
		if (err == -ENOENT)
			continue;
		if (!err)
			err = bk_uprobe_attach(links, skel->progs.handle_lookup_exit, bk_env.pid, libc,
					       func_names[i], true);
		if (err)
			return err;
		found++;
	}
	if (!found) {
		bk_set_error("%s has none of getaddrinfo, gethostbyname, gethostbyname2: "
			     "is it a C library?", libc);
		return -ENOENT;
	}
	bk_info(1, "probing %d functions of %s", found, libc);
	return 0;
}

int main(int argc, char **argv)
{
	struct bk_links links = {};
	struct bk_loop loop = {};
	struct gethostlatency_bpf *skel = NULL;
	char libc[PATH_MAX];
	int err;

	/* Arguments; the shared letters land in bk_env. */
	bk_parse_args(argc, argv, options, parse_arg, argp_program_doc,
		      BK_OPT_FILTERS | BK_OPT_DURATION | BK_OPT_JSON);

	/* Logging, privileges, BTF; then the libc file to probe. */
	err = bk_init("gethostlatency");
	if (err)
		goto cleanup;
	err = bk_find_libc(opt.libc, bk_env.pid, libc, sizeof(libc));
	if (err)
		goto cleanup;

	/* Open the BPF object. */
	skel = gethostlatency_bpf__open_opts(bk_open_opts());
	err = bk_opened(skel);
	if (err)
		goto cleanup;

	/* Filters and settings go to .rodata before load. */
	bk_filter_fill(&skel->rodata->bk_filter);
	err = bk_events_size(skel->maps.events, &skel->rodata->bk_wakeup, 256 << 10);
	if (err)
		goto cleanup;

	/* One path: uprobes (named for -v and the test matrix). */
	struct bk_variant variants[] = {
		{ "uprobe", { skel->progs.handle_getaddrinfo, skel->progs.handle_gethostbyname,
			      skel->progs.handle_gethostbyname2, skel->progs.handle_lookup_exit } },
	};
	err = bk_choose(variants, 1, NULL);
	if (err < 0)
		goto cleanup;

	/* Load (the verifier runs here); uprobes on libc, then the rest. */
	err = bk_load(skel->skeleton);
	if (err)
		goto cleanup;
	err = attach_lookups(skel, libc, &links);
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
	loop.lost_what = "lookups were not timed";
	bk_signals();
	print_header();

	/* Until Ctrl-C, SIGTERM or -d. */
	err = bk_run(&loop);

cleanup:
	bk_loop_free(&loop);
	bk_links_destroy(&links);
	gethostlatency_bpf__destroy(skel);
	return bk_exit(err);
}
