/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * The event path to user space: one ring buffer, `events`, with batched
 * wake-ups, and a count of events lost when it was full.
 *
 * A wake-up per event costs more than the rest of the event together (see
 * perf-facts), so records are submitted without one unless enough bytes are
 * queued or the consumer has not been woken for bk_wakeup.interval_ns; a lone
 * event after a quiet spell therefore still wakes the consumer at once.
 */
#ifndef BPFKIT_EVENTS_BPF_H
#define BPFKIT_EVENTS_BPF_H

#include "bpfkit.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20); /* resized by the user side before load */
} events SEC(".maps");

const volatile struct bk_wakeup bk_wakeup = { .bytes = 1 << 18, .interval_ns = 20000000 };

__u64 bk_drops = 0;		/* events lost: ring buffer full */
__u64 bk_last_wakeup_ns = 0;

/* Reserves a record, or counts a drop. */
static __always_inline void *bk_reserve(__u64 size)
{
	void *rec = bpf_ringbuf_reserve(&events, size, 0);

	if (!rec)
		__sync_fetch_and_add(&bk_drops, 1);
	return rec;
}

static __always_inline __u64 bk_wakeup_flags(void)
{
	__u64 now = bpf_ktime_get_ns();

	if (now - bk_last_wakeup_ns >= bk_wakeup.interval_ns ||
	    bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= bk_wakeup.bytes) {
		bk_last_wakeup_ns = now;
		return BPF_RB_FORCE_WAKEUP;
	}
	return BPF_RB_NO_WAKEUP;
}

/* Submits a record from bk_reserve(). */
static __always_inline void bk_submit(void *rec)
{
	bpf_ringbuf_submit(rec, bk_wakeup_flags());
}

/*
 * Copies a variable-length record (built in a BK_SCRATCH buffer) into the
 * ring buffer: events with short strings then take a fraction of the space,
 * so more fit between two wake-ups. `size` must be bounded by the caller.
 */
static __always_inline void bk_output(void *data, __u64 size)
{
	if (bpf_ringbuf_output(&events, data, size, bk_wakeup_flags()))
		__sync_fetch_and_add(&bk_drops, 1);
}

/* A per-CPU scratch record of `type`, for building events bigger than the stack allows. */
#define BK_SCRATCH(name, rec_type)                                              \
	struct {                                                              \
		__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);                      \
		__uint(max_entries, 1);                                       \
		__type(key, __u32);                                           \
		__type(value, rec_type);                                        \
	} name SEC(".maps")

static __always_inline void *bk_scratch(void *map)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(map, &zero);
}

#endif
