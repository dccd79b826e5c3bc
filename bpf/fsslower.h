/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* fsslower's event ABI, shared by bpf/fsslower.bpf.c and tools/fsslower.c. */
#ifndef FSSLOWER_H
#define FSSLOWER_H

#include "file.h"
#include "fsops.h"

/* Variable-length: a record ends after the NUL of name. */
struct fsslower_event {
	__u64 ts_ns;		/* when the operation ended */
	__u64 lat_ns;
	__s64 offset;		/* reads and writes: where they started */
	__s64 ret;		/* reads and writes: bytes; else 0 or an fd; or -errno */
	struct bk_file_id file;
	__u32 tgid;
	__u32 tid;
	__u32 uid;
	__u32 op;		/* FSOP_* */
	__u32 str_flags;	/* name: string 0 (see "Strings that do not fit" in bpfkit.h) */
	__u32 pad;
	char comm[16];
	char fstype[BK_FSTYPE_LEN];
	char name[BK_DNAME_LEN];	/* the file's name (last path component) */
};

#endif
