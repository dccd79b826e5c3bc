// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * klockstat: kernel lock contention: time waited for kernel locks, by lock
 * and the kernel stack that waited, as histograms.
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "core/attach.h"
#include "core/hist.h"
#include "core/json.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/maps.h"
#include "core/opts.h"
#include "core/output.h"
#include "core/setup.h"
#include "stacks/ksyms.h"
#include "stacks/report.h"
#include "stacks/stacks.h"
#include "stacks_abi.h"
#include "klockstat.h"
#include "klockstat.skel.h"

#define MAX_ROWS 10240

const char argp_program_doc[] =
	"Show kernel lock contention: the time tasks wait for kernel locks (mutexes,\n"
	"rw-semaphores, spinlocks, rwlocks), by lock and the kernel stack that waited,\n"
	"as histograms in microseconds. Wait times only: hold times are not measured.\n"
	"\n"
	"USAGE: klockstat [-p PID] [-t TID] [-u UID] [-n COMM] [--cgroup PATH] [-j]\n"
	"                 [-d SECONDS] [interval [count]]\n"
	"\n"
	"EXAMPLES:\n"
	"    klockstat -d 10           # 10 s of kernel lock waits\n"
	"    klockstat -p 181 5        # process 181's, every 5 s\n"
	"    klockstat -j -d 10        # JSON, one object per lock and stack";

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case ARGP_KEY_ARG:
		bk_parse_interval_arg(state, arg);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

struct row {
	struct klockstat_key k;
	struct klockstat_val v;
};

struct state {
	int waits_fd;
	struct bk_stacks *stacks;
	struct bk_ksyms *ksyms;
	struct bk_trace *t;
	struct bk_stack_losses losses;
};

static int by_total(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->v.total_ns != y->v.total_ns)
		return x->v.total_ns < y->v.total_ns ? -1 : 1;
	return x->k.lock_addr < y->k.lock_addr ? -1 : x->k.lock_addr > y->k.lock_addr;
}

/* "mutex", "rwsem:write", "spinlock", ... from the wait's flags. */
static const char *lock_kind(__u32 f, char *buf, size_t len)
{
	const char *kind = f & KLOCKSTAT_F_MUTEX ? "mutex" :
			   f & KLOCKSTAT_F_RT ? "rtmutex" :
			   f & KLOCKSTAT_F_PERCPU ? "percpu-rwsem" :
			   f & KLOCKSTAT_F_SPIN ? ((f & (KLOCKSTAT_F_READ | KLOCKSTAT_F_WRITE)) ? "rwlock" : "spinlock") :
			   (f & (KLOCKSTAT_F_READ | KLOCKSTAT_F_WRITE)) ? "rwsem" : "semaphore";

	snprintf(buf, len, "%s%s", kind,
		 f & KLOCKSTAT_F_READ ? ":read" : f & KLOCKSTAT_F_WRITE ? ":write" : "");
	return buf;
}

/* A static lock's symbol (tasklist_lock, init_mm+0x78), or "" for a lock in a heap object. */
static const char *lock_name(struct state *s, __u64 addr, char *buf, size_t len)
{
	struct bk_ksym sym;

	buf[0] = 0;
	if (s->ksyms && !bk_ksyms_find(s->ksyms, addr, &sym) && sym.offset < 4096) {
		if (sym.offset)
			snprintf(buf, len, "%s+0x%llx", sym.name, (unsigned long long)sym.offset);
		else
			snprintf(buf, len, "%s", sym.name);
	}
	return buf;
}

static void print_row(struct state *s, const struct row *r)
{
	char comm[4 * 16], addr[24], kind[32], name[256];
	__u64 avg = r->v.count ? r->v.total_ns / r->v.count : 0;
	struct bk_json j;
	int i;

	bk_trace_reset(s->t);
	bk_stacks_add_kernel(s->stacks, s->t, r->k.kstack);
	snprintf(addr, sizeof(addr), "0x%llx", (unsigned long long)r->k.lock_addr);
	lock_kind(r->k.flags, kind, sizeof(kind));
	lock_name(s, r->k.lock_addr, name, sizeof(name));
	if (bk_env.json) {
		bk_json_begin(&j, stdout);
		bk_json_uint(&j, "pid", r->k.tgid);
		bk_json_str(&j, "comm", r->k.comm, sizeof(r->k.comm));
		bk_json_str(&j, "lock", addr, sizeof(addr));
		if (name[0])
			bk_json_str(&j, "lock_name", name, sizeof(name));
		else
			bk_json_null(&j, "lock_name");
		bk_json_str(&j, "kind", kind, sizeof(kind));
		bk_json_str(&j, "measured", "wait", 5);
		bk_json_uint(&j, "count", r->v.count);
		bk_json_uint(&j, "total_ns", r->v.total_ns);
		bk_json_uint(&j, "avg_ns", avg);
		bk_json_uint(&j, "max_ns", r->v.max_ns);
		bk_json_array_begin(&j, "kstack");
		for (i = s->t->n - 1; i >= 0; i--)
			bk_json_str(&j, NULL, s->t->f[i].name, (size_t)-1);
		bk_json_array_end(&j);
		bk_json_log2_hist(&j, "hist_us", r->v.slots, KLOCKSTAT_SLOTS);
		bk_json_end(&j);
		return;
	}
	bk_escape(comm, sizeof(comm), r->k.comm, sizeof(r->k.comm));
	printf("%s[%u] %s %s%s%s: %llu waits, avg %llu us, max %llu us, total %llu us\n", comm,
	       r->k.tgid, kind, addr, name[0] ? " " : "", name, (unsigned long long)r->v.count,
	       (unsigned long long)avg / 1000, (unsigned long long)r->v.max_ns / 1000,
	       (unsigned long long)r->v.total_ns / 1000);
	for (i = s->t->n - 1; i >= 0; i--)
		printf("    %s\n", s->t->f[i].name);
	bk_print_log2_hist(stdout, r->v.slots, KLOCKSTAT_SLOTS, "usecs");
	printf("\n");
}

