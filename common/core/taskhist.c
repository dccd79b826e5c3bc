// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/types.h>
#include "core/hist.h"
#include "core/json.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/maps.h"
#include "core/opts.h"
#include "core/output.h"
#include "core/taskhist.h"
#include "taskhist_abi.h"

struct row {
	__u32 key;
	struct bk_taskhist h;
};

static int by_count(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->h.count != y->h.count)
		return x->h.count < y->h.count ? 1 : -1;
	return (x->key > y->key) - (x->key < y->key);
}

static void print_json(const struct bk_taskhist_out *o, const struct row *r, const char *t)
{
	struct bk_json j;

	bk_json_begin(&j, stdout);
	bk_json_str(&j, "time", t, 64);
	if (o->by == BK_TASKHIST_PIDNS) {
		bk_json_uint(&j, "pidns", r->key);
	} else if (o->by != BK_TASKHIST_ALL) {
		bk_json_uint(&j, "pid", r->h.tgid);
		if (o->by == BK_TASKHIST_THREAD)
			bk_json_uint(&j, "tid", r->key);
		bk_json_str(&j, "comm", r->h.comm, sizeof(r->h.comm));
	}
	bk_json_str(&j, "unit", o->unit, 8);
	bk_json_uint(&j, "count", r->h.count);
	bk_json_uint(&j, "total_ns", r->h.total_ns);
	bk_json_uint(&j, "avg_ns", r->h.total_ns / r->h.count);
	bk_json_log2_hist(&j, "hist", r->h.slots, BK_TASKHIST_SLOTS);
	bk_json_end(&j);
}

static void print_columns(const struct bk_taskhist_out *o, const struct row *r)
{
	char comm[4 * sizeof(r->h.comm)];
	double unit_ns = strcmp(o->unit, "msecs") ? 1e3 : 1e6;

	if (o->by != BK_TASKHIST_ALL) {
		bk_escape(comm, sizeof(comm), r->h.comm, sizeof(r->h.comm));
		if (o->by == BK_TASKHIST_PIDNS && !r->key)
			printf("\npidns = unknown (tasks that released their pid before their last wait was counted)\n");
		else if (o->by == BK_TASKHIST_PIDNS)
			printf("\npidns = %u (first: %s, pid %u)\n", r->key, comm, r->h.tgid);
		else if (o->by == BK_TASKHIST_THREAD)
			printf("\ntid = %u %s (pid %u)\n", r->key, comm, r->h.tgid);
		else
			printf("\npid = %u %s\n", r->key, comm);
	} else {
		printf("\n");
	}
	printf("%llu %s, average %.3f %s\n", (unsigned long long)r->h.count, o->noun,
	       (double)r->h.total_ns / r->h.count / unit_ns, o->unit);
	bk_print_log2_hist(stdout, r->h.slots, BK_TASKHIST_SLOTS, o->unit);
}

int bk_taskhist_print(const struct bk_taskhist_out *o)
{
	struct row *rows = NULL;
	char t[64];
	long n;

	n = bk_map_drain_rows(o->fd, sizeof(rows->key), sizeof(rows->h), offsetof(struct row, h),
			      sizeof(*rows), BK_TASKHIST_MAX, (void **)&rows);
	if (n < 0)
		return (int)n;
	qsort(rows, n, sizeof(*rows), by_count);
	if (bk_env.json) {
		bk_time_iso(t, sizeof(t), bk_now_ns());
	} else if (bk_env.interval_s) {
		bk_time_hms(t, sizeof(t), bk_now_ns());
		printf("\n%s\n", t);
	}
	for (long i = 0; i < n; i++) {
		if (!rows[i].h.count)
			continue;
		if (bk_env.json)
			print_json(o, &rows[i], t);
		else
			print_columns(o, &rows[i]);
	}
	if (!bk_env.json && !n)
		printf("\nno %s\n", o->noun);
	free(rows);
	return 0;
}

int bk_taskhist_print_cb(void *ctx)
{
	return bk_taskhist_print(ctx);
}

void bk_taskhist_check_args(struct argp_state *state, bool pidns)
{
	if (bk_env.per_process + bk_env.per_thread + pidns > 1)
		bk_usage(state, "%s are breakdowns: give one of them",
			 pidns ? "-P, -L and --pidnss" : "-P and -L");
}

void bk_taskhist_out_init(struct bk_taskhist_out *o, bool pidns, const char *noun)
{
	o->by = pidns ? BK_TASKHIST_PIDNS : bk_env.per_thread ? BK_TASKHIST_THREAD :
		bk_env.per_process ? BK_TASKHIST_PROCESS : BK_TASKHIST_ALL;
	o->unit = bk_env.milliseconds ? "msecs" : "usecs";
	o->noun = noun;
}

void bk_taskhist_rodata(const struct bk_taskhist_out *o, volatile __u32 *by,
			volatile __u64 *unit_ns)
{
	*by = o->by;
	*unit_ns = bk_env.milliseconds ? 1000000 : 1000;
}
