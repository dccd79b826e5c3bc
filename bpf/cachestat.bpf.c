// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * cachestat: page-cache accesses, additions (misses), dirtied and evicted
 * pages, counted per CPU for the user side to turn into hits and misses.
 * The hooks are bpf/pagecache.bpf.h's.
 */
#define BPF_NO_PRESERVE_ACCESS_INDEX
#include "pagecache.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, CACHESTAT_COUNTERS);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

static __always_inline void pc_add(__u32 what, __u64 n)
{
	__u64 *c;

	if (bk_filtered(bpf_get_current_pid_tgid()))
		return;
	c = bpf_map_lookup_elem(&counts, &what);
	if (c)
		*c += n;	/* this CPU's slot: no other writer */
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
