/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* biosnoop's event ABI, shared by bpf/biosnoop.bpf.c and tools/biosnoop.c. */
#ifndef BIOSNOOP_H
#define BIOSNOOP_H

struct bio_event {
	__u64 ts_ns;		/* completion */
	__u64 lat_ns;		/* issue to completion */
	__u64 queue_ns;		/* start (block_io_start, or the first bio queued) to issue */
	__u64 sector;		/* first sector, 512-byte units from the disk's start */
	__u32 bytes;
	__u32 cmd_flags;	/* REQ_OP_* and REQ_* bits of this kernel */
	__u32 dev;		/* BK_BLOCK_DEV() of the disk */
	__u32 tgid;		/* the issuer, when issuer_known */
	__u32 tid;
	__u32 uid;
	__u32 issuer_known;	/* 0: started before tracing, or made by the kernel (a flush) */
	__u32 pad;
	char comm[16];
};

#endif
