/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * vfsstat's shared constants: the slots of the `counts` per-CPU array, one
 * per operation, in column order.
 */
#ifndef VFSSTAT_H
#define VFSSTAT_H

#define VFSSTAT_READ 0
#define VFSSTAT_WRITE 1
#define VFSSTAT_FSYNC 2
#define VFSSTAT_OPEN 3
#define VFSSTAT_CREATE 4
#define VFSSTAT_UNLINK 5
#define VFSSTAT_MKDIR 6
#define VFSSTAT_RMDIR 7
#define VFSSTAT_OPS 8

#endif
