/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * Kernel symbols from /proc/kallsyms, for printing kernel stacks.
 *
 * Compact: one array of (address, name offset, module) sorted by address and
 * one blob of names; only text symbols (t, T, w, W) are kept. Module names
 * are kept ("[ext4]" in kallsyms). A symbol covers the addresses up to the
 * next one. For a return address (every frame of a stack trace but the
 * first) look up addr - 1, or a call at the very end of a function is
 * charged to the next one.
 *
 * When kernel addresses read as zero (kptr_restrict, or a process without
 * CAP_SYSLOG) the table is empty and bk_ksyms_restricted() says so: print
 * the address in hex and say why once (bk_ksyms_restricted_why()).
 *
 * Functions return 0 or -errno and print nothing.
 */
#ifndef BPFKIT_STACKS_KSYMS_H
#define BPFKIT_STACKS_KSYMS_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

struct bk_ksyms;

struct bk_ksym {
	const char *name;
	const char *module;	/* "" for the kernel itself, else "ext4", "bpf" ... */
	__u64 addr;		/* start of the symbol */
	__u64 offset;		/* the address looked up - addr */
};

/* Reads a kallsyms file (NULL: /proc/kallsyms). -ENOENT, -ENOMEM, ... */
int bk_ksyms_load(const char *path, struct bk_ksyms **out);
void bk_ksyms_free(struct bk_ksyms *ks);

/* Number of symbols kept. */
size_t bk_ksyms_count(const struct bk_ksyms *ks);

/* Every address read as zero: the kernel hides them (kptr_restrict). */
bool bk_ksyms_restricted(const struct bk_ksyms *ks);
/* The sentence that explains hex kernel frames when restricted. */
const char *bk_ksyms_restricted_why(void);

/* The symbol containing addr; -ENOENT below the first one or when restricted. */
int bk_ksyms_find(const struct bk_ksyms *ks, __u64 addr, struct bk_ksym *sym);

/* The address of the symbol called name (first match), or 0. Linear: for tests and set-up. */
__u64 bk_ksyms_addr(const struct bk_ksyms *ks, const char *name);

#endif
