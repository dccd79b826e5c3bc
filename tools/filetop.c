// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * filetop: reads and writes per file and process, refreshed top-style.
 */
#include <argp.h>
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
#include "core/top.h"
#include "fs/fileid.h"
#include "filetop.h"
#include "filetop.skel.h"

enum sort_by { SORT_ALL, SORT_READS, SORT_WRITES, SORT_RBYTES, SORT_WBYTES };

static bool all_types;
/* The screen and its options, set out below its printers. */
static struct bk_top top;

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
	BK_TOP_ARGP_OPTIONS("files", "FIELD",
			    "Sort by reads, writes, rbytes, wbytes or all (the sum of the four; the "
			    "default)"),
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	if (key != 'a')
		return bk_top_parse_opt(&top, key, arg, state);
	all_types = true;
	return 0;
}

struct row {
	struct filetop_key key;
	struct filetop_value v;
};

static __u64 sort_value(const struct row *r)
{
	switch (top.sort) {
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

#define W_COMM 15
#define W_COUNT 6
#define W_KB 7

static void print_row(void *ctx, const void *row, const char *t)
{
	const struct row *r = row;
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

/* The title line and the column header of a refresh. */
static void print_head(void *ctx, const char *t, long n)
{
	printf("%s  %ld file%s\n", t, n, n == 1 ? "" : "s");
	printf("%-*s %-*s %*s %*s %*s %*s T FILE\n", BK_W_PID, bk_env.per_thread ? "TID" : "PID",
	       W_COMM, "COMM", W_COUNT, "READS", W_COUNT, "WRITES", W_KB, "R_KB", W_KB, "W_KB");
}

/* Every refresh: the files of the last interval, busiest first. */
static struct bk_top top = {
	.rows = 20,
	.max_rows = FILETOP_MAX_FILES,
	.sort_keys = (const char *const[]){ "all", "reads", "writes", "rbytes", "wbytes", NULL },
	.sort_want = "reads, writes, rbytes, wbytes or all",
	BK_TOP_ROW(struct row, key, v),
	.cap = FILETOP_MAX_FILES,
	.cmp = by_value,
	.head = print_head,
	.print_row = print_row,
};

int main(int argc, char **argv)
{
	struct bk_loop loop = {};
	struct filetop_bpf *skel = NULL;
	int err;

	/* Arguments; the shared letters land in bk_env. One second by default. */
	bk_parse_args_doc(argc, argv, options, parse_arg, "[interval [count]]", argp_program_doc,
			  BK_OPT_FILTERS | BK_OPT_PERTHREAD | BK_OPT_DURATION | BK_OPT_JSON |
			  BK_OPT_FORCE_PATH);
	bk_top_args(&top);

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
	skel->rodata->targ_all_types = all_types;
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
	top.fd = bpf_map__fd(skel->maps.files);

	/* Signals; there are no events, the map is taken out at every refresh. */
	bk_signals();

	/* Until Ctrl-C, SIGTERM, -d or count refreshes. */
	loop.drops = &skel->bss->file_drops;
	loop.drop_what = "files";
	loop.lost_starts = &skel->bss->bk_lost_starts;
	loop.lost_what = "reads and writes were not counted";
	bk_summary(&loop, bk_top_refresh, &top);
	err = bk_run(&loop);

cleanup:
	filetop_bpf__destroy(skel);
	return bk_exit(err);
}
