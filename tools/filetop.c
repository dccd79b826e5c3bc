// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * filetop: reads and writes per file and process, refreshed top-style.
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "core/attach.h"
#include "core/json.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/maps.h"
#include "core/opts.h"
#include "core/output.h"
#include "core/setup.h"
#include "fs/fileid.h"
#include "filetop.h"
#include "filetop.skel.h"

enum sort_by { SORT_ALL, SORT_READS, SORT_WRITES, SORT_RBYTES, SORT_WBYTES };

static struct {
	bool no_clear, all_types;
	enum sort_by sort;
	long rows;
	int fd;			/* of the files map */
	long printed;		/* refreshes printed, for the blank line between them */
	bool clear;		/* clear the screen before each refresh */
} opt = { .rows = 20 };

const char argp_program_doc[] =
	"Show reads and writes per file and process, refreshed top-style.\n"
	"\n"
	"USAGE: filetop [-a] [-C] [-S FIELD] [-r ROWS] [-L] [-p PID] [-t TID] [-u UID]\n"
	"               [-n COMM] [--cgroup PATH] [-j] [-d SECONDS] [interval [count]]\n"
	"\n"
	"EXAMPLES:\n"
	"    filetop                   # refresh every second, until Ctrl-C\n"
	"    filetop -C 5 3            # three refreshes 5 s apart, without clearing\n"
	"    filetop -S wbytes -r 5    # the five files written the most\n"
	"    filetop -a -p 181         # every file type (sockets, pipes, ...), process 181\n"
	"    filetop -j 10             # JSON lines every 10 s, with exact bytes";

