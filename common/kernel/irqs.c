// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include "core/attach.h"
#include "core/hist.h"
#include "core/json.h"
#include "core/loop.h"
#include "core/opts.h"
#include "core/output.h"
#include "kernel/irqs.h"

/* The kernel's softirq_to_name[] (kernel/softirq.c), stable since Linux 4.x. */
static const char *const softirq_names[] = {
	"HI", "TIMER", "NET_TX", "NET_RX", "BLOCK", "IRQ_POLL", "TASKLET", "SCHED", "HRTIMER", "RCU",
};

const char *bk_softirq_name(unsigned int vec)
{
	return vec < sizeof(softirq_names) / sizeof(softirq_names[0]) ? softirq_names[vec] : NULL;
}

error_t bk_irq_parse_opt(struct bk_irq_out *o, int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'C':
		o->count_only = true;
		break;
	case 'D':
		o->dist = true;
		break;
	case ARGP_KEY_ARG:
		bk_parse_interval_arg(state, arg);
		break;
	case ARGP_KEY_END:
		if (o->count_only && o->dist)
			bk_usage(state, "-C counts without timing: -D has no times to show");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

int bk_irq_prepare(const struct bk_irq_out *o, volatile __u32 *count_only, volatile __u32 *dist,
		   volatile __u64 *unit_ns, struct bpf_program *progs[6])
{
	struct bk_variant v[] = {
		{ "tp_btf", { progs[0], progs[1] } },
		{ "raw_tp", { progs[2], progs[3] } },
		{ "tracepoint", { progs[4], progs[5] } },
	};

	*count_only = o->count_only;
	*dist = o->dist;
	*unit_ns = bk_env.unit_ns;
	if (o->count_only) {
		for (int i = 0; i < 3; i++) {
			bpf_program__set_autoload(v[i].progs[1], false);
			v[i].progs[1] = NULL;
		}
	}
	return bk_choose(v, 3, bk_env.force_path);
}

static bool by_count;

static int busiest(const void *a, const void *b)
{
	const struct bk_irq_row *x = a, *y = b;
	__u64 vx = by_count ? x->v.count : x->v.total_ns, vy = by_count ? y->v.count : y->v.total_ns;

	if (vx != vy)
		return vx < vy ? 1 : -1;
	return (x->irq > y->irq) - (x->irq < y->irq);
}

#define W_NAME 36
#define W_COUNT 10
#define W_TIME 14

static void print_json(const struct bk_irq_out *o, const struct bk_irq_row *rows, long n)
{
	char t[64], key[16];
	struct bk_json j;

	bk_time_iso(t, sizeof(t), bk_now_ns());
	snprintf(key, sizeof(key), "%ss", o->what);
	bk_json_begin(&j, stdout);
	bk_json_str(&j, "time", t, sizeof(t));
	if (o->dist)
		bk_json_str(&j, "unit", bk_env.unit, 8);
	bk_json_array_begin(&j, key);
	for (long i = 0; i < n; i++) {
		bk_json_object_begin(&j, NULL);
		if (rows[i].irq >= 0)
			bk_json_int(&j, "irq", rows[i].irq);
		bk_json_str(&j, "name", rows[i].name, sizeof(rows[i].name));
		bk_json_uint(&j, "count", rows[i].v.count);
		if (!o->count_only)
			bk_json_uint(&j, "total_ns", rows[i].v.total_ns);
		if (o->dist)
			bk_json_log2_hist(&j, "hist", rows[i].v.slots, BK_IRQ_SLOTS);
		bk_json_object_end(&j);
	}
	bk_json_array_end(&j);
	bk_json_end(&j);
}

void bk_irq_print(const struct bk_irq_out *o, struct bk_irq_row *rows, long n)
{
	char t[64], head[16], name[4 * 48 + 16], total[32];
	int k;

	by_count = o->count_only;
	qsort(rows, n, sizeof(*rows), busiest);
	if (bk_env.json) {
		print_json(o, rows, n);
		return;
	}
	if (bk_env.interval_s) {
		bk_time_hms(t, sizeof(t), bk_now_ns());
		printf("\n%s\n", t);
	}
	for (k = 0; o->what[k] && k < (int)sizeof(head) - 1; k++)
		head[k] = toupper((unsigned char)o->what[k]);
	head[k] = 0;
	snprintf(total, sizeof(total), "TOTAL(%s)", bk_env.unit_ns == 1 ? "ns" :
		 bk_env.unit_ns == 1000 ? "us" : "ms");
	printf("%-*s %*s", W_NAME, head, W_COUNT, "COUNT");
	if (!o->count_only)
		printf(" %*s", W_TIME, total);
	printf("\n");
	for (long i = 0; i < n; i++) {
		const struct bk_irq_row *r = &rows[i];
		size_t off = 0;

		if (r->irq >= 0)
			off = snprintf(name, sizeof(name), "%d ", r->irq);
		bk_escape(name + off, sizeof(name) - off, r->name, sizeof(r->name));
		printf("%-*s %*llu", W_NAME, name, W_COUNT, (unsigned long long)r->v.count);
		if (!o->count_only)
			printf(" %*.3f", W_TIME, (double)r->v.total_ns / bk_env.unit_ns);
		printf("\n");
	}
	if (!o->dist)
		return;
	for (long i = 0; i < n; i++) {
		bk_escape(name, sizeof(name), rows[i].name, sizeof(rows[i].name));
		if (rows[i].irq >= 0)
			printf("\n%s = %d %s\n", o->what, rows[i].irq, name);
		else
			printf("\n%s = %s\n", o->what, name);
		bk_print_log2_hist(stdout, rows[i].v.slots, BK_IRQ_SLOTS, bk_env.unit);
	}
}
