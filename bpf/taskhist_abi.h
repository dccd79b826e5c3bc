/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * Histograms per task (the map ABI), shared by the scheduler tools (runqlat, cpudist):
 * one for everything, or one per process or per thread (-P, -L) or PID
 * namespace, in the hash map `hists`, keyed by 0, the tgid, the tid or the
 * namespace's inode number.
 */
#ifndef BPFKIT_TASKHIST_ABI_H
#define BPFKIT_TASKHIST_ABI_H

#define BK_TASKHIST_SLOTS 32
#define BK_TASKHIST_MAX 10240

/* How the histograms are keyed (targ_by). */
#define BK_TASKHIST_ALL 0
#define BK_TASKHIST_PROCESS 1
#define BK_TASKHIST_THREAD 2
#define BK_TASKHIST_PIDNS 3	/* the PID namespace's inode number (runqlat --pidnss) */

struct bk_taskhist {
	__u64 count;			/* times added (exact) */
	__u64 total_ns;			/* their sum */
	__u32 slots[BK_TASKHIST_SLOTS];	/* log2 of each, in the chosen unit */
	__u32 tgid;			/* -P, -L, --pidnss: the (first) process */
	char comm[16];			/* -P, -L, --pidnss: at the first one */
};

#endif
