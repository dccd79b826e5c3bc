// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* Histogram printing, against golden output in the classic bcc format. */
#include <stdlib.h>
#include "core/hist.h"
#include "unit.h"
/* The BPF side's slot function is plain C: check it here too. */
#ifndef __always_inline
#define __always_inline inline
#endif
#include "hist.bpf.h"

static char *render(int kind, const __u32 *slots, int n)
{
	static char *out;
	size_t len;
	FILE *f;

	free(out);
	f = open_memstream(&out, &len);
	if (kind == 0)
		bk_print_log2_hist(f, slots, n, "usecs");
	else if (kind == 1)
		bk_print_linear_hist(f, slots, n, 0, 10, "msecs");
	else {
		struct bk_json j;

		bk_json_begin(&j, f);
		bk_json_log2_hist(&j, "hist", slots, n);
		bk_json_end(&j);
	}
	fclose(f);
	return out;
}

static void test_log2(void)
{
	__u32 slots[32] = { 0, 1, 4, 8, 2 };

	CHECK_STR(render(0, slots, 32),
		  "     usecs               : count    distribution\n"
		  "         0 -> 1          : 0        |                                        |\n"
		  "         2 -> 3          : 1        |*****                                   |\n"
		  "         4 -> 7          : 4        |********************                    |\n"
		  "         8 -> 15         : 8        |****************************************|\n"
		  "        16 -> 31         : 2        |**********                              |\n");
}

static void test_log2_empty(void)
{
	__u32 slots[32] = { 0 };

	CHECK_STR(render(0, slots, 32), "");
}

static void test_linear(void)
{
	__u32 slots[8] = { 0, 2, 0, 4 };

	CHECK_STR(render(1, slots, 8),
		  "     msecs         : count     distribution\n"
		  "        10         : 2        |********************                    |\n"
		  "        20         : 0        |                                        |\n"
		  "        30         : 4        |****************************************|\n");
}

static void test_json_hist(void)
{
	__u32 slots[32] = { 3, 0, 5 };

	CHECK_STR(render(2, slots, 32),
		  "{\"hist\":[{\"low\":0,\"high\":1,\"count\":3},{\"low\":4,\"high\":7,\"count\":5}]}\n");
	CHECK_STR(render(2, (__u32[32]){ 0 }, 32), "{\"hist\":[]}\n");
}

static void test_bpf_slots(void)
{
	CHECK_INT(bk_log2_slot(0), 0);
	CHECK_INT(bk_log2_slot(1), 0);
	CHECK_INT(bk_log2_slot(2), 1);
	CHECK_INT(bk_log2_slot(3), 1);
	CHECK_INT(bk_log2_slot(4), 2);
	CHECK_INT(bk_log2_slot(1023), 9);
	CHECK_INT(bk_log2_slot(1024), 10);
	CHECK_INT(bk_log2_slot(0xffffffffULL), 31);
	CHECK_INT(bk_log2_slot(1ULL << 40), BK_LOG2_SLOTS - 1);
}

/* Log-linear slots: every value's slot holds it, and the slot's middle is within 1/32 of it. */
static void test_loglin(void)
{
	unsigned long long low, high, worst = 0;
	__u64 vals[] = { 0, 1, 15, 16, 17, 31, 32, 33, 1000, 4095, 4096, 123456789, (1ULL << 40) - 1 };
	__u32 slots[BK_LOGLIN_SLOTS] = {};

	for (size_t k = 0; k < sizeof(vals) / sizeof(vals[0]); k++) {
		__u32 i = bk_loglin_slot(vals[k]);

		bk_loglin_range(i, &low, &high);
		CHECK_INT(vals[k] >= low && vals[k] <= high, 1);
		if (vals[k] > 31) {
			unsigned long long mid = low + (high - low) / 2;
			unsigned long long d = mid > vals[k] ? mid - vals[k] : vals[k] - mid;

			if (d * 1000 / vals[k] > worst)
				worst = d * 1000 / vals[k];
		}
	}
	CHECK_INT(worst <= 1000 / 32, 1);
	CHECK_INT(bk_loglin_slot(1ULL << 50), BK_LOGLIN_SLOTS - 1);
	for (int i = 1; i < BK_LOGLIN_SLOTS; i++) {
		unsigned long long l2, h2;

		bk_loglin_range(i - 1, &low, &high);
		bk_loglin_range(i, &l2, &h2);
		if (l2 != high + 1)
			CHECK_INT(i, -1);	/* slots are contiguous */
	}
	/* 100 values, 1 to 100: each percentile is the middle of its slot ([96, 99], [100, 103]). */
	for (__u64 v = 1; v <= 100; v++)
		slots[bk_loglin_slot(v)]++;
	CHECK_INT(bk_loglin_percentile(slots, BK_LOGLIN_SLOTS, 0.5), 50);
	CHECK_INT(bk_loglin_percentile(slots, BK_LOGLIN_SLOTS, 0.99), 97);
	CHECK_INT(bk_loglin_percentile(slots, BK_LOGLIN_SLOTS, 1.0), 101);
	CHECK_INT(bk_loglin_percentile((__u32[BK_LOGLIN_SLOTS]){ 0 }, BK_LOGLIN_SLOTS, 0.5), 0);
}

int main(void)
{
	RUN(test_bpf_slots);
	RUN(test_log2);
	RUN(test_log2_empty);
	RUN(test_linear);
	RUN(test_json_hist);
	RUN(test_loglin);
	UNIT_EXIT();
}
