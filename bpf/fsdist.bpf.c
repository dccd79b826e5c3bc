// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * fsdist: latency histograms of one file system's reads, writes, opens,
 * fsyncs and getattrs. The hooks are bpf/fsops.bpf.h's; each operation that
 * ends adds its latency to its histogram, which the user side reads (and
 * never resets) every interval.
 */
#include "bpfkit.bpf.h"
#include "hist.bpf.h"
#include "fsops.bpf.h"
#include "fsdist.h"

/* Latency unit of the histogram slots: 1000 (us) or 1000000 (ms). */
const volatile __u64 targ_unit_ns = 1000;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, FSOP_OPS);
	__type(key, __u32);	/* FSOP_* */
	__type(value, struct fsdist_hist);
} hists SEC(".maps");

static __always_inline void fsop_done(const struct fsop_start *s, long ret, __u64 now_ns)
{
	__u32 op = s->op;
	struct fsdist_hist *h = bpf_map_lookup_elem(&hists, &op);

	if (h)
		bk_hist_add(h, now_ns - s->ts_ns, targ_unit_ns);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
