// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * bashreadline: print the commands typed into interactive bash shells.
 */
#include <argp.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "core/attach.h"
#include "uspace/elfsym.h"
#include "core/json.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/opts.h"
#include "core/output.h"
#include "core/setup.h"
#include "uspace/uprobe_target.h"
#include "uspace/uprobes.h"
#include "bashreadline.h"
#include "bashreadline.skel.h"

static struct {
	const char *shared;
	const char *bash;
} opt;

const char argp_program_doc[] =
	"Print the commands typed into interactive bash shells (the lines readline()\n"
	"returns), system-wide or for one shell.\n"
	"\n"
	"USAGE: bashreadline [-p PID] [-u UID] [-U] [--bash PATH] [--shared PATH]\n"
	"                    [-j] [-d SECONDS]\n"
	"\n"
	"EXAMPLES:\n"
	"    bashreadline                  # every bash started from /bin/bash\n"
	"    bashreadline -p 4051          # only the shell 4051 (also in a container)\n"
	"    bashreadline -u alice -U      # alice's commands, with a UID column\n"
	"    bashreadline --shared /lib/x86_64-linux-gnu/libreadline.so.8\n"
	"                                  # a bash linked with libreadline";

enum { OPT_SHARED = 2000, OPT_BASH };

static const struct argp_option options[] = {
	{ "bash", OPT_BASH, "PATH", 0,
	  "The shell binary (default: /bin/bash, or the executable of -p PID)", 0 },
	{ "shared", OPT_SHARED, "PATH", 0,
	  "Probe readline() in this library (a path or a name such as 'readline')", 0 },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case OPT_SHARED:
	case OPT_BASH:
		if (!*arg)
			bk_usage(state, "--%s wants a path", key == OPT_SHARED ? "shared" : "bash");
		*(key == OPT_SHARED ? &opt.shared : &opt.bash) = arg;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* An empty line (Enter alone) in the COMMAND column. */
#define EMPTY_MARK "[empty]"

static void print_header(void)
{
	if (bk_env.json)
		return;
	printf("%-*s ", BK_W_TIME, "TIME");
	if (bk_env.uid_column)
		printf("%-*s ", BK_W_UID, "UID");
	printf("%-*s %s\n", BK_W_PID, "PID", "COMMAND");
}

static int handle_event(void *ctx, void *data, size_t size)
{
	const struct line_event *e = data;
	char line[4 * BASHREADLINE_LINE_LEN + sizeof(BK_CUT_MARK)], t[40];
	struct bk_json j;

	if (bk_env.json) {
		bk_time_iso(t, sizeof(t), e->ts_ns);
		bk_json_begin(&j, stdout);
		bk_json_str(&j, "time", t, sizeof(t));
		bk_json_uint(&j, "pid", e->tgid);
		bk_json_uint(&j, "uid", e->uid);
		bk_json_str(&j, "comm", e->comm, sizeof(e->comm));
		bk_json_rec_str(&j, "command", e->line, sizeof(e->line), e->str_flags, 0);
		bk_json_end(&j);
		return 0;
	}
	/* As typed: a backslash stays one; control bytes are escaped. */
	if (e->str_flags & BK_STR_UNREADABLE(0))
		snprintf(line, sizeof(line), "%s", BK_UNREADABLE_MARK);
	else if (!e->line[0])
		snprintf(line, sizeof(line), "%s", EMPTY_MARK);
	else
		bk_escape_typed(line, sizeof(line), e->line, sizeof(e->line),
				e->str_flags & BK_STR_CUT(0));
	bk_time_hms(t, sizeof(t), e->ts_ns);
	printf("%-*s ", BK_W_TIME, t);
	if (bk_env.uid_column)
		printf("%-*u ", BK_W_UID, e->uid);
	printf("%-*u %s\n", BK_W_PID, e->tgid, line);
	return 0;
}

static bool has_readline(const char *path)
{
	struct elfsym_file *f;
	uint64_t off;
	int err;

	if (elfsym_open(path, &f))
		return false;
	err = elfsym_lookup(f, "readline", &off);
	elfsym_close(f);
	return !err;
}

/* The shell: --bash, else the executable of -p PID, else /bin/bash. */
static int find_bash(char *path, size_t len)
{
	char exe[PATH_MAX], link[64];
	const char *want = opt.bash ? opt.bash : "/bin/bash";
	ssize_t n;
	int err;

	if (!opt.bash && bk_env.pid) {
		snprintf(link, sizeof(link), "/proc/%d/exe", bk_env.pid);
		n = readlink(link, exe, sizeof(exe) - 1);
		if (n < 0) {
			bk_set_error("cannot read the executable of process %d: %s", bk_env.pid,
				     strerror(errno));
			return errno == ENOENT ? -ESRCH : -errno;
		}
		exe[n] = 0;
		want = exe;
	}
	err = uprobe_target_resolve(want, bk_env.pid, path, len);
	if (err)
		bk_set_error("cannot find the shell '%s': %s", want,
			     err == -ESRCH ? "no such process" : strerror(-err));
	return err;
}

static int is_libreadline(const char *lib, void *ctx)
{
	return uprobe_target_lib_matches(lib, "readline");
}

/*
 * The file whose readline() to probe: --shared; else the shell if readline
 * is built in (as in Debian's bash); else the libreadline it is linked
 * with. A shell with neither (bash-static, busybox sh) reads its lines some
 * other way: probing a libreadline it never loads would show nothing.
 */
static int find_readline(char *path, size_t len)
{
	char bash[PATH_MAX];
	int err;

	if (opt.shared) {
		err = uprobe_target_resolve(opt.shared, bk_env.pid, path, len);
		if (err)
			bk_set_error("cannot find the library '%s': %s", opt.shared, strerror(-err));
		else if (!has_readline(path)) {
			bk_set_error("%s has no readline function", path);
			err = -ENOENT;
		}
		return err;
	}
	err = find_bash(bash, sizeof(bash));
	if (err)
		return err;
	if (has_readline(bash)) {
		snprintf(path, len, "%s", bash);
		return 0;
	}
	if (elfsym_needed_foreach(bash, is_libreadline, NULL) <= 0) {
		bk_set_error("%s has no readline function and does not load libreadline: its "
			     "command lines are read some other way, which bashreadline cannot see",
			     bash);
		return -ENOENT;
	}
	err = uprobe_target_resolve("readline", bk_env.pid, path, len);
	if (err || !has_readline(path)) {
		bk_set_error("%s loads libreadline, but no libreadline with a readline function "
			     "was found: name it with --shared PATH", bash);
		return -ENOENT;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct bk_links links = {};
	struct bk_loop loop = {};
	struct bashreadline_bpf *skel = NULL;
	char target[PATH_MAX];
	int err;

	/* Arguments; the shared letters land in bk_env. */
	bk_parse_args(argc, argv, options, parse_arg, argp_program_doc,
		      BK_OPT_FILTERS | BK_OPT_UIDCOL | BK_OPT_DURATION | BK_OPT_JSON);

	/* Logging, privileges, BTF; then the file that holds readline(). */
	err = bk_init("bashreadline");
	if (err)
		goto cleanup;
	err = find_readline(target, sizeof(target));
	if (err)
		goto cleanup;

	/* Open the BPF object. */
	skel = bashreadline_bpf__open_opts(bk_open_opts());
	err = bk_opened(skel);
	if (err)
		goto cleanup;

	/* Filters and settings go to .rodata before load. */
	bk_filter_fill(&skel->rodata->bk_filter);
	err = bk_events_size(skel->maps.events, &skel->rodata->bk_wakeup, 64 << 10);
	if (err)
		goto cleanup;

	/* One path: a uretprobe (named for -v and the test matrix). */
	struct bk_variant variants[] = {
		{ "uprobe", { skel->progs.handle_readline_exit } },
	};
	err = bk_choose(variants, 1, NULL);
	if (err < 0)
		goto cleanup;

	/* Load (the verifier runs here); the uretprobe on readline(), then the rest. */
	err = bk_load(skel->skeleton);
	if (err)
		goto cleanup;
	err = bk_uprobe_attach(&links, skel->progs.handle_readline_exit, bk_env.pid, target,
			       "readline", true);
	if (err)
		goto cleanup;
	bk_info(1, "probing readline() in %s", target);
	err = bk_attach(skel->skeleton);
	if (err)
		goto cleanup;

	/* Events, signals, then the header. */
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
	bashreadline_bpf__destroy(skel);
	return bk_exit(err);
}
