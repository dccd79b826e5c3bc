// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include "core/log.h"
#include "core/maps.h"

#ifndef ENOTSUPP
#define ENOTSUPP 524
#endif

enum bk_drain_way bk_drain_slowest = BK_DRAIN_BATCH;

/* Errors that mean "this kernel (or map type) cannot do that command". */
static bool unsupported(int err)
{
	return err == -EINVAL || err == -ENOTSUPP || err == -EOPNOTSUPP || err == -ENOSYS;
}

/* -1: not known yet; 0: no; 1: yes. Learnt once per process. */
static int have_batch = -1, have_each = -1;

static long drain_batch(int fd, size_t ks, size_t vs, char *keys, char *values, size_t cap)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	__u64 token[8];		/* a hash map's batch token is a __u32 bucket */
	size_t got = 0;
	void *in = NULL;
	__u32 n;
	int err;

	while (got < cap) {
		n = cap - got;
		err = bpf_map_lookup_and_delete_batch(fd, in, token, keys + got * ks,
						      values + got * vs, &n, &opts);
		err = err ? -errno : 0;
		if (err == -ENOSPC && got) {
			/* A bucket holds more than is left of cap: the rest next time. */
			break;
		} else if (err && err != -ENOENT) {
			/* Nothing taken yet and not supported: the caller falls back. */
			if (!got && !in && unsupported(err))
				return err;
			bk_set_error("cannot take the entries out of a BPF map: %s", strerror(-err));
			return err;
		}
		got += n;
		if (err == -ENOENT)
			break;
		in = token;
	}
	return got;
}

static long drain_each(int fd, size_t ks, size_t vs, char *keys, char *values, size_t cap,
		       bool atomic)
{
	size_t n = 0, got = 0;
	int err;

	/* Keys first: deleting while walking would restart the walk. */
	while (n < cap && !bpf_map_get_next_key(fd, n ? keys + (n - 1) * ks : NULL, keys + n * ks))
		n++;
	if (errno != ENOENT && n < cap) {
		err = -errno;
		bk_set_error("cannot walk a BPF map: %s", strerror(-err));
		return err;
	}
	for (size_t i = 0; i < n; i++) {
		char *k = keys + i * ks, *v = values + got * vs;

		if (atomic) {
			err = bpf_map_lookup_and_delete_elem(fd, k, v) ? -errno : 0;
			if (err && !got && i == 0 && unsupported(err))
				return err;
		} else {
			/* An update between these two calls is lost: the last resort. */
			err = bpf_map_lookup_elem(fd, k, v) ? -errno : 0;
			if (!err && bpf_map_delete_elem(fd, k) && errno != ENOENT)
				err = -errno;
		}
		if (err == -ENOENT)
			continue;	/* gone meanwhile */
		if (err) {
			bk_set_error("cannot take an entry out of a BPF map: %s", strerror(-err));
			return err;
		}
		if (got != i)
			memmove(keys + got * ks, k, ks);
		got++;
	}
	return got;
}

long bk_map_drain(int fd, size_t key_size, size_t value_size, void *keys, void *values,
		  size_t cap)
{
	long r;

	if (have_batch && bk_drain_slowest == BK_DRAIN_BATCH) {
		r = drain_batch(fd, key_size, value_size, keys, values, cap);
		if (r >= 0 || !unsupported(r) || have_batch == 1) {
			have_batch = 1;
			return r;
		}
		have_batch = 0;
		bk_info(1, "no batch lookup-and-delete here: taking map entries one by one");
	}
	if (have_each && bk_drain_slowest != BK_DRAIN_LOOKUP_DELETE) {
		r = drain_each(fd, key_size, value_size, keys, values, cap, true);
		if (r >= 0 || !unsupported(r) || have_each == 1) {
			have_each = 1;
			return r;
		}
		have_each = 0;
		bk_info(1, "no lookup-and-delete here: looking map entries up, then deleting them");
	}
	return drain_each(fd, key_size, value_size, keys, values, cap, false);
}

/* A per-CPU map's values, one per CPU, each rounded up to 8 bytes. */
static size_t stride(const struct bk_counters *c)
{
	return (c->value_size + 7) & ~(size_t)7;
}

