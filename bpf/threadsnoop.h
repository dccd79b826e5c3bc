/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* threadsnoop's event ABI, shared by bpf/threadsnoop.bpf.c and tools/threadsnoop.c. */
#ifndef THREADSNOOP_H
#define THREADSNOOP_H

/* How the thread was made. */
#define THREADSNOOP_CLONE 0		/* clone()/clone3() with CLONE_THREAD, not in pthread_create() */
#define THREADSNOOP_PTHREAD 1		/* inside pthread_create(): start_routine known */

struct thread_event {
	__u64 ts_ns;
	__u64 start_addr;	/* pthread_create()'s start_routine; 0 when not known */
	__u32 tgid;
	__u32 tid;		/* the creating thread */
	__u32 new_tid;		/* the new thread */
	__u32 uid;
	__u32 via;		/* THREADSNOOP_CLONE, THREADSNOOP_PTHREAD */
	__u32 pad;
	char comm[16];		/* the creating thread's */
};

#endif
