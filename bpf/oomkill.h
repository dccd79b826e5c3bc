/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* oomkill's event ABI, shared by bpf/oomkill.bpf.c and tools/oomkill.c. */
#ifndef OOMKILL_H
#define OOMKILL_H

struct oom_event {
	__u64 ts_ns;
	__u64 total_vm_pages;	/* the victim's address space; 0: not known */
	__u64 limit_pages;	/* memory the OOM killer had (oc->totalpages); 0: not known */
	__u32 killed_tid;	/* the victim task (for a process, its PID) */
	__u32 trigger_tgid;	/* the task whose allocation failed */
	__u32 trigger_tid;
	__u32 killed_uid;	/* 0xffffffff: not known */
	char killed_comm[16];	/* empty: not known */
	char trigger_comm[16];
};

#define OOMKILL_UID_UNKNOWN 0xffffffffU

#endif
