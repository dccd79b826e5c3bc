// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * ttysnoop: what processes write to a terminal (or to every terminal).
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <bpf/libbpf.h>
#include "core/attach.h"
#include "core/json.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/opts.h"
#include "core/output.h"
#include "core/setup.h"
#include "file.h"
#include "ttysnoop.h"
#include "ttysnoop.skel.h"

static struct {
	const char *tty;
	__u32 rdev;
	bool raw;
} opt;

const char argp_program_doc[] =
	"Show what processes write to a terminal: a tty or a pseudo-terminal\n"
	"(/dev/pts/N), or with no TTY every terminal. Approximate: write(2) calls\n"
	"on the terminal's device only (not writev(2), not the kernel's echo).\n"
	"\n"
	"USAGE: ttysnoop [-p PID] [-t TID] [-u UID] [-n COMM] [--cgroup PATH] [-T] [-U]\n"
	"                [--raw | -j] [-d SECONDS] [TTY]\n"
	"\n"
	"EXAMPLES:\n"
	"    ttysnoop /dev/pts/3       # what is written to pts/3, one write a line\n"
	"    ttysnoop --raw pts/3      # the same bytes, as the terminal gets them\n"
	"    ttysnoop -n sshd          # what sshd writes to any terminal\n"
	"    ttysnoop -j /dev/tty1     # JSON lines";

enum { OPT_RAW = 2000 };

static const struct argp_option options[] = {
	{ "raw", OPT_RAW, NULL, 0, "Write the bytes as they were written, nothing else (a mirror)", 0 },
	{},
};

/* "/dev/pts/3", "pts/3" or "3" (a pts): its device number, which must be a terminal's. */
static int parse_tty(const char *arg, __u32 *rdev)
{
	char path[64];
	struct stat st;
	unsigned int ma, mi;

	if (arg[0] >= '0' && arg[0] <= '9' && strspn(arg, "0123456789") == strlen(arg))
		snprintf(path, sizeof(path), "/dev/pts/%s", arg);
	else if (arg[0] != '/')
		snprintf(path, sizeof(path), "/dev/%s", arg);
	else
		snprintf(path, sizeof(path), "%s", arg);
	if (stat(path, &st))
		return -errno;
	if (!S_ISCHR(st.st_mode))
		return -ENOTTY;
	ma = major(st.st_rdev);
	mi = minor(st.st_rdev);
	if (!(ma == 4 || ma == 5 || (ma >= 136 && ma <= 143)))
		return -ENOTTY;
	*rdev = (ma << 20) | mi;
	return 0;
}

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	int err;

	switch (key) {
	case OPT_RAW:
		opt.raw = true;
		break;
	case ARGP_KEY_ARG:
		if (opt.tty)
			bk_usage(state, "one terminal at a time: '%s' and '%s'", opt.tty, arg);
		opt.tty = arg;
		err = parse_tty(arg, &opt.rdev);
		if (err)
			bk_usage(state, "'%s' is not a terminal: %s", arg,
				 err == -ENOTTY ? "not a tty, console or pts device" : strerror(-err));
		break;
	case ARGP_KEY_END:
		if (opt.raw && bk_env.json)
			bk_usage(state, "--raw and -j are two output formats: choose one");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* "pts/3", "tty1", "ttyS0", "console", ... */
static const char *tty_name(__u32 rdev, char *buf, size_t len)
{
	__u32 ma = BK_KDEV_MAJOR(rdev), mi = BK_KDEV_MINOR(rdev);

	if (ma >= 136 && ma <= 143)
		snprintf(buf, len, "pts/%u", (ma - 136) * 256 + mi);
	else if (ma == 4)
		snprintf(buf, len, mi < 64 ? "tty%u" : "ttyS%u", mi < 64 ? mi : mi - 64);
	else if (ma == 5 && mi <= 2)
		snprintf(buf, len, "%s", mi == 0 ? "tty" : mi == 1 ? "console" : "ptmx");
	else
		snprintf(buf, len, "%u:%u", ma, mi);
	return buf;
}

#define W_TTY 8

static void print_header(void)
{
	if (bk_env.json || opt.raw)
		return;
	printf("# approximate: write(2) calls only (see ttysnoop(8))\n");
	bk_print_prefix_header();
	printf("%-*s %-*s %-*s %s\n", BK_W_PID, "PID", BK_W_COMM, "COMM", W_TTY, "TTY", "DATA");
}

static int handle_event(void *ctx, void *data, size_t size)
{
	const struct tty_event *e = data;
	static char text[4 * TTYSNOOP_DATA + 16];
	char comm[4 * 16], tty[24];
	__u32 len = e->len > TTYSNOOP_DATA ? TTYSNOOP_DATA : e->len;
	struct bk_json j;

	if (size < offsetof(struct tty_event, data) + len)
		return 0;
	if (opt.raw) {
		fwrite(e->data, 1, len, stdout);
		return 0;
	}
	tty_name(e->rdev, tty, sizeof(tty));
	if (bk_env.json) {
		bk_json_event(&j, stdout, e->ts_ns, e->tgid, e->tid, e->uid, e->comm);
		bk_json_str(&j, "tty", tty, sizeof(tty));
		bk_json_uint(&j, "bytes", e->bytes);
		bk_json_rec_str(&j, "data", e->data, len, e->str_flags, 0);
		bk_json_bool(&j, "approx", true);
		bk_json_end(&j);
		return 0;
	}
	bk_escape(comm, sizeof(comm), e->comm, sizeof(e->comm));
	bk_escape_str(text, sizeof(text), e->data, len, e->str_flags, 0);
	bk_print_prefix(e->ts_ns, e->uid);
	printf("%-*u %-*s %-*s %s\n", BK_W_PID, e->tgid, BK_W_COMM, comm, W_TTY, tty, text);
	return 0;
}

int main(int argc, char **argv)
{
	struct ttysnoop_bpf *skel = NULL;
	struct bk_loop loop = {};
	int err;

	/* Arguments; the shared letters land in bk_env. */
	bk_parse_args_doc(argc, argv, options, parse_arg, "[TTY]", argp_program_doc,
			  BK_OPT_FILTERS | BK_OPT_TIMESTAMP | BK_OPT_UIDCOL | BK_OPT_DURATION |
			  BK_OPT_JSON);

	/* Logging, privileges, BTF; then open the BPF object. */
	err = bk_init("ttysnoop");
	if (err)
		goto cleanup;
	skel = ttysnoop_bpf__open_opts(bk_open_opts());
	err = bk_opened(skel);
	if (err)
		goto cleanup;

	/* Filters and the terminal go to .rodata before load. */
	bk_filter_fill(&skel->rodata->bk_filter);
	skel->rodata->targ_rdev = opt.rdev;
	err = bk_events_size(skel->maps.events, &skel->rodata->bk_wakeup, 1 << 20);
	if (err)
		goto cleanup;

	/* The write(2) tracepoints. */
	struct bk_variant variants[] = {
		{ "syscalls", { skel->progs.handle_write, skel->progs.handle_write_exit } },
	};
	err = bk_choose(variants, 1, NULL);
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
	loop.lost_what = "writes were not shown";
	bk_signals();
	print_header();

	/* Until Ctrl-C, SIGTERM or -d. */
	err = bk_run(&loop);

cleanup:
	bk_loop_free(&loop);
	ttysnoop_bpf__destroy(skel);
	return bk_exit(err);
}
