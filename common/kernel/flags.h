/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Flag words as strace shows them: "MS_NOSUID|MS_NODEV|0x40000000". */
#ifndef BPFKIT_FLAGS_H
#define BPFKIT_FLAGS_H

#include <stddef.h>

struct bk_flag {
	unsigned long long mask;	/* the bits of this name */
	const char *name;
};

/*
 * The names of the flags set in `v` joined by '|', bits no name covers as
 * one hex number at the end, "0" for no bits. `table` ends with a NULL name;
 * a name whose mask is 0 is never shown. Returns buf.
 */
char *bk_flags_str(char *buf, size_t len, unsigned long long v, const struct bk_flag *table);

/* "AT_FDCWD" for -100, else the number: for directory fd arguments. */
char *bk_dfd_str(char *buf, size_t len, long long dfd);

#endif
