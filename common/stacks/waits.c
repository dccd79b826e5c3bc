// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "core/hist.h"
#include "core/loop.h"
#include "core/maps.h"
#include "core/opts.h"
#include "core/output.h"
#include "stacks/waits.h"

int bk_waits_init(struct bk_waits *w)
{
	w->t = bk_trace_new();
	return w->t ? 0 : -ENOMEM;
}

void bk_waits_free(struct bk_waits *w)
{
	bk_trace_free(w->t);
	w->t = NULL;
}

static size_t row_size(const struct bk_waits *w)
{
	return w->key_size + sizeof(struct bk_wait_val);
}

static const struct bk_wait_val *row_val(const struct bk_waits *w, const void *row)
{
	return (const void *)((const char *)row + w->key_size);
}

static size_t sort_key_size;

/* Longest total last; ties by key bytes, for a stable order. */
static int by_total(const void *a, const void *b)
{
	const struct bk_wait_val *x = (const void *)((const char *)a + sort_key_size);
	const struct bk_wait_val *y = (const void *)((const char *)b + sort_key_size);

	if (x->total_ns != y->total_ns)
		return x->total_ns < y->total_ns ? -1 : 1;
	return memcmp(a, b, sort_key_size);
}

static void print_row(struct bk_waits *w, const void *key, const struct bk_wait_val *v)
{
	__u64 avg = v->count ? v->total_ns / v->count : 0;
	struct bk_json j;
	int i;

	bk_trace_reset(w->t);
	w->stack(w->ctx, w->t, key);
	if (bk_env.json) {
		bk_json_begin(&j, stdout);
		w->json(w->ctx, &j, key);
		bk_json_uint(&j, "count", v->count);
		bk_json_uint(&j, "total_ns", v->total_ns);
		bk_json_uint(&j, "avg_ns", avg);
		bk_json_uint(&j, "max_ns", v->max_ns);
		bk_json_array_begin(&j, w->stack_name);
		for (i = w->t->n - 1; i >= 0; i--)
			bk_json_str(&j, NULL, w->t->f[i].name, (size_t)-1);
		bk_json_array_end(&j);
		bk_json_log2_hist(&j, "hist_us", v->slots, BK_WAIT_SLOTS);
		bk_json_end(&j);
		return;
	}
	w->text(w->ctx, stdout, key);
	printf(": %llu %s, avg %llu us, max %llu us, total %llu us\n",
	       (unsigned long long)v->count, w->noun ? w->noun(w->ctx, key) : "waits", (unsigned long long)avg / 1000,
	       (unsigned long long)v->max_ns / 1000, (unsigned long long)v->total_ns / 1000);
	for (i = w->t->n - 1; i >= 0; i--)
		printf("    %s\n", w->t->f[i].name);
	bk_print_log2_hist(stdout, v->slots, BK_WAIT_SLOTS, "usecs");
	printf("\n");
}

int bk_waits_print(void *ctx)
{
	struct bk_waits *w = ctx;
	size_t rs = row_size(w);
	char *rows = NULL, t[16];
	long n = bk_map_drain_rows(w->fd, w->key_size, sizeof(struct bk_wait_val), w->key_size,
				   rs, w->max_rows, (void **)&rows);

	if (n < 0)
		return (int)n;
	sort_key_size = w->key_size;
	qsort(rows, n, rs, by_total);
	if (!bk_env.json && bk_env.interval_s) {
		bk_time_hms(t, sizeof(t), bk_now_ns());
		printf("%s\n", t);
	}
	for (long i = 0; i < n; i++)
		print_row(w, rows + i * rs, row_val(w, rows + i * rs));
	free(rows);
	fflush(stdout);
	return 0;
}
