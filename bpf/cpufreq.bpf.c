// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * cpufreq: the frequency CPUs run at, sampled by a cpu-clock perf event per
 * CPU and charged to the task running, as histograms for everything or per
 * process. Each CPU's frequency is what the cpufreq driver last set
 * (power:cpu_frequency, the tracepoint's record: stable ABI), starting from
 * scaling_cur_freq read by the front end before attaching.
 */
#define BPF_NO_PRESERVE_ACCESS_INDEX
#include "bpfkit.bpf.h"
#include "cpufreq.h"

const volatile __u32 targ_per_process = 0;

/* Samples not counted because `hists` was full (-P). */
__u64 hist_drops = 0;

/* Each CPU's frequency in MHz, indexed by CPU number. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, CPUFREQ_MAX_CPUS);	/* set to the CPU count before load */
	__type(key, __u32);
	__type(value, __u32);
} freqs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, CPUFREQ_MAX);
	__type(key, __u32);
	__type(value, struct cpufreq_hist);
} hists SEC(".maps");

/* tracepoint power:cpu_frequency(u32 state, u32 cpu_id): state in kHz */
SEC("tracepoint/power/cpu_frequency")
int handle_frequency(struct trace_event_raw_cpu *ctx)
{
	__u32 cpu = ctx->cpu_id, mhz = ctx->state / 1000;

	bpf_map_update_elem(&freqs, &cpu, &mhz, BPF_ANY);
	return 0;
}

/* perf_event: cpu-clock sample (struct bpf_perf_event_data *ctx) */
SEC("perf_event")
int handle_sample(struct bpf_perf_event_data *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 cpu = bpf_get_smp_processor_id(), key = 0, *mhz, slot;
	struct cpufreq_hist *h, zero = {};

	if (!(__u32)id || bk_filtered(id))
		return 0;
	mhz = bpf_map_lookup_elem(&freqs, &cpu);
	if (!mhz || !*mhz)
		return 0;
	if (targ_per_process)
		key = id >> 32;
	h = bpf_map_lookup_elem(&hists, &key);
	if (!h) {
		if (targ_per_process)
			bpf_get_current_comm(zero.comm, sizeof(zero.comm));
		bpf_map_update_elem(&hists, &key, &zero, BPF_NOEXIST);
		h = bpf_map_lookup_elem(&hists, &key);
		if (!h) {
			__sync_fetch_and_add(&hist_drops, 1);
			return 0;
		}
	}
	slot = *mhz / CPUFREQ_STEP_MHZ;
	if (slot >= CPUFREQ_SLOTS)
		slot = CPUFREQ_SLOTS - 1;
	barrier_var(slot);
	__sync_fetch_and_add(&h->samples, 1);
	__sync_fetch_and_add(&h->mhz_sum, *mhz);
	__sync_fetch_and_add(&h->slots[slot & (CPUFREQ_SLOTS - 1)], 1);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
