/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* biopattern's map ABI, shared by bpf/biopattern.bpf.c and tools/biopattern.c. */
#ifndef BIOPATTERN_H
#define BIOPATTERN_H

#define BIOPATTERN_MAX_DISKS 1024

/* Per disk (key: BK_BLOCK_DEV()), since the last interval. */
struct bp_counts {
	__u64 sequential;	/* requests that started where the disk's previous one ended */
	__u64 random;		/* the others (the first one seen on a disk too) */
	__u64 bytes;
};

#endif
