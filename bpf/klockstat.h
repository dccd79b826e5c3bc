/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* klockstat's table, shared by bpf/klockstat.bpf.c and tools/klockstat.c. */
#ifndef KLOCKSTAT_H
#define KLOCKSTAT_H

/* lock:contention_begin's flags (include/trace/events/lock.h) */
#define KLOCKSTAT_F_SPIN 0x1
#define KLOCKSTAT_F_READ 0x2
#define KLOCKSTAT_F_WRITE 0x4
#define KLOCKSTAT_F_RT 0x8
#define KLOCKSTAT_F_PERCPU 0x10
#define KLOCKSTAT_F_MUTEX 0x20
/* Not the tracepoint's: a hold time (fentry/kprobe paths), not a wait. */
#define KLOCKSTAT_F_HOLD 0x10000

struct klockstat_key {
	__u64 lock_addr;	/* the lock's kernel address */
	__u32 tgid;
	__s32 kstack;		/* kernel stack id, or -errno (bpf/stacks.bpf.h) */
	__u32 flags;		/* the kind of lock and wait (KLOCKSTAT_F_*) */
	__u32 pad;
	char comm[16];
};

#endif
