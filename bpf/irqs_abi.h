/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* What hardirqs and softirqs count for each IRQ or softirq vector. */
#ifndef BPFKIT_IRQS_ABI_H
#define BPFKIT_IRQS_ABI_H

#define BK_IRQ_SLOTS 32

struct bk_irq_val {
	__u64 count;			/* handler runs (exact) */
	__u64 total_ns;			/* their time, unless counting only */
	__u32 slots[BK_IRQ_SLOTS];	/* -D: log2 of each time, in the chosen unit */
};

#endif
