/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Histograms in the classic bcc format; slots as bpf/hist.bpf.h fills them. */
#ifndef BPFKIT_HIST_H
#define BPFKIT_HIST_H

#include <stdio.h>
#include <linux/types.h>
#include "core/json.h"

/* Log2 histogram: slot i holds [2^i, 2^(i+1)), slot 0 holds 0 and 1. */
void bk_print_log2_hist(FILE *f, const __u32 *slots, int n, const char *unit);
/* Linear histogram: slot i holds [base + i*step, base + (i+1)*step). */
void bk_print_linear_hist(FILE *f, const __u32 *slots, int n, long long base, long long step,
			  const char *unit);
/* Log2 histogram as the JSON member `key`: an array of {"low","high","count"} objects. */
void bk_json_log2_hist(struct bk_json *j, const char *key, const __u32 *slots, int n);

/*
 * Percentiles from log-linear slots (bk_loglin_slot() in bpf/hist.bpf.h,
 * BK_LOGLIN_SLOTS of them): the value below which a share p (0 to 1) of
 * the values lie (nearest rank), as the middle of its slot, within 1/32 of
 * the true value. 0 for no values.
 */
unsigned long long bk_loglin_percentile(const __u32 *slots, int n, double p);
/* The values slot i holds, low to high inclusive. */
void bk_loglin_range(int i, unsigned long long *low, unsigned long long *high);

#endif
