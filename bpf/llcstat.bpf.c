// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * llcstat: last-level cache references and misses per process (or thread)
 * and CPU, from the hardware counters: one perf event of each kind per CPU
 * overflows every targ_period events and runs a program in the context of
 * the task that caused the last of them. Sampled, so approximate per task.
 */
#define BPF_NO_PRESERVE_ACCESS_INDEX
#include "bpfkit.bpf.h"
#include "llcstat.h"

const volatile __u64 targ_period = 100;
const volatile __u32 targ_per_thread = 0;

/* Samples not counted because `counts` was full. */
__u64 count_drops = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LLCSTAT_MAX);
	__type(key, struct llcstat_key);
	__type(value, struct llcstat_val);
} counts SEC(".maps");

static __always_inline void add(bool miss)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct llcstat_key key = { .tgid = id >> 32, .cpu = bpf_get_smp_processor_id() };
	struct llcstat_val *v, zero = {};

	if (bk_filtered(id))
		return;
	if (targ_per_thread)
		key.tid = (__u32)id;
	bpf_get_current_comm(key.comm, sizeof(key.comm));
	v = bpf_map_lookup_elem(&counts, &key);
	if (!v) {
		bpf_map_update_elem(&counts, &key, &zero, BPF_NOEXIST);
		v = bpf_map_lookup_elem(&counts, &key);
		if (!v) {
			__sync_fetch_and_add(&count_drops, 1);
			return;
		}
	}
	if (miss)
		__sync_fetch_and_add(&v->misses, targ_period);
	else
		__sync_fetch_and_add(&v->references, targ_period);
}

/* perf_event: PERF_COUNT_HW_CACHE_MISSES overflow (struct bpf_perf_event_data *ctx) */
SEC("perf_event")
int handle_miss(struct bpf_perf_event_data *ctx)
{
	add(true);
	return 0;
}

/* perf_event: PERF_COUNT_HW_CACHE_REFERENCES overflow (struct bpf_perf_event_data *ctx) */
SEC("perf_event")
int handle_ref(struct bpf_perf_event_data *ctx)
{
	add(false);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
