/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The C library a tool probes (gethostlatency, threadsnoop). */
#ifndef BPFKIT_USPACE_LIBC_H
#define BPFKIT_USPACE_LIBC_H

#include <stddef.h>
#include <sys/types.h>

/*
 * The C library `want` names (a path or a library name; NULL for the
 * default, "c") as process pid maps it, or the system's when pid is 0, into
 * path. 0, or -errno with the sentence set (bk_set_error()): -ESRCH for a
 * process that is gone, -ENOENT when nothing was found.
 */
int bk_find_libc(const char *want, pid_t pid, char *path, size_t len);

#endif