/* Takes every lock's waits out of the table and prints them, most waited last. */
static int print_waits(void *ctx)
{
	struct state *s = ctx;
	struct row *rows = NULL;
	char t[16];
	long n = bk_map_drain_rows(s->waits_fd, sizeof(struct klockstat_key),
				   sizeof(struct klockstat_val), offsetof(struct row, v),
				   sizeof(struct row), MAX_ROWS, (void **)&rows);

	if (n < 0)
		return (int)n;
	qsort(rows, n, sizeof(*rows), by_total);
	if (!bk_env.json && bk_env.interval_s) {
		bk_time_hms(t, sizeof(t), bk_now_ns());
		printf("%s\n", t);
	}
	for (long i = 0; i < n; i++)
		print_row(s, &rows[i]);
	free(rows);
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	struct klockstat_bpf *skel = NULL;
	struct bk_loop loop = {};
	struct state st = {};
	int err;

	/* Arguments; the shared letters land in bk_env. */
	bk_parse_args_doc(argc, argv, NULL, parse_arg, "[interval [count]]", argp_program_doc,
			  BK_OPT_FILTERS | BK_OPT_DURATION | BK_OPT_JSON);

	/* Logging, privileges, BTF; then open the BPF object. */
	err = bk_init("klockstat");
	if (err)
		goto cleanup;
	skel = klockstat_bpf__open_opts(bk_open_opts());
	err = bk_opened(skel);
	if (err)
		goto cleanup;

	/* Filters and kernel stacks only go to .rodata before load; the maps' sizes. */
	bk_filter_fill(&skel->rodata->bk_filter);
	skel->rodata->bk_stack_opts.user = 0;
	skel->rodata->bk_stack_opts.kernel = 1;
	err = bk_events_size(skel->maps.events, &skel->rodata->bk_wakeup, 4096);
	if (!err)
		err = bk_stack_maps_size(skel->maps.stacks, skel->maps.waits, MAX_ROWS);
	if (err)
		goto cleanup;

	/* The lock tracepoints (Linux 5.19). */
	struct bk_variant variants[] = {
		{ "tracepoint", { skel->progs.handle_begin, skel->progs.handle_end } },
	};
	err = bk_choose(variants, 1, NULL);
	if (err < 0)
		goto cleanup;

	/* Load (the verifier runs here) and attach. */
	err = bk_start(skel->skeleton);
	if (err)
		goto cleanup;

	/* Kernel symbols for stacks and static locks; the report, lost stacks and waits. */
	err = bk_stacks_new(bpf_map__fd(skel->maps.stacks), &st.stacks);
	if (err)
		goto cleanup;
	if (bk_ksyms_load(NULL, &st.ksyms))
		st.ksyms = NULL;
	st.t = bk_trace_new();
	if (!st.t) {
		err = -ENOMEM;
		goto cleanup;
	}
	st.waits_fd = bpf_map__fd(skel->maps.waits);
	st.losses = (struct bk_stack_losses){ &skel->bss->bk_stack_lost_collision,
					      &skel->bss->bk_stack_lost_full,
					      &skel->bss->bk_stack_lost_counts, "waits" };
	loop.on_check = bk_stack_losses_check;
	loop.check_ctx = &st.losses;
	loop.lost_starts = &skel->bss->bk_lost_starts;
	loop.lost_what = "lock waits were not timed";
	bk_summary(&loop, print_waits, &st);
	bk_signals();
	if (!bk_env.json)
		printf("Tracing kernel lock waits (wait times; hold times are not measured) by lock "
		       "and kernel stack... Ctrl-C to end.\n\n");

	/* Until Ctrl-C, SIGTERM, -d or the count; waits print each interval and at the end. */
	err = bk_run(&loop);

cleanup:
	bk_loop_free(&loop);
	klockstat_bpf__destroy(skel);
	bk_trace_free(st.t);
	bk_ksyms_free(st.ksyms);
	bk_stacks_free(st.stacks);
	return bk_exit(err);
}
