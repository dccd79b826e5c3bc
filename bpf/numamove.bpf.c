// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * numamove: page migrations of one reason (by default NUMA balancing's
 * misplaced pages), with the time they took, counted per CPU.
 *
 * migrate_pages() brackets its work with migrate:mm_migrate_pages_start and
 * mm_migrate_pages, both with the reason; the time between the two is kept
 * per thread. The start record (mode, reason) is stable ABI; the end
 * record's fields moved (large_folio_split, 6.x), so it is read with CO-RE.
 * The reason's value comes from the running kernel's BTF (user side).
 */
#include "bpfkit.bpf.h"
#include "numamove.h"

const volatile __s32 targ_reason = 5;	/* MR_NUMA_MISPLACED, as set by the user side */

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, NUMAMOVE_COUNTERS);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, NUMAMOVE_STARTS);
	__type(key, __u32);
	__type(value, __u64);
} starts SEC(".maps");

static __always_inline void add(__u32 what, __u64 n)
{
	__u64 *c = bpf_map_lookup_elem(&counts, &what);

	if (c)
		*c += n;	/* this CPU's slot: no other writer */
}

struct start_rec {
	__u64 common;
	__u32 mode;
	__s32 reason;
};

/* tracepoint migrate:mm_migrate_pages_start(mode, reason) */
SEC("tracepoint/migrate/mm_migrate_pages_start")
int handle_start(struct start_rec *ctx)
{
	__u64 id = bpf_get_current_pid_tgid(), ts;
	__u32 tid = id;

	if (ctx->reason != targ_reason || bk_filtered(id))
		return 0;
	ts = bpf_ktime_get_ns();
	bk_starts_update(&starts, &tid, &ts);
	return 0;
}

/* tracepoint migrate:mm_migrate_pages(succeeded, failed, thp_succeeded, thp_failed, thp_split, [large_folio_split,] mode, reason) */
SEC("tracepoint/migrate/mm_migrate_pages")
int handle_end(struct trace_event_raw_mm_migrate_pages *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 *ts = bpf_map_lookup_elem(&starts, &tid);

	if (!ts)
		return 0;
	add(NUMAMOVE_CALLS, 1);
	add(NUMAMOVE_PAGES, BPF_CORE_READ(ctx, succeeded));
	add(NUMAMOVE_FAILED, BPF_CORE_READ(ctx, failed));
	add(NUMAMOVE_NS, bpf_ktime_get_ns() - *ts);
	bpf_map_delete_elem(&starts, &tid);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
