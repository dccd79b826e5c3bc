// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * syscount: system calls counted per call, or per process or thread, with
 * their time in the kernel (--latency), every interval.
 */
#include <argp.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "core/attach.h"
#include "core/json.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/maps.h"
#include "core/opts.h"
#include "core/output.h"
#include "core/setup.h"
#include "kernel/syscalls.h"
#include "syscount.h"
#include "syscount.skel.h"

static struct {
	bool latency, list;
	long top, errno_val;
	int by;
	int tasks_fd;
	struct bk_counters calls;
} opt = { .top = 10 };

const char argp_program_doc[] =
	"Count system calls as they return, per call or per process or thread, with\n"
	"their time in the kernel (--latency). Without an interval the counts are\n"
	"printed once, at Ctrl-C or after -d.\n"
	"\n"
	"USAGE: syscount [-p PID] [-t TID] [-u UID] [-n COMM] [--cgroup PATH] [-x]\n"
	"                [-e ERRNO] [-P | -L] [--latency] [-m | --us | --ns] [--top N]\n"
	"                [-j] [-d SECONDS] [--list] [interval [count]]\n"
	"\n"
	"EXAMPLES:\n"
	"    syscount                  # the 10 most frequent calls, at Ctrl-C\n"
	"    syscount --latency 1      # and their time in the kernel, every second\n"
	"    syscount -P -d 5          # calls per process, for 5 seconds\n"
	"    syscount -p 181 --top 0   # every call process 181 made\n"
	"    syscount -x               # failed calls only\n"
	"    syscount -e ENOENT        # calls that failed with ENOENT\n"
	"    syscount --list           # the calls this build knows by name";

enum { OPT_LATENCY = 2000, OPT_TOP, OPT_LIST };

static const struct argp_option options[] = {
	{ "errno", 'e', "ERRNO", 0, "Only calls that failed with ERRNO (a name like ENOENT, or a number)", 0 },
	{ "latency", OPT_LATENCY, NULL, 0, "Time the calls too (a total per row), sort by it", 0 },
	{ "top", OPT_TOP, "N", 0, "Show the N busiest rows (default 10; 0: all)", 0 },
	{ "list", OPT_LIST, NULL, 0, "List the system calls this build knows, and exit", 0 },
	{},
};

/* ENOENT, or a number from 1 to 4095. */
static int parse_errno(const char *s, long *out)
{
	if (!bk_parse_long(s, 1, 4095, out))
		return 0;
	for (int e = 1; e < 4096; e++) {
		const char *name = strerrorname_np(e);

		if (name && !strcmp(name, s)) {
			*out = e;
			return 0;
		}
	}
	return -EINVAL;
}

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'e':
		if (parse_errno(arg, &opt.errno_val))
			bk_usage(state, "invalid errno '%s': want a name like ENOENT or 1 to 4095", arg);
		break;
	case OPT_LATENCY:
		opt.latency = true;
		break;
	case OPT_TOP:
		if (bk_parse_long(arg, 0, 1 << 20, &opt.top))
			bk_usage(state, "invalid --top '%s': want a number of rows, 0 for all", arg);
		break;
	case OPT_LIST:
		opt.list = true;
		break;
	case ARGP_KEY_ARG:
		bk_parse_interval_arg(state, arg);
		break;
	case ARGP_KEY_END:
		if (bk_env.per_process && bk_env.per_thread)
			bk_usage(state, "-P and -L are two breakdowns: give one of them");
		if (opt.errno_val && bk_env.failed_only)
			bk_usage(state, "-e already keeps only failed calls: -x adds nothing");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* One row of output: a call, or a process or thread. */
struct row {
	struct syscount_task_key key;	/* -P, -L */
	struct syscount_task_val v;	/* count, total_ns, comm */
	long nr;			/* by call */
};

static int by_busiest(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	__u64 vx = opt.latency ? x->v.total_ns : x->v.count;
	__u64 vy = opt.latency ? y->v.total_ns : y->v.count;

	if (vx != vy)
		return vx < vy ? 1 : -1;
	if (x->nr != y->nr)
		return x->nr < y->nr ? -1 : 1;
	return x->key.tgid != y->key.tgid ? (x->key.tgid < y->key.tgid ? -1 : 1) :
	       (x->key.tid > y->key.tid) - (x->key.tid < y->key.tid);
}

