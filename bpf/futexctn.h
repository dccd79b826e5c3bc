/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* futexctn's table, shared by bpf/futexctn.bpf.c and tools/futexctn.c. */
#ifndef FUTEXCTN_H
#define FUTEXCTN_H

struct futexctn_key {
	__u64 uaddr;		/* the futex word's address in the process */
	__u32 tgid;
	__s32 ustack;		/* user stack id, or -errno (bpf/stacks.bpf.h) */
	char comm[16];
};

#endif
