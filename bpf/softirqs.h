/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* softirqs' map ABI, shared by bpf/softirqs.bpf.c and tools/softirqs.c. */
#ifndef SOFTIRQS_H
#define SOFTIRQS_H

#include "irqs_abi.h"

/* The kernel's softirq vectors (NR_SOFTIRQS, 10 since Linux 4.x), and room for more. */
#define SOFTIRQS_VECS 16

#endif
