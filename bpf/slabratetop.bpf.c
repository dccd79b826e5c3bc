// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * slabratetop: kernel slab allocations by cache, counted in a table keyed
 * by the cache's name that the user side takes out every interval.
 *
 * The kmem:kmem_cache_alloc tracepoint's record names the cache since Linux
 * 6.2 (its `name` field, with bytes_alloc): no CO-RE. Before, the raw
 * tracepoint's third argument is the struct kmem_cache, whose name and size
 * are read with CO-RE (its arguments are those since 6.1).
 */
#include "bpfkit.bpf.h"
#include "slabratetop.h"

__u64 slab_lost = 0;	/* allocations of caches the full table had no room for */

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SLABRATETOP_CACHES);
	__type(key, struct slab_key);
	__type(value, struct slab_count);
} counts SEC(".maps");

static __always_inline void count(const struct slab_key *k, __u64 bytes)
{
	struct slab_count *c = bpf_map_lookup_elem(&counts, k), zero = {};

	if (!c) {
		bpf_map_update_elem(&counts, k, &zero, BPF_NOEXIST);
		c = bpf_map_lookup_elem(&counts, k);
		if (!c) {
			__sync_fetch_and_add(&slab_lost, 1);
			return;
		}
	}
	__sync_fetch_and_add(&c->allocs, 1);
	__sync_fetch_and_add(&c->bytes, bytes);
}

/* The 6.2+ record: call_site, ptr, __data_loc name, bytes_req, bytes_alloc, ... */
struct cache_alloc_rec {
	__u64 common;
	__u64 call_site;
	__u64 ptr;
	__u32 data_loc_name;
	__u32 pad;
	__u64 bytes_req;
	__u64 bytes_alloc;
};

/* tracepoint kmem:kmem_cache_alloc(call_site, ptr, name, bytes_req, bytes_alloc, gfp_flags, node, accounted) */
SEC("tracepoint/kmem/kmem_cache_alloc")
int handle_alloc(struct cache_alloc_rec *ctx)
{
	struct slab_key k = {};

	if (!ctx->ptr || bk_filtered(bpf_get_current_pid_tgid()))
		return 0;
	bpf_probe_read_kernel_str(k.name, sizeof(k.name),
				  (char *)ctx + (ctx->data_loc_name & 0xffff));
	count(&k, ctx->bytes_alloc);
	return 0;
}

/* raw_tp kmem_cache_alloc(unsigned long call_site, const void *ptr, struct kmem_cache *s, gfp_t gfp_flags, int node) */
SEC("raw_tp/kmem_cache_alloc")
int handle_alloc_raw(struct bpf_raw_tracepoint_args *ctx)
{
	struct kmem_cache *s = (struct kmem_cache *)ctx->args[2];
	struct slab_key k = {};

	if (!ctx->args[1] || bk_filtered(bpf_get_current_pid_tgid()))
		return 0;
	bpf_probe_read_kernel_str(k.name, sizeof(k.name), BPF_CORE_READ(s, name));
	count(&k, BPF_CORE_READ(s, size));
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
