/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * User-space address symbolization for stack printers: (pid, address) ->
 * "func+0xoff (module)".
 *
 * The maps of a process are read once (again at most once a second when an
 * address falls outside of them, for dlopen()); the symbols of each binary
 * are read once and shared by every process that maps it (keyed by device
 * and inode). Maps stay cached after the process exits, so stacks collected
 * before its exit still resolve when symcache_load_pid() was called while it
 * ran; otherwise they come out as "[unknown]". Call symcache_forget_pid()
 * when a process execs or exits, since PIDs are reused.
 *
 * Files of a process in another mount namespace are opened through
 * /proc/PID/root; deleted files through /proc/PID/map_files (root only).
 *
 * Every function returns 0 or a negative errno and prints nothing. Not
 * thread-safe.
 */
#ifndef BPFKIT_SYMCACHE_H
#define BPFKIT_SYMCACHE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct symcache;

struct symcache_result {
	/* the function, NULL when unknown */
	const char *name;
	/* address - start of the function */
	uint64_t offset;
	/* the mapped file as the process sees it, NULL without a mapping */
	const char *module;
	/* file offset of the address in module */
	uint64_t module_off;
};

int symcache_new(struct symcache **out);
void symcache_free(struct symcache *c);

/* Reads the maps of pid now, and the symbols of the files it executes that
 * only /proc/PID reaches (another mount namespace, deleted files), so that
 * its addresses resolve even after it exits; files on our own paths are
 * read at the first address in them. -ESRCH when it is gone. */
int symcache_load_pid(struct symcache *c, pid_t pid);
/* Drops what is cached about pid (not the binaries' symbols). */
void symcache_forget_pid(struct symcache *c, pid_t pid);

/*
 * Fills *res for addr in pid; its strings stay valid until
 * symcache_free(). 0 when the function is known; -ENOENT when it is not
 * (res->module tells the file when the address is in one); -ESRCH when the
 * process is gone and was never loaded; -EINVAL for pid <= 0.
 */
int symcache_resolve(struct symcache *c, pid_t pid, uint64_t addr,
		     struct symcache_result *res);

/*
 * Writes "func+0x1a (/usr/lib/x86_64-linux-gnu/libc.so.6)", or
 * "[unknown] (/path+0xfileoff)" when only the file is known, or
 * "[unknown]". -ENOSPC when it had to be truncated.
 */
int symcache_snprint(struct symcache *c, pid_t pid, uint64_t addr, char *buf,
		     size_t sz);

#endif
