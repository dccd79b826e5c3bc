// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Map draining and counter reading on real maps (needs CAP_BPF: skipped
 * without it). Each way of draining is forced in turn, as on older kernels.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "core/maps.h"
#include "unit.h"

#define N 3000

struct key {
	__u32 a;
	__u16 b;
	__u16 pad;
};

static int hash_map(int type, size_t vs)
{
	return bpf_map_create(type, "bk_test", sizeof(struct key), vs, 4096, NULL);
}

/* Fills N entries, drains them with `way`, checks each came out once and the map is empty. */
static void drain_with(enum bk_drain_way way)
{
	int fd = hash_map(BPF_MAP_TYPE_HASH, sizeof(__u64));
	struct key *keys = calloc(4096, sizeof(*keys)), k = {};
	__u64 *vals = calloc(4096, sizeof(*vals)), sum = 0, want = 0;
	static char seen[N];
	long n;

	CHECK(fd >= 0);
	if (fd < 0)
		return;
	for (__u32 i = 0; i < N; i++) {
		__u64 v = i * 7 + 1;

		k.a = i, k.b = i & 0xffff;
		CHECK(!bpf_map_update_elem(fd, &k, &v, BPF_NOEXIST));
		want += v;
	}
	bk_drain_slowest = way;
	n = bk_map_drain(fd, sizeof(struct key), sizeof(__u64), keys, vals, 4096);
	CHECK_INT(n, N);
	memset(seen, 0, sizeof(seen));
	for (long i = 0; i < n; i++) {
		CHECK(keys[i].a < N && !seen[keys[i].a]);
		if (keys[i].a < N)
			seen[keys[i].a] = 1;
		CHECK_INT(vals[i], keys[i].a * 7 + 1);
		sum += vals[i];
	}
	CHECK_INT(sum, want);
	/* Empty now: a second drain takes nothing, and says so with 0, not an error. */
	CHECK_INT(bk_map_drain(fd, sizeof(struct key), sizeof(__u64), keys, vals, 4096), 0);
	CHECK(bpf_map_get_next_key(fd, NULL, &k) && errno == ENOENT);
	/* Less room than entries: what fits now, the rest next time. */
	for (__u32 i = 0; i < 100; i++) {
		__u64 v = 1;

		k.a = i;
		bpf_map_update_elem(fd, &k, &v, BPF_ANY);
	}
	n = bk_map_drain(fd, sizeof(struct key), sizeof(__u64), keys, vals, 60);
	CHECK(n > 0 && n <= 60);
	CHECK_INT(n + bk_map_drain(fd, sizeof(struct key), sizeof(__u64), keys, vals, 4096), 100);
	bk_drain_slowest = BK_DRAIN_BATCH;
	free(keys);
	free(vals);
	close(fd);
}

static void test_drain_batch(void)
{
	drain_with(BK_DRAIN_BATCH);
}

static void test_drain_each(void)
{
	drain_with(BK_DRAIN_EACH);
}

static void test_drain_lookup_delete(void)
{
	drain_with(BK_DRAIN_LOOKUP_DELETE);
}

/* A bad fd is an error with a sentence, never an empty result. */
static void test_drain_error(void)
{
	struct key keys[4];
	__u64 vals[4];

	CHECK(bk_map_drain(-1, sizeof(struct key), sizeof(__u64), keys, vals, 4) < 0);
}

struct hist {
	__u64 count;
	__u64 total_ns;
	__u32 slots[3];
	__u32 pad;
};

/* Counters are read as differences: nothing is zeroed, nothing lost. */
static void test_counters(void)
{
	struct bk_counters c;
	const struct hist *d;
	struct hist h = { 5, 500, { 1, 2, 2 } };
	__u32 i = 1;
	int fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "bk_hist", 4, sizeof(h), 4, NULL);

	CHECK(fd >= 0);
	if (fd < 0)
		return;
	/* Counted before init (between attach and init): the first read has it. */
	{
		struct hist early = { 3, 30, { 3 } };
		__u32 k = 2;

		CHECK(!bpf_map_update_elem(fd, &k, &early, BPF_ANY));
	}
	CHECK(!bk_counters_init(&c, fd, 2));
	CHECK(!bpf_map_update_elem(fd, &i, &h, BPF_ANY));
	CHECK(!bk_counters_read(&c, 4));
	CHECK_INT(((const struct hist *)bk_counters_delta(&c, 2))->count, 3);
	d = bk_counters_delta(&c, 1);
	CHECK_INT(d->count, 5);
	CHECK_INT(d->slots[2], 2);
	h.count = 8, h.total_ns = 900, h.slots[2] = 5;
	CHECK(!bpf_map_update_elem(fd, &i, &h, BPF_ANY));
	CHECK(!bk_counters_read(&c, 2));
	CHECK_INT(d->count, 3);
	CHECK_INT(d->total_ns, 400);
	CHECK_INT(d->slots[0], 0);
	CHECK_INT(d->slots[2], 3);
	CHECK_INT(((const struct hist *)bk_counters_delta(&c, 0))->count, 0);
	/* The map still holds the totals: reading never zeroes it. */
	CHECK(!bpf_map_lookup_elem(fd, &i, &h));
	CHECK_INT(h.count, 8);
	bk_counters_free(&c);
	close(fd);
}

/* A per-CPU array: the CPUs' values are summed; a hash map is refused. */
static void test_counters_percpu(void)
{
	int ncpus = libbpf_num_possible_cpus(), fd;
	__u64 *v = calloc(ncpus, 8);
	struct bk_counters c;
	__u32 k = 0;

	fd = bpf_map_create(BPF_MAP_TYPE_PERCPU_ARRAY, "bk_pc", 4, 8, 2, NULL);
	CHECK(fd >= 0 && v);
	if (fd < 0 || !v)
		return;
	CHECK(!bk_counters_init(&c, fd, 1));
	for (int i = 0; i < ncpus; i++)
		v[i] = i + 1;
	CHECK(!bpf_map_update_elem(fd, &k, v, BPF_ANY));
	CHECK(!bk_counters_read(&c, 2));
	CHECK_INT(*(const __u64 *)bk_counters_delta(&c, 0), (long long)ncpus * (ncpus + 1) / 2);
	CHECK(!bk_counters_read(&c, 2));
	CHECK_INT(*(const __u64 *)bk_counters_delta(&c, 0), 0);
	bk_counters_free(&c);
	close(fd);
	free(v);
	fd = hash_map(BPF_MAP_TYPE_HASH, 8);
	CHECK(bk_counters_init(&c, fd, 1) == -EINVAL);
	close(fd);
}

int main(void)
{
	int fd = bpf_map_create(BPF_MAP_TYPE_HASH, "bk_probe", 4, 4, 1, NULL);

	if (fd < 0) {
		printf("SKIP maps: cannot create BPF maps here (%s)\n", strerror(errno));
		return 0;
	}
	close(fd);
	RUN(test_drain_batch);
	RUN(test_drain_each);
	RUN(test_drain_lookup_delete);
	RUN(test_drain_error);
	RUN(test_counters);
	RUN(test_counters_percpu);
	UNIT_EXIT();
}
