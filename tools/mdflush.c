// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * mdflush: trace flushes of md (software RAID) devices.
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "core/attach.h"
#include "core/json.h"
#include "core/links.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/opts.h"
#include "core/output.h"
#include "core/setup.h"
#include "kernel/kfunc.h"
#include "mdflush.h"
#include "mdflush.skel.h"

const char argp_program_doc[] =
	"Trace flushes of md (software RAID) devices: who asked, on which array.\n"
	"\n"
	"USAGE: mdflush [-p PID] [-t TID] [-u UID] [-n COMM] [--cgroup PATH] [-T] [-U]\n"
	"               [-j] [-d SECONDS]\n"
	"\n"
	"EXAMPLES:\n"
	"    mdflush                   # trace md flushes\n"
	"    mdflush -T -j             # JSON lines, with times";

#define W_DISK 8

static void print_header(void)
{
	if (bk_env.json)
		return;
	bk_print_prefix_header();
	printf("%-*s %-*s DEVICE\n", BK_W_PID, "PID", BK_W_COMM, "COMM");
}

static int handle_event(void *ctx, void *data, size_t size)
{
	const struct mdflush_event *e = data;
	char comm[4 * 16], disk[4 * MDFLUSH_DISK_LEN];
	struct bk_json j;

	if (size < sizeof(*e))
		return 0;
	if (bk_env.json) {
		bk_json_event(&j, stdout, e->ts_ns, e->tgid, e->tid, e->uid, e->comm);
		bk_json_str(&j, "disk", e->disk, sizeof(e->disk));
		bk_json_end(&j);
		return 0;
	}
	bk_escape(comm, sizeof(comm), e->comm, sizeof(e->comm));
	bk_escape(disk, sizeof(disk), e->disk, sizeof(e->disk));
	bk_print_prefix(e->ts_ns, e->uid);
	printf("%-*u %-*s %s\n", BK_W_PID, e->tgid, BK_W_COMM, comm, disk);
	return 0;
}

/* fentry when md_flush_request is in the kernel's or md_mod's BTF and trampolines work; else kprobes. */
static const char *choose(void)
{
	char why[256];

	if (bk_env.force_path && strcmp(bk_env.force_path, "fentry"))
		return bk_env.force_path;
	if (bk_kfunc_fentry_ok("md_flush_request", "md_mod", why, sizeof(why)))
		return "fentry";
	bk_info(1, "fentry path not available: %s", why);
	return bk_env.force_path ? "fentry-unavailable" : "kprobe";
}

int main(int argc, char **argv)
{
	struct mdflush_bpf *skel = NULL;
	struct bk_links links = {};
	struct bk_loop loop = {};
	const char *path;
	int err;

	/* Arguments; the shared letters land in bk_env. */
	bk_parse_args(argc, argv, NULL, NULL, argp_program_doc,
		      BK_OPT_FILTERS | BK_OPT_TIMESTAMP | BK_OPT_UIDCOL | BK_OPT_DURATION |
		      BK_OPT_JSON | BK_OPT_FORCE_PATH);

	/* Logging, privileges, BTF; md must be there to have flushes. */
	err = bk_init("mdflush");
	if (err)
		goto cleanup;
	if (bk_env.force_path && strcmp(bk_env.force_path, "fentry") &&
	    strcmp(bk_env.force_path, "kprobe")) {
		bk_set_usage_error("unknown path '%s': this tool has fentry, kprobe", bk_env.force_path);
		err = -EINVAL;
		goto cleanup;
	}
	if (access("/proc/mdstat", F_OK)) {
		err = bk_set_unsupported("md (software RAID) driver loaded (no /proc/mdstat): "
					 "there are no md flushes to trace");
		goto cleanup;
	}

	/* Open the BPF object; filters go to .rodata before load. */
	skel = mdflush_bpf__open_opts(bk_open_opts());
	err = bk_opened(skel);
	if (err)
		goto cleanup;
	bk_filter_fill(&skel->rodata->bk_filter);
	err = bk_events_size(skel->maps.events, &skel->rodata->bk_wakeup, 256 << 10);
	if (err)
		goto cleanup;

	/* fentry on md_flush_request (md_mod's BTF), else a kprobe on it. */
	path = choose();
	if (!strcmp(path, "fentry"))
		bpf_program__set_attach_target(skel->progs.handle_flush_fentry, 0, "md_flush_request");
	struct bk_variant variants[] = {
		{ "fentry", { skel->progs.handle_flush_fentry } },
		{ "kprobe", { skel->progs.handle_flush_kprobe } },
	};
	if (!strcmp(path, "fentry-unavailable")) {
		bk_set_error("the fentry path is not available on this kernel: fentry cannot hook "
			     "md_flush_request here");
		err = -ENOENT;
		goto cleanup;
	}
	err = bk_choose(variants, 2, path);
	if (err < 0)
		goto cleanup;

	/* Load (the verifier runs here) and attach. */
	err = bk_load(skel->skeleton);
	if (!err && !strcmp(bk_attach_path, "fentry")) {
		err = bk_links_add(&links, bpf_program__attach_trace(skel->progs.handle_flush_fentry));
		if (err)
			bk_set_error("cannot attach fentry to md_flush_request: %s", strerror(-err));
	}
	if (!err)
		err = bk_attach(skel->skeleton);
	if (err)
		goto cleanup;

	/* Events and signals, then the header. */
	err = bk_events(&loop, skel->maps.events, handle_event, NULL, &skel->bss->bk_drops);
	if (err)
		goto cleanup;
	bk_signals();
	print_header();

	/* Until Ctrl-C, SIGTERM or -d. */
	err = bk_run(&loop);

cleanup:
	bk_loop_free(&loop);
	bk_links_destroy(&links);
	mdflush_bpf__destroy(skel);
	return bk_exit(err);
}
