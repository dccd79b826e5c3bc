/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * IFUNC symbols (STT_GNU_IFUNC: glibc's strlen, memcpy, strcmp and some 45
 * more) do not name code that runs on each call: they name a resolver, run
 * once by ld.so when the library is loaded, that picks the implementation
 * for this CPU (__strlen_avx2, __strlen_evex, __strlen_sse2, ...) and stores
 * its address where callers find it. A uprobe on the symbol would see that
 * one call. ifunc_resolve() finds the implementation a process really uses:
 *
 *  - with a PID, the address ld.so stored in the library's own GOT slot for
 *    it (the IRELATIVE relocation whose addend is the resolver, applied when
 *    the library was loaded), read from /proc/PID/mem: exact for that
 *    process, whatever its CPU flags and GLIBC_TUNABLES;
 *  - otherwise, or where the library has no such slot (about a quarter of
 *    glibc's IFUNCs are never called from inside libc), the address dlsym()
 *    gives in this process, which runs the same resolver on the same CPU,
 *    when it has the same file loaded (libc always is).
 *
 * Every function returns 0 or a negative errno and prints nothing; failures
 * leave a sentence for bk_report().
 */
#ifndef BPFKIT_IFUNC_H
#define BPFKIT_IFUNC_H

#include <stdint.h>
#include <sys/types.h>
#include "uspace/elfsym.h"

struct ifunc_impl {
	uint64_t vaddr;		/* the implementation's address in the file */
	uint64_t offset;	/* its file offset, for a uprobe */
	/* its name when the symbol tables have one there (__strlen_avx2),
	 * else NULL; valid until elfsym_close() */
	const char *name;
	/* how it was found: "the process's GOT" or "this CPU's choice" */
	const char *how;
};

/*
 * The implementation of IFUNC sym of f (opened from path) that process pid
 * uses, or (pid 0) that processes on this machine get.
 *   -ENOENT   neither the process's GOT nor dlsym() here tells (the library
 *             is not loaded here, and no pid was given or its GOT has no slot)
 *   -EFAULT   it lies outside the file (the vDSO's gettimeofday and time)
 *   -ESRCH    the process is gone or does not map the file
 */
int ifunc_resolve(const struct elfsym_file *f, const char *path, const struct elfsym_sym *sym,
		  pid_t pid, struct ifunc_impl *impl);

#endif
