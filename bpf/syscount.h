/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * syscount's map ABI, shared by bpf/syscount.bpf.c and tools/syscount.c:
 * counts (and with --latency, time) per system call number in a per-CPU
 * array, or per process or thread (-P, -L) in a hash map.
 */
#ifndef SYSCOUNT_H
#define SYSCOUNT_H

/* Numbers 0 to SYSCOUNT_NR_MAX - 2 count apart; the last slot holds any other. */
#define SYSCOUNT_NR_MAX 1024
#define SYSCOUNT_NR_OTHER (SYSCOUNT_NR_MAX - 1)
#define SYSCOUNT_MAX_TASKS 10240
#define SYSCOUNT_STARTS 32768

/* How counts are kept (targ_by). */
#define SYSCOUNT_BY_CALL 0
#define SYSCOUNT_BY_PROCESS 1
#define SYSCOUNT_BY_THREAD 2

struct syscount_val {
	__u64 count;		/* calls that returned */
	__u64 total_ns;		/* their time in the kernel, with --latency */
};

/* -P, -L: one row per process (tid 0) or thread. */
struct syscount_task_key {
	__u32 tgid;
	__u32 tid;
};

struct syscount_task_val {
	__u64 count;
	__u64 total_ns;
	char comm[16];		/* at its first counted call */
};

#endif
