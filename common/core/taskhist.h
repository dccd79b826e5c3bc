/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * The histograms of bpf/taskhist.bpf.h (one for everything, or per process
 * or thread), taken out of their map and printed, in columns or JSON.
 */
#ifndef BPFKIT_TASKHIST_PRINT_H
#define BPFKIT_TASKHIST_PRINT_H

#include <argp.h>
#include <stdbool.h>
#include <linux/types.h>

struct bk_taskhist_out {
	int fd;			/* the `hists` map */
	int by;			/* BK_TASKHIST_ALL, _PROCESS, _THREAD or _PIDNS */
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

/* bk_taskhist_print() as a bk_loop on_interval callback, ctx the bk_taskhist_out. */
int bk_taskhist_print_cb(void *ctx);

/* At ARGP_KEY_END: -P, -L and `pidns` (runqlat --pidnss) are breakdowns; one at most. */
void bk_taskhist_check_args(struct argp_state *state, bool pidns);

/*
 * The breakdown (-P, -L, or pidns) and the unit (-m) of bk_env, and the
 * noun; then, after open, the BPF side's targ_by and targ_unit_ns.
 */
void bk_taskhist_out_init(struct bk_taskhist_out *o, bool pidns, const char *noun);
void bk_taskhist_rodata(const struct bk_taskhist_out *o, volatile __u32 *by,
			volatile __u64 *unit_ns);

#endif
