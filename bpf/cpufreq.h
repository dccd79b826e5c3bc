/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* cpufreq's map ABI, shared by bpf/cpufreq.bpf.c and tools/cpufreq.c. */
#ifndef CPUFREQ_H
#define CPUFREQ_H

#define CPUFREQ_MAX_CPUS 8192
#define CPUFREQ_MAX 10240
/* Slots of 100 MHz: 0-99, 100-199, ...; the last holds 6.3 GHz and more. */
#define CPUFREQ_SLOTS 64
#define CPUFREQ_STEP_MHZ 100

/* Samples by frequency: for everything (key 0) or a process (-P: its tgid). */
struct cpufreq_hist {
	__u64 samples;
	__u64 mhz_sum;			/* for the average */
	__u32 slots[CPUFREQ_SLOTS];
	char comm[16];
};

#endif
