/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* drsnoop's event ABI, shared by bpf/drsnoop.bpf.c and tools/drsnoop.c. */
#ifndef DRSNOOP_H
#define DRSNOOP_H

#define DRSNOOP_STARTS 16384

/* What reclaimed. */
enum {
	DRSNOOP_DIRECT,		/* an allocation that found too little free memory */
	DRSNOOP_MEMCG,		/* a memory cgroup at its limit (or memory.reclaim) */
};

struct reclaim_event {
	__u64 ts_ns;		/* when it ended */
	__u64 delta_ns;		/* how long it took */
	__u64 pages;		/* pages reclaimed */
	__u64 gfp_flags;	/* of the allocation */
	__u32 tgid;
	__u32 tid;
	__u32 uid;
	__u32 order;		/* of the allocation: 2^order pages */
	__u32 kind;		/* DRSNOOP_* */
	__u32 pad;
	char comm[16];
};

#endif
