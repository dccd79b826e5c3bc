/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* bitesize's map ABI, shared by bpf/bitesize.bpf.c and tools/bitesize.c. */
#ifndef BITESIZE_H
#define BITESIZE_H

#define BITESIZE_SLOTS 32
#define BITESIZE_MAX_KEYS 10240

/* Whose requests a histogram holds: the issuer's command name (and process with -P). */
struct bs_key {
	__u32 tgid;		/* with -P; 0 otherwise */
	__u32 known;		/* 0: the issuer is not known (comm empty) */
	char comm[16];
};

struct bs_hist {
	__u64 count;		/* requests completed */
	__u64 total_bytes;
	__u32 slots[BITESIZE_SLOTS];	/* log2 of the size in KiB */
};

#endif
