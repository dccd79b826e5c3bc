/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* runqslower's event ABI, shared by bpf/runqslower.bpf.c and tools/runqslower.c. */
#ifndef RUNQSLOWER_H
#define RUNQSLOWER_H

#define RUNQSLOWER_WAITS 32768

/* One run-queue wait at or above the threshold, sent when its task next leaves the CPU. */
struct runqslower_event {
	__u64 ts_ns;		/* when the task got the CPU */
	__u64 delta_ns;		/* how long it waited for it */
	__u32 tgid;
	__u32 tid;
	__u32 uid;
	__u32 prev_tid;		/* the task that CPU ran before it (0: idle) */
	char comm[16];
	char prev_comm[16];
};

#endif
