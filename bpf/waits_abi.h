/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * Waits summed by a tool's key (a lock and a stack): what both sides of
 * futexctn and klockstat share (bpf/waits.bpf.h, common/stacks/waits.h).
 * The includer provides __u32/__u64.
 */
#ifndef BPFKIT_WAITS_ABI_H
#define BPFKIT_WAITS_ABI_H

#define BK_WAIT_SLOTS 32	/* log2 slots of microseconds, as BK_LOG2_SLOTS */

struct bk_wait_val {
	__u64 count;		/* waits that ended */
	__u64 total_ns;
	__u64 max_ns;
	__u32 slots[BK_WAIT_SLOTS];	/* log2 of the wait in microseconds */
};

#endif
