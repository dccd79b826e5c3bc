/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* gospawn's event and map ABI, shared by bpf/gospawn.bpf.c and tools/gospawn.c. */
#ifndef GOSPAWN_H
#define GOSPAWN_H

/* Return addresses kept of the spawning goroutine's stack (-s). */
#define GOSPAWN_STACK_MAX 16

struct spawn_event {
	__u64 ts_ns;
	__u64 start_pc;		/* where the new goroutine starts (fn->fn), as mapped */
	__u64 target_pc;	/* what its wrapper calls by value (gospawn_wrapper), 0: none */
	__u64 caller_pc;	/* return address of the go statement's call of newproc */
	__u64 probe_ip;		/* where the newproc1 entry probe fired: gives the load bias */
	__u64 parent_goid;
	__u64 goid;		/* of the new goroutine, from newproc1's result */
	__u32 tgid;
	__u32 tid;
	__u32 uid;
	__u32 nframes;		/* entries of stack[] filled (-s) */
	char comm[16];
	__u64 stack[GOSPAWN_STACK_MAX];	/* return addresses, innermost first; records end after nframes */
};

/* -c: rows of the counts table (process, start function, go statement). */
#define GOSPAWN_MAX_COUNTS 10240

/* -c: spawns counted in the kernel per process, start function and go statement. */
struct spawn_key {
	__u64 start_pc;
	__u64 target_pc;
	__u64 caller_pc;
	__u32 tgid;
	__u32 pad;
};

struct spawn_count {
	__u64 count;
	__u64 probe_ip;
};

/* go-statement wrappers that call a function value, at most. */
#define GOSPAWN_MAX_WRAPPERS 4096
#define GOSPAWN_WRAP_LOADS 4

/*
 * A wrapper's way to the code it calls, by its link-time address: from the
 * closure the goroutine starts with, v = *(v + loads[i]) for i < nloads.
 */
struct gospawn_wrapper {
	__u32 nloads;
	__s32 loads[GOSPAWN_WRAP_LOADS];
};

#endif
