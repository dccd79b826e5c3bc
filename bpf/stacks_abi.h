/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * What both sides of a tool that counts by stack share (bpf/stacks.bpf.h,
 * common/stacks). The includer provides __u32/__s32/__u64.
 */
#ifndef BPFKIT_STACKS_ABI_H
#define BPFKIT_STACKS_ABI_H

/* Frames kept per stack: the kernel's limit for stack maps (PERF_MAX_STACK_DEPTH). */
#define BK_STACK_DEPTH 127

/*
 * The key of a count by stack. Stack ids are indexes in the `stacks` map, or
 * the error of bpf_get_stackid(): -EFAULT when there is no such stack (a
 * kernel thread's user stack, the kernel stack of a sample in user mode),
 * -EEXIST or -ENOMEM when it was lost (counted in bk_stack_lost_*).
 */
struct bk_stack_key {
	__u32 tgid;
	__u32 tid;		/* 0 unless the tool breaks down by thread */
	__s32 ustack;		/* user stack id */
	__s32 kstack;		/* kernel stack id */
	char comm[16];
};

/* Stack-related settings in .rodata. */
struct bk_stack_opts {
	__u32 user;		/* record user stacks */
	__u32 kernel;		/* record kernel stacks */
	__u32 per_thread;	/* key.tid set */
	__u32 notify;		/* report a process's first event on `events` */
};

/* The record a tool sends when it first sees a process (bk_stack_opts.notify). */
struct bk_stack_seen {
	__u32 tgid;
	__u32 pad;
};

#endif
