/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * The `hists` map of bpf/taskhist_abi.h and the addition of one time of the
 * current task to it. targ_by and targ_unit_ns are set by the front end.
 */
#ifndef BPFKIT_TASKHIST_BPF_H
#define BPFKIT_TASKHIST_BPF_H

#include "bpfkit.bpf.h"
#include "hist.bpf.h"
#include "taskhist_abi.h"

const volatile __u32 targ_by = BK_TASKHIST_ALL;
const volatile __u64 targ_unit_ns = 1000;

/* Times not added because `hists` was full (-P, -L): reported as drops. */
__u64 hist_drops = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, BK_TASKHIST_MAX);
	__type(key, __u32);
	__type(value, struct bk_taskhist);
} hists SEC(".maps");

/*
 * Adds delta_ns to the histogram `key` for the current task (id: its
 * pid_tgid), for a tool with a breakdown of its own (runqlat --pidnss).
 */
static __always_inline void bk_taskhist_add_key(__u32 key, __u64 id, __u64 delta_ns)
{
	struct bk_taskhist *h, zero = {};

	h = bpf_map_lookup_elem(&hists, &key);
	if (!h) {
		if (targ_by != BK_TASKHIST_ALL) {
			zero.tgid = id >> 32;
			bpf_get_current_comm(zero.comm, sizeof(zero.comm));
		}
		/* NOEXIST: another CPU may have added it meanwhile; then use theirs. */
		bpf_map_update_elem(&hists, &key, &zero, BPF_NOEXIST);
		h = bpf_map_lookup_elem(&hists, &key);
		if (!h) {
			__sync_fetch_and_add(&hist_drops, 1);
			return;
		}
	}
	bk_hist_add(h, delta_ns, targ_unit_ns);
}

/* Adds delta_ns to the histogram of the current task (id: its pid_tgid). */
static __always_inline void bk_taskhist_add(__u64 id, __u64 delta_ns)
{
	__u32 key = targ_by == BK_TASKHIST_THREAD ? (__u32)id :
		    targ_by == BK_TASKHIST_PROCESS ? (__u32)(id >> 32) : 0;

	bk_taskhist_add_key(key, id, delta_ns);
}

#endif
