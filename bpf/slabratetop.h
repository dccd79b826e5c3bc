/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* slabratetop's ABI, shared by bpf/slabratetop.bpf.c and tools/slabratetop.c. */
#ifndef SLABRATETOP_H
#define SLABRATETOP_H

#define SLABRATETOP_NAME_LEN 32
#define SLABRATETOP_CACHES 4096

/* A slab cache, by name (merged caches have the name of the first). */
struct slab_key {
	char name[SLABRATETOP_NAME_LEN];
};

struct slab_count {
	__u64 allocs;
	__u64 bytes;		/* allocs x the cache's object size with its metadata */
};

#endif