/* Sums a lookup's values (one, or one per CPU) into out. */
static void sum(const struct bk_counters *c, const char *in, char *out)
{
	int cpus = c->ncpus ? c->ncpus : 1;
	size_t u32s = (c->value_size - c->u64s * 8) / 4;

	memset(out, 0, c->value_size);
	for (int cpu = 0; cpu < cpus; cpu++, in += stride(c)) {
		const __u64 *a = (const __u64 *)in;
		const __u32 *b = (const __u32 *)(in + c->u64s * 8);
		__u64 *x = (__u64 *)out;
		__u32 *y = (__u32 *)(out + c->u64s * 8);

		for (size_t i = 0; i < c->u64s; i++)
			x[i] += a[i];
		for (size_t i = 0; i < u32s; i++)
			y[i] += b[i];
	}
}

/* out = now - seen, field by field (counters wrap as the BPF side's do). */
static void diff(const struct bk_counters *c, const char *now, const char *seen, char *out)
{
	size_t u32s = (c->value_size - c->u64s * 8) / 4;

	for (size_t i = 0; i < c->u64s; i++)
		((__u64 *)out)[i] = ((const __u64 *)now)[i] - ((const __u64 *)seen)[i];
	for (size_t i = 0; i < u32s; i++)
		((__u32 *)(out + c->u64s * 8))[i] = ((const __u32 *)(now + c->u64s * 8))[i] -
						    ((const __u32 *)(seen + c->u64s * 8))[i];
}

int bk_counters_init(struct bk_counters *c, int fd, size_t u64s)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	int err;

	memset(c, 0, sizeof(*c));
	if (bpf_obj_get_info_by_fd(fd, &info, &len)) {
		err = -errno;
		bk_set_error("cannot read about the counters map: %s", strerror(-err));
		return err;
	}
	c->fd = fd;
	c->n = info.max_entries;
	c->value_size = info.value_size;
	c->u64s = u64s;
	if (info.type == BPF_MAP_TYPE_PERCPU_ARRAY) {
		c->ncpus = libbpf_num_possible_cpus();
		if (c->ncpus < 0) {
			bk_set_error("cannot count the CPUs: %s", strerror(-c->ncpus));
			return c->ncpus;
		}
	} else if (info.type != BPF_MAP_TYPE_ARRAY) {
		bk_set_error("bk_counters reads array maps only");
		return -EINVAL;
	}
	if (u64s * 8 > c->value_size || (c->value_size - u64s * 8) % 4) {
		bk_set_error("bk_counters: a value of %zu bytes is not %zu __u64 then __u32 counters",
			     c->value_size, u64s);
		return -EINVAL;
	}
	c->seen = calloc(c->n, c->value_size);
	c->delta = calloc(c->n, c->value_size);
	c->buf = calloc(c->ncpus ? c->ncpus : 1, stride(c));
	if (!c->seen || !c->delta || !c->buf) {
		bk_counters_free(c);
		bk_set_error("out of memory for the counters");
		return -ENOMEM;
	}
	/*
	 * The base is zero, not what the map holds now: what the BPF side counted
	 * between attach and this call belongs to the first interval.
	 */
	return 0;
}

int bk_counters_read(struct bk_counters *c, __u32 n)
{
	__u64 now[(c->value_size + 7) / 8];

	if (n > c->n)
		n = c->n;
	for (__u32 i = 0; i < n; i++) {
		char *seen = (char *)c->seen + (size_t)i * c->value_size;

		if (bpf_map_lookup_elem(c->fd, &i, c->buf)) {
			int err = -errno;

			bk_set_error("cannot read the counters: %s", strerror(-err));
			return err;
		}
		sum(c, c->buf, (char *)now);
		diff(c, (char *)now, seen, (char *)c->delta + (size_t)i * c->value_size);
		memcpy(seen, now, c->value_size);
	}
	return 0;
}

void bk_counters_free(struct bk_counters *c)
{
	free(c->seen);
	free(c->delta);
	free(c->buf);
	c->seen = c->delta = c->buf = NULL;
}

long bk_map_drain_rows(int fd, size_t key_size, size_t value_size, size_t value_off,
		       size_t row_size, size_t cap, void **rows)
{
	char *keys = malloc(cap * key_size), *values = malloc(cap * value_size), *out = NULL;
	long n = -ENOMEM;

	if (keys && values)
		n = bk_map_drain(fd, key_size, value_size, keys, values, cap);
	if (n >= 0) {
		out = calloc(n ? n : 1, row_size);
		if (!out)
			n = -ENOMEM;
	}
	for (long i = 0; out && i < n; i++) {
		memcpy(out + i * row_size, keys + i * key_size, key_size);
		memcpy(out + i * row_size + value_off, values + i * value_size, value_size);
	}
	if (n == -ENOMEM)
		bk_set_error("out of memory for %zu map entries", cap);
	free(keys);
	free(values);
	*rows = out;
	return n;
}
