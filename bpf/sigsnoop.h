/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* sigsnoop's event ABI, shared by bpf/sigsnoop.bpf.c and tools/sigsnoop.c. */
#ifndef SIGSNOOP_H
#define SIGSNOOP_H

/* What made the event: the kernel generating a signal, or a kill-family call. */
#define SIGSNOOP_GENERATE 0
#define SIGSNOOP_KILL 1
#define SIGSNOOP_TKILL 2
#define SIGSNOOP_TGKILL 3

/* signal_generate's result (enum trace_signal_deliver_result, include/trace/events/signal.h). */
#define SIGSNOOP_DELIVERED 0
#define SIGSNOOP_IGNORED 1
#define SIGSNOOP_ALREADY_PENDING 2
#define SIGSNOOP_OVERFLOW_FAIL 3
#define SIGSNOOP_LOSE_INFO 4

struct sig_event {
	__u64 ts_ns;
	__u32 tgid;		/* the sender: the task running when the signal was made */
	__u32 tid;
	__u32 uid;
	__s32 target;		/* GENERATE: the target thread; KILL: pid argument; TKILL: tid; TGKILL: tgid */
	__s32 target_tid;	/* TGKILL: the tid argument; otherwise 0 */
	__s32 sig;
	__s32 code;		/* GENERATE: si_code (0 SI_USER, -6 SI_TKILL, > 0 from the kernel) */
	__s32 result;		/* GENERATE: SIGSNOOP_DELIVERED...; the calls: their return value */
	__u32 call;		/* SIGSNOOP_GENERATE ... */
	__u32 group;		/* GENERATE: for the whole process, not one thread */
	char comm[16];		/* the sender's */
	char target_comm[16];	/* GENERATE: the target thread's; empty for the calls */
};

#endif
