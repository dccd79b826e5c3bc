/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * Sampling programs (SEC("perf_event")) attached to one perf event per
 * online CPU: timed samples (cpu-clock) or hardware counter overflows.
 */
#ifndef BPFKIT_PERF_EVENT_H
#define BPFKIT_PERF_EVENT_H

#include <stdbool.h>
#include <linux/perf_event.h>
#include <bpf/libbpf.h>
#include "core/links.h"

/* The online CPUs (/sys/devices/system/cpu/online): how many were stored, or -errno. */
int bk_online_cpus(int *cpus, int max);

/*
 * Opens `attr` on every online CPU (all tasks) and attaches prog to each;
 * the links (which close the events) go to `links`. Returns the number of
 * CPUs, or -errno with the sentence set: -ENOENT when this machine has no
 * such event (a hardware counter without a PMU, as in most VMs).
 */
int bk_perf_attach_cpus(struct bpf_program *prog, struct perf_event_attr *attr,
			struct bk_links *links);

/* A cpu-clock sampling event at hz samples per second of each CPU. */
void bk_perf_cpu_clock(struct perf_event_attr *attr, __u64 hz);
/* Hardware CPU cycles, hz samples a second on average (the kernel adjusts the period). */
void bk_perf_cycles(struct perf_event_attr *attr, __u64 hz);

#endif