/* The calls counted since the last interval, as rows. */
static long read_calls(struct row **out)
{
	struct row *rows = calloc(SYSCOUNT_NR_MAX, sizeof(*rows));
	long n = 0;
	int err;

	if (!rows)
		return -ENOMEM;
	err = bk_counters_read(&opt.calls, SYSCOUNT_NR_MAX);
	if (err) {
		free(rows);
		return err;
	}
	for (__u32 i = 0; i < SYSCOUNT_NR_MAX; i++) {
		const struct syscount_val *d = bk_counters_delta(&opt.calls, i);

		if (!d->count)
			continue;
		rows[n].nr = i == SYSCOUNT_NR_OTHER ? -1 : (long)i;
		rows[n].v.count = d->count;
		rows[n++].v.total_ns = d->total_ns;
	}
	*out = rows;
	return n;
}

static void call_name(long nr, char *buf, size_t len)
{
	const char *name = bk_syscall_name(nr);

	if (name)
		snprintf(buf, len, "%s", name);
	else if (nr < 0)
		snprintf(buf, len, "[other]");
	else
		snprintf(buf, len, "[%ld]", nr);
}

#define W_CALL 22
#define W_COUNT 10
#define W_TIME 14

static void print_header(void)
{
	char t[32];

	if (opt.by == SYSCOUNT_BY_CALL)
		printf("%-*s ", W_CALL, "SYSCALL");
	else
		printf("%-*s %s%-*s ", BK_W_PID, "PID",
		       opt.by == SYSCOUNT_BY_THREAD ? "TID     " : "", BK_W_COMM, "COMM");
	printf("%*s", W_COUNT, "COUNT");
	if (opt.latency) {
		snprintf(t, sizeof(t), "TOTAL(%s)", bk_env.unit_ns == 1 ? "ns" :
			 bk_env.unit_ns == 1000 ? "us" : "ms");
		printf(" %*s", W_TIME, t);
	}
	printf("\n");
}

static void print_row(const struct row *r)
{
	char name[64], comm[4 * 16];

	if (opt.by == SYSCOUNT_BY_CALL) {
		call_name(r->nr, name, sizeof(name));
		printf("%-*s ", W_CALL, name);
	} else {
		bk_escape(comm, sizeof(comm), r->v.comm, sizeof(r->v.comm));
		printf("%-*u ", BK_W_PID, r->key.tgid);
		if (opt.by == SYSCOUNT_BY_THREAD)
			printf("%-7u ", r->key.tid);
		printf("%-*s ", BK_W_COMM, comm);
	}
	printf("%*llu", W_COUNT, (unsigned long long)r->v.count);
	if (opt.latency)
		printf(" %*.3f", W_TIME, (double)r->v.total_ns / bk_env.unit_ns);
	printf("\n");
}

static void json_row(struct bk_json *j, const struct row *r)
{
	const char *name;

	bk_json_object_begin(j, NULL);
	if (opt.by == SYSCOUNT_BY_CALL) {
		name = bk_syscall_name(r->nr);
		if (name)
			bk_json_str(j, "syscall", name, (size_t)-1);
		else
			bk_json_null(j, "syscall");
		bk_json_int(j, "nr", r->nr);
	} else {
		bk_json_uint(j, "pid", r->key.tgid);
		if (opt.by == SYSCOUNT_BY_THREAD)
			bk_json_uint(j, "tid", r->key.tid);
		bk_json_str(j, "comm", r->v.comm, sizeof(r->v.comm));
	}
	bk_json_uint(j, "count", r->v.count);
	if (opt.latency)
		bk_json_uint(j, "total_ns", r->v.total_ns);
	bk_json_object_end(j);
}

/* One interval: the busiest rows since the last one. */
static int print_counts(void *ctx)
{
	static const char *const what[] = { "calls", "processes", "threads" };
	struct row *rows = NULL;
	struct bk_json j;
	char t[64];
	long n, shown;

	if (opt.by == SYSCOUNT_BY_CALL) {
		n = read_calls(&rows);
	} else {
		n = bk_map_drain_rows(opt.tasks_fd, sizeof(rows->key), sizeof(rows->v),
				      offsetof(struct row, v), sizeof(*rows), SYSCOUNT_MAX_TASKS,
				      (void **)&rows);
	}
	if (n < 0) {
		if (n == -ENOMEM)
			bk_set_error("out of memory for the counts");
		else
			bk_set_error("cannot read the counts: %s", strerror((int)-n));
		return (int)n;
	}
	qsort(rows, n, sizeof(*rows), by_busiest);
	shown = opt.top && opt.top < n ? opt.top : n;
	if (bk_env.json) {
		bk_time_iso(t, sizeof(t), bk_now_ns());
		bk_json_begin(&j, stdout);
		bk_json_str(&j, "time", t, sizeof(t));
		bk_json_array_begin(&j, what[opt.by]);
		for (long i = 0; i < shown; i++)
			json_row(&j, &rows[i]);
		bk_json_array_end(&j);
		if (shown < n)
			bk_json_uint(&j, "rows_not_shown", n - shown);
		bk_json_end(&j);
	} else {
		if (bk_env.interval_s) {
			bk_time_hms(t, sizeof(t), bk_now_ns());
			printf("[%s]\n", t);
		}
		print_header();
		for (long i = 0; i < shown; i++)
			print_row(&rows[i]);
		if (shown < n)
			printf("(%ld more %s not shown: --top 0 shows all)\n", n - shown, what[opt.by]);
		printf("\n");
	}
	free(rows);
	return 0;
}

