/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * hardirqs' and softirqs' output: one row per IRQ handler or softirq
 * vector, with its count and time, busiest first, in columns or JSON, and
 * with -D a histogram each. Also the softirq vectors' names.
 */
#ifndef BPFKIT_IRQS_PRINT_H
#define BPFKIT_IRQS_PRINT_H

#include <stdbool.h>
#include <linux/types.h>
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

/* Sorts rows (busiest first) and prints them, a time line first with an interval. */
void bk_irq_print(const struct bk_irq_out *o, struct bk_irq_row *rows, long n);

/* "NET_RX" for 3, as /proc/softirqs names the vectors; NULL past the known ones. */
const char *bk_softirq_name(unsigned int vec);

#endif
