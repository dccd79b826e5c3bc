/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Adding a wait to a table of struct bk_wait_val (bpf/waits_abi.h) keyed by lock and stack. */
#ifndef BPFKIT_WAITS_BPF_H
#define BPFKIT_WAITS_BPF_H

#include "stacks.bpf.h"
#include "hist.bpf.h"
#include "waits_abi.h"

/* Adds a wait of delta ns to key's histogram; a full table counts the wait as lost. */
static __always_inline void bk_wait_add(void *map, const void *key, __u64 delta)
{
	struct bk_wait_val *v, zero = {};

	v = bpf_map_lookup_elem(map, key);
	if (!v) {
		/* NOEXIST: another CPU may have added it meanwhile; then use theirs. */
		bpf_map_update_elem(map, key, &zero, BPF_NOEXIST);
		v = bpf_map_lookup_elem(map, key);
	}
	if (!v) {
		__sync_fetch_and_add(&bk_stack_lost_counts, 1);
		return;
	}
	bk_hist_add(v, delta, 1000);
	/* Racy between CPUs: a larger wait landing at once may be missed. */
	if (delta > v->max_ns)
		v->max_ns = delta;
}

#endif
