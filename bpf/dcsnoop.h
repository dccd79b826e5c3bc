/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* dcsnoop's event ABI, shared by bpf/dcsnoop.bpf.c and tools/dcsnoop.c. */
#ifndef DCSNOOP_H
#define DCSNOOP_H

#include "file.h"

#define DCSNOOP_REF 'R'		/* a lookup (lookup_fast), with -a */
#define DCSNOOP_MISS 'M'	/* d_lookup found nothing */

/* Variable-length: a record ends after the NUL of name. */
struct dcsnoop_event {
	__u64 ts_ns;
	__u32 tgid;
	__u32 tid;
	__u32 uid;
	__u32 type;		/* DCSNOOP_REF or DCSNOOP_MISS */
	__u32 str_flags;	/* name: string 0 (see "Strings that do not fit" in bpfkit.h) */
	__u32 pad;
	char comm[16];
	char name[BK_DNAME_LEN];	/* the path component looked up */
};

#endif
