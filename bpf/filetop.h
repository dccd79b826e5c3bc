/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* filetop's table, shared by bpf/filetop.bpf.c and tools/filetop.c. */
#ifndef FILETOP_H
#define FILETOP_H

#include "file.h"

#define FILETOP_MAX_FILES 10240
/* Bytes of a file's name kept; longer names (up to 255) are cut (see str_flags). */
#define FILETOP_NAME_LEN 64

struct filetop_key {
	__u64 ino;
	__u32 dev;		/* kernel encoding: BK_KDEV_MAJOR/MINOR */
	__u32 tgid;
	__u32 tid;		/* 0 unless per thread (-L) */
	__u32 pad;
};

struct filetop_value {
	__u64 reads;
	__u64 writes;
	__u64 read_bytes;
	__u64 write_bytes;
	__u32 mode;		/* i_mode */
	__u32 str_flags;	/* name: string 0 (see "Strings that do not fit" in bpfkit.h) */
	char comm[16];
	char name[FILETOP_NAME_LEN];
};

#endif
