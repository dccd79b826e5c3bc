/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * User-space symbols for stacks: (pid, address) -> function names, from
 * every source a process's code can come from:
 *
 *  - ELF .symtab/.dynsym, with separate debug files found by build-id or
 *    .gnu_debuglink (common/uspace/symcache and elfsym, cached per binary by
 *    device and inode);
 *  - Go binaries, stripped ones too, from their pclntab (common/go/gobin);
 *  - JIT code from /tmp/perf-PID.map, read through /proc/PID/root with the
 *    pid the process has in its own namespace (stacks/perfmap.h);
 *  - the vdso (the kernel's image, the same in every process);
 *  - otherwise "[unknown] (PATH+0xFILEOFFSET)", or "[unknown] (0xADDR)"
 *    outside of any file, so that offline symbolization stays possible.
 *
 * Call bk_usyms_load_pid() when a process is first seen (its first event):
 * its maps and binaries are read while it is alive, so stacks of processes
 * that exit before they are printed still get names.
 *
 * Not thread-safe. Functions return 0 or -errno and print nothing.
 */
#ifndef BPFKIT_STACKS_USYMS_H
#define BPFKIT_STACKS_USYMS_H

#include <stddef.h>
#include <sys/types.h>
#include <linux/types.h>
#include "stacks/frames.h"

struct bk_usyms;

int bk_usyms_new(struct bk_usyms **out);
void bk_usyms_free(struct bk_usyms *u);

/* Reads the maps, binaries and JIT map of pid now. -ESRCH when it is gone. */
int bk_usyms_load_pid(struct bk_usyms *u, pid_t pid);
/* Drops what is known about pid (it exec'd, or its pid may be reused). */
void bk_usyms_forget_pid(struct bk_usyms *u, pid_t pid);

/*
 * The frames of one address of pid, innermost first: more than one when
 * code was inlined. `addr` is looked up as given: pass a return address
 * minus one. Fills at most max frames (max >= 1) and returns how many (at
 * least 1: an unknown address gives one BK_FRAME_UNKNOWN frame). Names are
 * valid until bk_usyms_free(); unknown frames are written into `buf`.
 */
int bk_usyms_resolve(struct bk_usyms *u, pid_t pid, __u64 addr, struct bk_frame *out, int max,
		     char *buf, size_t buflen);

#endif
