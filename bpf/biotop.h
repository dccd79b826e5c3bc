/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* biotop's map ABI, shared by bpf/biotop.bpf.c and tools/biotop.c. */
#ifndef BIOTOP_H
#define BIOTOP_H

#define BIOTOP_MAX_KEYS 10240

/* Who did what to which disk: issuer (tgid 0 and comm empty: not known), disk, operation. */
struct bt_key {
	__u32 tgid;
	__u32 dev;		/* BK_BLOCK_DEV() of the disk */
	__u32 op;		/* REQ_OP_* (cmd_flags & op_mask) */
	__u32 known;		/* 0: the issuer is not known */
	char comm[16];
};

struct bt_val {
	__u64 count;		/* requests completed */
	__u64 bytes;
	__u64 total_lat_ns;	/* issue to completion, summed */
};

#endif
