/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* llcstat's map ABI, shared by bpf/llcstat.bpf.c and tools/llcstat.c. */
#ifndef LLCSTAT_H
#define LLCSTAT_H

#define LLCSTAT_MAX 10240

/* A process (or thread, -L) on a CPU. */
struct llcstat_key {
	__u32 tgid;
	__u32 tid;		/* 0 unless -L */
	__u32 cpu;
	char comm[16];
};

/* Sampled counts: each sample stands for `period` events. */
struct llcstat_val {
	__u64 references;
	__u64 misses;
};

#endif
