/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* hardirqs' map ABI, shared by bpf/hardirqs.bpf.c and tools/hardirqs.c. */
#ifndef HARDIRQS_H
#define HARDIRQS_H

#include "irqs_abi.h"

#define HARDIRQS_NAME_LEN 32
#define HARDIRQS_MAX 4096

/* One handler of one IRQ line (a shared line has several). */
struct hardirq_key {
	__s32 irq;
	char name[HARDIRQS_NAME_LEN];	/* the handler's (struct irqaction), cut to fit */
};

#endif
