// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * cachetop: cachestat's counters per process, in a table keyed by tgid that
 * the user side takes out every interval. The hooks are
 * bpf/pagecache.bpf.h's.
 */
#define BPF_NO_PRESERVE_ACCESS_INDEX
#include "pagecache.bpf.h"
#include "cachetop.h"

__u64 cachetop_lost = 0;	/* counts of processes the full table had no room for */

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, CACHETOP_PROCS);
	__type(key, __u32);
	__type(value, struct cachetop_proc);
} procs SEC(".maps");

static __always_inline void pc_add(__u32 what, __u64 n)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tgid = id >> 32;
	struct cachetop_proc *p, zero = {};

	if (!tgid || what >= CACHESTAT_COUNTERS || bk_filtered(id))
		return;
	p = bpf_map_lookup_elem(&procs, &tgid);
	if (!p) {
		zero.uid = (__u32)bpf_get_current_uid_gid();
		bpf_get_current_comm(zero.comm, sizeof(zero.comm));
		bpf_map_update_elem(&procs, &tgid, &zero, BPF_NOEXIST);
		p = bpf_map_lookup_elem(&procs, &tgid);
		if (!p) {
			__sync_fetch_and_add(&cachetop_lost, 1);
			return;
		}
	}
	__sync_fetch_and_add(&p->c[what], n);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
