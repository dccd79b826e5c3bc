// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#include "core/hist.h"

static void bar(FILE *f, unsigned int val, unsigned int max, int width)
{
	int stars = max ? (int)((unsigned long long)val * width / max) : 0;

	for (int i = 0; i < width; i++)
		putc(i < stars ? '*' : ' ', f);
}

static int last_used(const __u32 *slots, int n, unsigned int *max)
{
	int last = -1;

	*max = 0;
	for (int i = 0; i < n; i++) {
		if (slots[i])
			last = i;
		if (slots[i] > *max)
			*max = slots[i];
	}
	return last;
}

void bk_print_log2_hist(FILE *f, const __u32 *slots, int n, const char *unit)
{
	unsigned int max;
	int last = last_used(slots, n, &max);
	int wide = last > 32, width = wide ? 20 : 10, stars = wide ? 20 : 40;

	if (last < 0)
		return;
	fprintf(f, "%*s%-*s : count    distribution\n", wide ? 15 : 5, "", wide ? 29 : 19, unit);
	for (int i = 0; i <= last; i++) {
		unsigned long long low = (1ULL << (i + 1)) >> 1, high = (1ULL << (i + 1)) - 1;

		if (low == high)
			low--;
		fprintf(f, "%*llu -> %-*llu : %-8u |", width, low, width, high, slots[i]);
		bar(f, slots[i], max, stars);
		fputs("|\n", f);
	}
}

void bk_print_linear_hist(FILE *f, const __u32 *slots, int n, long long base, long long step,
			  const char *unit)
{
	unsigned int max;
	int first = -1, last = last_used(slots, n, &max);

	if (last < 0)
		return;
	for (int i = 0; i <= last && first < 0; i++)
		if (slots[i])
			first = i;
	fprintf(f, "     %-13s : count     distribution\n", unit);
	for (int i = first; i <= last; i++) {
		fprintf(f, "        %-10lld : %-8u |", base + i * step, slots[i]);
		bar(f, slots[i], max, 40);
		fputs("|\n", f);
	}
}

void bk_json_log2_hist(struct bk_json *j, const char *key, const __u32 *slots, int n)
{
	unsigned int max;
	int last = last_used(slots, n, &max);

	bk_json_array_begin(j, key);
	for (int i = 0; i <= last; i++) {
		unsigned long long low = (1ULL << (i + 1)) >> 1, high = (1ULL << (i + 1)) - 1;

		if (!slots[i])
			continue;
		if (low == high)
			low--;
		bk_json_object_begin(j, NULL);
		bk_json_uint(j, "low", low);
		bk_json_uint(j, "high", high);
		bk_json_uint(j, "count", slots[i]);
		bk_json_object_end(j);
	}
	bk_json_array_end(j);
}

void bk_loglin_range(int i, unsigned long long *low, unsigned long long *high)
{
	int e = (i - 16) / 16 + 4, sub = (i - 16) % 16;

	if (i < 16) {
		*low = *high = i;
		return;
	}
	*low = (16ULL + sub) << (e - 4);
	*high = *low + (1ULL << (e - 4)) - 1;
}

unsigned long long bk_loglin_percentile(const __u32 *slots, int n, double p)
{
	unsigned long long total = 0, seen = 0, rank, low, high;

	for (int i = 0; i < n; i++)
		total += slots[i];
	if (!total)
		return 0;
	/* Nearest rank: the smallest value with at least p of the values at or below it. */
	rank = (unsigned long long)(p * total);
	if ((double)rank < p * total)
		rank++;
	if (rank < 1)
		rank = 1;
	for (int i = 0; i < n; i++) {
		seen += slots[i];
		if (seen >= rank) {
			bk_loglin_range(i, &low, &high);
			return low + (high - low) / 2;
		}
	}
	return 0;
}
