/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * hardirqs' and softirqs' output: one row per IRQ handler or softirq
 * vector, with its count and time, busiest first, in columns or JSON, and
 * with -D a histogram each. Also the softirq vectors' names.
 */
#ifndef BPFKIT_IRQS_PRINT_H
#define BPFKIT_IRQS_PRINT_H

#include <argp.h>
#include <stdbool.h>
#include <linux/types.h>
#include <bpf/libbpf.h>
#include "irqs_abi.h"

struct bk_irq_row {
	__s32 irq;		/* the IRQ line, or -1 (softirqs) */
	char name[48];
	struct bk_irq_val v;
};

struct bk_irq_out {
	const char *what;	/* "hardirq" or "softirq": the column heading and JSON array, plural */
	bool count_only;	/* -C: no times */
	bool dist;		/* -D: a histogram per row */
};

/* -C and -D, for the tools' argp options; `per` is "handler" or "vector". */
#define BK_IRQ_ARGP_OPTIONS(per)                                                           \
	{ "count", 'C', NULL, 0, "Count the runs only, without timing them", 0 },             \
	{ "dist", 'D', NULL, 0, "A histogram of the run times per " per, 0 }

/*
 * Parses -C, -D and [interval [count]] into o and bk_env, and refuses -C
 * with -D; ARGP_ERR_UNKNOWN for other keys.
 */
error_t bk_irq_parse_opt(struct bk_irq_out *o, int key, char *arg, struct argp_state *state);

/*
 * Before load, for the skeleton of bpf/hardirqs.bpf.c or bpf/softirqs.bpf.c:
 * -C, -D and the unit (bk_env) to its .rodata, then the attach path chosen
 * among tp_btf, raw_tp and the tracepoints (entry and exit programs of each,
 * in that order in progs[6]); counting only needs no exit program. Returns
 * bk_choose()'s result.
 */
#define BK_IRQ_PREPARE(o, skel)                                                \
	bk_irq_prepare(o, &(skel)->rodata->targ_count_only, &(skel)->rodata->targ_dist, \
		       &(skel)->rodata->targ_unit_ns,                          \
		       (struct bpf_program *[6]){                              \
			       (skel)->progs.handle_entry, (skel)->progs.handle_exit, \
			       (skel)->progs.handle_entry_raw, (skel)->progs.handle_exit_raw, \
			       (skel)->progs.handle_entry_tp, (skel)->progs.handle_exit_tp })
int bk_irq_prepare(const struct bk_irq_out *o, volatile __u32 *count_only, volatile __u32 *dist,
		   volatile __u64 *unit_ns, struct bpf_program *progs[6]);

/* Sorts rows (busiest first) and prints them, a time line first with an interval. */
void bk_irq_print(const struct bk_irq_out *o, struct bk_irq_row *rows, long n);

/* "NET_RX" for 3, as /proc/softirqs names the vectors; NULL past the known ones. */
const char *bk_softirq_name(unsigned int vec);

#endif