static void list_calls(void)
{
	for (long nr = 0; nr < bk_syscall_count(); nr++)
		if (bk_syscall_name(nr))
			printf("%-4ld %s\n", nr, bk_syscall_name(nr));
}

int main(int argc, char **argv)
{
	struct syscount_bpf *skel = NULL;
	struct bk_loop loop = {};
	int err;

	/* Arguments; the shared letters land in bk_env. */
	bk_parse_args_doc(argc, argv, options, parse_arg, "[interval [count]]", argp_program_doc,
			  BK_OPT_FILTERS | BK_OPT_FAILED | BK_OPT_PERPROC | BK_OPT_PERTHREAD |
			  BK_OPT_UNITS | BK_OPT_DURATION | BK_OPT_JSON |
			  BK_OPT_FORCE_PATH);
	if (opt.list) {
		list_calls();
		return bk_exit(bk_output_status() < 0 ? -EIO : 0);
	}
	opt.by = bk_env.per_thread ? SYSCOUNT_BY_THREAD :
		 bk_env.per_process ? SYSCOUNT_BY_PROCESS : SYSCOUNT_BY_CALL;

	/* Logging, privileges, BTF; then open the BPF object. */
	err = bk_init("syscount");
	if (err)
		goto cleanup;
	skel = syscount_bpf__open_opts(bk_open_opts());
	err = bk_opened(skel);
	if (err)
		goto cleanup;

	/* Filters and settings go to .rodata before load. */
	bk_filter_fill(&skel->rodata->bk_filter);
	skel->rodata->targ_by = opt.by;
	skel->rodata->targ_latency = opt.latency;
	skel->rodata->targ_errno = (__s32)opt.errno_val;

	/* The attach path: raw_syscalls as tp_btf, raw_tp or the tracepoint; entries only to time. */
	struct bk_variant variants[] = {
		{ "tp_btf", { skel->progs.handle_exit, skel->progs.handle_enter } },
		{ "raw_tp", { skel->progs.handle_exit_raw, skel->progs.handle_enter_raw } },
		{ "tracepoint", { skel->progs.handle_exit_tp, skel->progs.handle_enter_tp } },
	};
	if (!opt.latency) {
		for (int i = 0; i < 3; i++) {
			bpf_program__set_autoload(variants[i].progs[1], false);
			variants[i].progs[1] = NULL;
		}
	}
	err = bk_choose(variants, 3, bk_env.force_path);
	if (err < 0)
		goto cleanup;

	/* Load (the verifier runs here) and attach. */
	err = bk_start(skel->skeleton);
	if (err)
		goto cleanup;
	opt.tasks_fd = bpf_map__fd(skel->maps.tasks);
	err = bk_counters_init(&opt.calls, bpf_map__fd(skel->maps.calls), 2);
	if (err)
		goto cleanup;

	/* Signals; there are no events, the maps are read at every interval. */
	bk_signals();
	if (!bk_env.json && !bk_env.interval_s)
		printf("Tracing system calls... Ctrl-C to end.\n");

	/* Until Ctrl-C, SIGTERM, -d or count intervals; the last one at the end. */
	loop.drops = &skel->bss->task_drops;
	loop.drop_what = "calls (no room for another process or thread)";
	loop.lost_starts = &skel->bss->bk_lost_starts;
	loop.lost_what = "calls were not timed";
	bk_summary(&loop, print_counts, NULL);
	err = bk_run(&loop);

cleanup:
	bk_counters_free(&opt.calls);
	syscount_bpf__destroy(skel);
	return bk_exit(err);
}
