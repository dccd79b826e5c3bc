/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* exitsnoop's event ABI, shared by bpf/exitsnoop.bpf.c and tools/exitsnoop.c. */
#ifndef EXITSNOOP_H
#define EXITSNOOP_H

struct exit_event {
	__u64 ts_ns;
	__u64 age_ns;		/* since the process (or with --threads the thread) started */
	__u32 tgid;
	__u32 tid;		/* the thread that exited (the last one, for a process) */
	__u32 ppid;
	__u32 uid;
	__u32 status;		/* as wait(2) gives it: code << 8, or signal | 0x80 if core dumped */
	__u32 pad;
	char comm[16];		/* the process's (its leader's) name */
};

#endif
