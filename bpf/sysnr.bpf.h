/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * System call numbers of the file calls, for programs on the
 * raw_syscalls:sys_enter/sys_exit tracepoints, which see every call with
 * its number. Tools that follow many system calls use those two instead of
 * one tracepoint per call: each syscall tracepoint is a perf event whose
 * removal waits for an RCU grace period (tens of milliseconds on a busy
 * machine), so thirty of them made a tool take seconds to exit.
 *
 * NR_* of calls an architecture does not have are -1. 32-bit programs on a
 * 64-bit kernel make their calls with other numbers, which these do not
 * match (see the tools' CAVEATS).
 */
#ifndef BPFKIT_SYSNR_BPF_H
#define BPFKIT_SYSNR_BPF_H

#if defined(__TARGET_ARCH_x86)
#define NR_read 0
#define NR_write 1
#define NR_open 2
#define NR_newfstat 5
#define NR_pread64 17
#define NR_pwrite64 18
#define NR_readv 19
#define NR_writev 20
#define NR_fsync 74
#define NR_fdatasync 75
#define NR_creat 85
#define NR_openat 257
#define NR_newfstatat 262
#define NR_preadv 295
#define NR_pwritev 296
#define NR_preadv2 327
#define NR_pwritev2 328
#define NR_statx 332
#define NR_openat2 437
#elif defined(__TARGET_ARCH_arm64)
/* The generic table: no open, creat; fstatat is newfstatat. */
#define NR_read 63
#define NR_write 64
#define NR_open -1
#define NR_newfstat 80
#define NR_pread64 67
#define NR_pwrite64 68
#define NR_readv 65
#define NR_writev 66
#define NR_fsync 82
#define NR_fdatasync 83
#define NR_creat -1
#define NR_openat 56
#define NR_newfstatat 79
#define NR_preadv 69
#define NR_pwritev 70
#define NR_preadv2 286
#define NR_pwritev2 287
#define NR_statx 291
#define NR_openat2 437
#else
#error "bpf/sysnr.bpf.h: no system call table for this architecture"
#endif

#endif
