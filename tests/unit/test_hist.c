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

int main(void)
{
	RUN(test_bpf_slots);
	RUN(test_log2);
	RUN(test_log2_empty);
	RUN(test_linear);
	RUN(test_json_hist);
	UNIT_EXIT();
}
