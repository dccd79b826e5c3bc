/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * Reading what the BPF side counted in maps, without losing any of it.
 *
 * Two ways, for two kinds of map:
 *
 * - bk_map_drain() takes every entry out of a hash map (per-connection,
 *   per-key tables that would otherwise fill up): one batch
 *   lookup-and-delete where the kernel has it (5.6 and later), else a walk
 *   of the keys with a lookup-and-delete of each (5.14 and later for hash
 *   maps), else a lookup then a delete of each, where an update landing
 *   between the two is lost (the only way on older kernels). Errors are
 *   returned, never an empty result.
 *
 * - bk_counters reads an array map of counters (plain or per-CPU) without
 *   zeroing it: each read gives what was added since the previous one, as
 *   the difference from the copy kept then. A reset by user space races
 *   with the BPF side and loses what lands between read and reset; a
 *   difference cannot. The values are counters: `u64s` leading __u64
 *   fields, then __u32 fields (the shape of a histogram: count, total_ns,
 *   then __u32 slots).
 */
#ifndef BPFKIT_MAPS_H
#define BPFKIT_MAPS_H

#include <stddef.h>
#include <bpf/libbpf.h>
#include <linux/types.h>

/*
 * Moves up to `cap` entries of the hash map `fd` into keys[] and values[]
 * (key_size and value_size bytes each; for a per-CPU map value_size is the
 * size of all the CPUs' values). Returns how many, or -errno (sentence set).
 * Entries added meanwhile are taken now or by the next call.
 */
long bk_map_drain(int fd, size_t key_size, size_t value_size, void *keys, void *values,
		  size_t cap);

/*
 * bk_map_drain() into one array of rows (freed by the caller), each
 * row_size bytes: the key at offset 0, the value at value_off, as a tool's
 * struct { key; value; } lays them out, ready to sort. Returns how many
 * rows, or -errno (sentence set).
 */
long bk_map_drain_rows(int fd, size_t key_size, size_t value_size, size_t value_off,
		       size_t row_size, size_t cap, void **rows);

/* For tests: make bk_map_drain use a slower way, as on an older kernel. */
enum bk_drain_way { BK_DRAIN_BATCH, BK_DRAIN_EACH, BK_DRAIN_LOOKUP_DELETE };
extern enum bk_drain_way bk_drain_slowest;

struct bk_counters {
	int fd;
	__u32 n;		/* entries, keys 0..n-1 */
	size_t value_size;	/* of one value, as the BPF side sees it */
	size_t u64s;		/* leading __u64 counters; the rest are __u32 */
	int ncpus;		/* per-CPU map: CPUs summed; 0 for a plain array */
	void *seen;		/* n values at the last read */
	void *delta;		/* n values: what the last read added */
	void *buf;		/* one lookup's values */
};

/*
 * Sets up the reads of the array map `fd` (BPF_MAP_TYPE_ARRAY or
 * PERCPU_ARRAY) whose values hold `u64s` __u64 counters then __u32 ones.
 * The first read gives all the map counted since it was made (nothing
 * counted between attach and this call is lost). Returns 0 or -errno
 * (sentence set).
 */
int bk_counters_init(struct bk_counters *c, int fd, size_t u64s);

/* Reads entries 0..n-1: bk_counters_delta() then gives what each gained. */
int bk_counters_read(struct bk_counters *c, __u32 n);

/* What entry i gained at the last bk_counters_read(). */
static inline const void *bk_counters_delta(const struct bk_counters *c, __u32 i)
{
	return (const char *)c->delta + (size_t)i * c->value_size;
}

void bk_counters_free(struct bk_counters *c);

#endif
