/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * The file-system operations fsslower and fsdist time (bpf/fsops.bpf.h),
 * shared by both sides.
 */
#ifndef FSOPS_H
#define FSOPS_H

#define FSOP_READ 0
#define FSOP_WRITE 1
#define FSOP_OPEN 2
#define FSOP_FSYNC 3
#define FSOP_GETATTR 4
#define FSOP_OPS 5

#endif
