/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * The histograms of bpf/taskhist.bpf.h (one for everything, or per process
 * or thread), taken out of their map and printed, in columns or JSON.
 */
#ifndef BPFKIT_TASKHIST_PRINT_H
#define BPFKIT_TASKHIST_PRINT_H

#include <stdbool.h>

struct bk_taskhist_out {
	int fd;			/* the `hists` map */
	int by;			/* BK_TASKHIST_ALL, _PROCESS or _THREAD */
	const char *unit;	/* "usecs" or "msecs", the slots' unit */
	const char *noun;	/* what is counted, plural: "waits" */
};

/*
 * Takes every histogram out of the map (what was added since the last
 * call) and prints them, busiest process or thread first: a time line
 * first when there is an interval, one JSON object per histogram with -j.
 * Returns 0 or -errno (sentence set).
 */
int bk_taskhist_print(const struct bk_taskhist_out *o);

#endif
