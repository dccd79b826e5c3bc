/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * The names of a kernel enum's values, read from the running kernel's BTF
 * (or --btf) at start-up: for enums whose values move between kernels (drop
 * reasons, migrate reasons), so that no table is compiled in.
 */
#ifndef BPFKIT_BTFENUM_H
#define BPFKIT_BTFENUM_H

#include <stddef.h>

struct bk_enum_names {
	char **name;		/* indexed by value; NULL where the enum has none */
	size_t n;		/* values 0..n-1 */
};

/*
 * Reads enum `type` (e.g. "skb_drop_reason") and keeps its names without
 * `prefix` when they start with it ("SKB_DROP_REASON_"). Values above
 * `max_value` are left out. 0, -ENOENT when the kernel has no such enum, or
 * another -errno (sentence set).
 */
int bk_enum_names_load(struct bk_enum_names *e, const char *type, const char *prefix,
		       long max_value);

/* The name of value v, or NULL. */
const char *bk_enum_name(const struct bk_enum_names *e, long v);

/* The value named `name` (with or without the prefix), or -ENOENT. */
long bk_enum_value(const struct bk_enum_names *e, const char *name, const char *prefix);

void bk_enum_names_free(struct bk_enum_names *e);

/*
 * The values of enumerators found by name in any enum of the kernel's BTF
 * (anonymous enums too): names[i] into values[i], left as they are when the
 * kernel has no such enumerator. Returns how many were found, or -errno
 * (sentence set).
 */
int bk_enum_consts(const char *const *names, long *values, int n);

#endif
