/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * The block tools' settings in .rodata (filled by common/block) and the
 * --disk filter, for the tools on bpf/block.bpf.h's hooks and for those on
 * the block tracepoints' records (biopattern).
 */
#ifndef BPFKIT_BLOCKDISK_BPF_H
#define BPFKIT_BLOCKDISK_BPF_H

#include "block_abi.h"

const volatile struct bk_block_opts bk_block = {};

/* A request of the --disk disk (or partition): dev its disk, sector its first. */
static __always_inline bool bk_disk_matches(__u32 dev, __u64 sector)
{
	if (bk_block.dev && dev != bk_block.dev)
		return false;
	if (bk_block.sector_hi && (sector < bk_block.sector_lo || sector >= bk_block.sector_hi))
		return false;
	return true;
}

#endif
