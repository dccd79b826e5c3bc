// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* cachestat_hits() (bpf/cachestat.h): hits from accesses and added pages. */
#include <linux/types.h>
#include "cachestat.h"
#include "unit.h"

/* Within one interval: accesses less misses, never below 0. */
static void test_one_interval(void)
{
	__u64 carry = 0;

	CHECK_INT(cachestat_hits(128, 64, &carry), 64);
	CHECK_INT(carry, 0);
	carry = 0;
	CHECK_INT(cachestat_hits(64, 64, &carry), 0);
	CHECK_INT(carry, 0);
}

/*
 * A cold read of 64 pages then a warm one, cut by an interval after 16
 * pages were read while readahead had added 32: the totals are 64 hits and
 * 64 misses, not 80 and 64 (the pages read ahead counted as hits).
 */
static void test_readahead_across_intervals(void)
{
	__u64 carry = 0, hits;

	hits = cachestat_hits(16, 32, &carry);
	CHECK_INT(hits, 0);
	CHECK_INT(carry, 16);
	hits += cachestat_hits(112, 32, &carry);
	CHECK_INT(hits, 64);
	CHECK_INT(carry, 0);
}

/* Pages read ahead and never read cost the next interval's hits once, no more. */
static void test_carry_dropped(void)
{
	__u64 carry = 0;

	CHECK_INT(cachestat_hits(0, 100, &carry), 0);
	CHECK_INT(carry, 100);
	CHECK_INT(cachestat_hits(30, 0, &carry), 0);
	CHECK_INT(carry, 0);
	CHECK_INT(cachestat_hits(30, 0, &carry), 30);
}

int main(void)
{
	RUN(test_one_interval);
	RUN(test_readahead_across_intervals);
	RUN(test_carry_dropped);
	return unit_failed_total ? 1 : 0;
}
