/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * System call names of the architecture the tools are built for, from
 * common/kernel/syscalls.tbl (turned into a C array at build time): the
 * numbers raw_syscalls:sys_enter/sys_exit report for 64-bit processes.
 */
#ifndef BPFKIT_SYSCALLS_H
#define BPFKIT_SYSCALLS_H

/* "read" for 0 on x86_64, ..., or NULL for a number the table does not have. */
const char *bk_syscall_name(long nr);

/* The number of the call called `name`, or -1. */
long bk_syscall_nr(const char *name);

/* One more than the highest number the table has. */
long bk_syscall_count(void);

#endif