static const struct argp_option options[] = {
	{ "all", 'a', NULL, 0, "Every file type, not only regular files", 0 },
	{ "no-clear", 'C', NULL, 0, "Do not clear the screen between refreshes", 0 },
	{ "sort", 'S', "FIELD", 0,
	  "Sort by reads, writes, rbytes, wbytes or all (the sum of the four; the default)", 0 },
	{ "rows", 'r', "ROWS", 0, "Show at most ROWS files per refresh (default 20)", 0 },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	static const char *const sorts[] = { "all", "reads", "writes", "rbytes", "wbytes" };

	switch (key) {
	case 'a':
		opt.all_types = true;
		break;
	case 'C':
		opt.no_clear = true;
		break;
	case 'S':
		for (opt.sort = 0; opt.sort < 5 && strcmp(arg, sorts[opt.sort]); opt.sort++)
			;
		if (opt.sort == 5)
			bk_usage(state, "invalid --sort '%s': want reads, writes, rbytes, wbytes or all",
				 arg);
		break;
	case 'r':
		if (bk_parse_long(arg, 1, FILETOP_MAX_FILES, &opt.rows))
			bk_usage(state, "invalid --rows '%s': want 1 to %d", arg, FILETOP_MAX_FILES);
		break;
	case ARGP_KEY_ARG:
		bk_parse_interval_arg(state, arg);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

struct row {
	struct filetop_key key;
	struct filetop_value v;
};

static __u64 sort_value(const struct row *r)
{
	switch (opt.sort) {
	case SORT_READS:
		return r->v.reads;
	case SORT_WRITES:
		return r->v.writes;
	case SORT_RBYTES:
		return r->v.read_bytes;
	case SORT_WBYTES:
		return r->v.write_bytes;
	default:
		return r->v.reads + r->v.writes + r->v.read_bytes + r->v.write_bytes;
	}
}

static int by_value(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	__u64 vx = sort_value(x), vy = sort_value(y);

	if (vx != vy)
		return vx < vy ? 1 : -1;
	if (x->key.tgid != y->key.tgid)
		return x->key.tgid < y->key.tgid ? -1 : 1;
	return x->key.ino < y->key.ino ? -1 : x->key.ino > y->key.ino;
}

/* Takes every entry out of the map: what arrives meanwhile goes to the next refresh. */
static long take_rows(struct row **out)
{
	static struct filetop_key keys[FILETOP_MAX_FILES];
	static struct filetop_value vals[FILETOP_MAX_FILES];
	struct row *rows;
	long n;

	n = bk_map_drain(opt.fd, sizeof(keys[0]), sizeof(vals[0]), keys, vals, FILETOP_MAX_FILES);
	if (n < 0)
		return n;
	rows = calloc(n ? n : 1, sizeof(*rows));
	if (!rows) {
		bk_set_error("out of memory for %ld files", n);
		return -ENOMEM;
	}
	for (long i = 0; i < n; i++)
		rows[i] = (struct row){ keys[i], vals[i] };
	*out = rows;
	return n;
}

#define W_COMM 15
#define W_COUNT 6
#define W_KB 7

static void print_row(const struct row *r, const char *t)
{
	const struct filetop_key *k = &r->key;
	const struct filetop_value *v = &r->v;
	char comm[4 * 16], name[4 * FILETOP_NAME_LEN + 4], type[2] = { bk_file_type_char(v->mode) };
	struct bk_file_id id = { .ino = k->ino, .dev = k->dev, .mode = v->mode };
	struct bk_json j;

	if (bk_env.json) {
		bk_json_begin(&j, stdout);
		bk_json_str(&j, "time", t, strlen(t));
		bk_json_uint(&j, "pid", k->tgid);
		if (bk_env.per_thread)
			bk_json_uint(&j, "tid", k->tid);
		bk_json_str(&j, "comm", v->comm, sizeof(v->comm));
		bk_json_uint(&j, "reads", v->reads);
		bk_json_uint(&j, "writes", v->writes);
		bk_json_uint(&j, "read_bytes", v->read_bytes);
		bk_json_uint(&j, "write_bytes", v->write_bytes);
		bk_json_str(&j, "type", type, 1);
		bk_json_file(&j, &id, NULL, v->name, sizeof(v->name), v->str_flags, 0);
		bk_json_end(&j);
		return;
	}
	bk_escape(comm, sizeof(comm), v->comm, sizeof(v->comm));
	bk_escape_str(name, sizeof(name), v->name, sizeof(v->name), v->str_flags, 0);
	printf("%-*u %-*s %*llu %*llu %*llu %*llu %s %s\n", BK_W_PID,
	       bk_env.per_thread ? k->tid : k->tgid, W_COMM, comm, W_COUNT,
	       (unsigned long long)v->reads, W_COUNT, (unsigned long long)v->writes, W_KB,
	       (unsigned long long)(v->read_bytes / 1024), W_KB,
	       (unsigned long long)(v->write_bytes / 1024), type, name);
}

/* One refresh: the files of the last interval, busiest first. */
static int refresh(void *ctx)
{
	struct row *rows;
	char t[40];
	long n = take_rows(&rows);

	if (n < 0)
		return n;
	qsort(rows, n, sizeof(*rows), by_value);
	if (bk_env.json) {
		bk_time_iso(t, sizeof(t), bk_now_ns());
	} else {
		if (opt.clear)
			printf("\033[H\033[2J");
		else if (opt.printed)
			printf("\n");
		bk_time_hms(t, sizeof(t), bk_now_ns());
		printf("%s  %ld file%s\n", t, n, n == 1 ? "" : "s");
		printf("%-*s %-*s %*s %*s %*s %*s T FILE\n", BK_W_PID,
		       bk_env.per_thread ? "TID" : "PID", W_COMM, "COMM", W_COUNT, "READS", W_COUNT,
		       "WRITES", W_KB, "R_KB", W_KB, "W_KB");
	}
	for (int i = 0; i < n && i < opt.rows; i++)
		print_row(&rows[i], t);
	free(rows);
	opt.printed++;
	return 0;
}

int main(int argc, char **argv)
{
	struct bk_loop loop = {};
	struct filetop_bpf *skel = NULL;
	int err;

	/* Arguments; the shared letters land in bk_env. One second by default. */
	bk_parse_args_doc(argc, argv, options, parse_arg, "[interval [count]]", argp_program_doc,
			  BK_OPT_FILTERS | BK_OPT_PERTHREAD | BK_OPT_DURATION | BK_OPT_JSON |
			  BK_OPT_FORCE_PATH);
	if (bk_env.interval_s == 0)
		bk_env.interval_s = 1;
	/* Clearing only makes sense on a terminal. */
	opt.clear = !opt.no_clear && !bk_env.json && isatty(STDOUT_FILENO);

	/* Logging, privileges, BTF; then open the BPF object. */
	err = bk_init("filetop");
	if (err)
		goto cleanup;
	skel = filetop_bpf__open_opts(bk_open_opts());
	err = bk_opened(skel);
	if (err)
		goto cleanup;

	/* Filters and settings go to .rodata before load. */
	bk_filter_fill(&skel->rodata->bk_filter);
	skel->rodata->targ_all_types = opt.all_types;
	skel->rodata->targ_per_thread = bk_env.per_thread;

	/* The read/write system calls (raw_syscalls), else fexit, else kprobes on vfs_read/vfs_write. */
	struct bk_variant variants[] = {
		{ "tracepoint", { skel->progs.handle_sys_enter, skel->progs.handle_sys_exit } },
		{ "fentry", { skel->progs.handle_read_fexit, skel->progs.handle_write_fexit },
		  { skel->progs.handle_readv_fexit, skel->progs.handle_writev_fexit } },
		{ "kprobe",
		  { skel->progs.handle_read_kprobe, skel->progs.handle_read_kretprobe,
		    skel->progs.handle_write_kprobe, skel->progs.handle_write_kretprobe },
		  { skel->progs.handle_readv_kprobe, skel->progs.handle_readv_kretprobe,
		    skel->progs.handle_writev_kprobe, skel->progs.handle_writev_kretprobe } },
	};
	err = bk_choose(variants, 3, bk_env.force_path);
	if (err < 0)
		goto cleanup;

	/* Load (the verifier runs here) and attach. */
	err = bk_start(skel->skeleton);
	if (err)
		goto cleanup;
	opt.fd = bpf_map__fd(skel->maps.files);

	/* Signals; there are no events, the map is taken out at every refresh. */
	bk_signals();

	/* Until Ctrl-C, SIGTERM, -d or count refreshes. */
	loop.drops = &skel->bss->file_drops;
	loop.drop_what = "files";
	loop.lost_starts = &skel->bss->bk_lost_starts;
	loop.lost_what = "reads and writes were not counted";
	bk_summary(&loop, refresh, NULL);
	err = bk_run(&loop);

cleanup:
	filetop_bpf__destroy(skel);
	return bk_exit(err);
}
