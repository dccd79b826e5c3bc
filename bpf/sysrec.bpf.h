/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * The records of the syscalls:sys_enter_* and sys_exit_* tracepoints, as
 * their format files give them (stable ABI). Declared here rather than taken
 * from vmlinux.h (trace_event_raw_sys_enter), whose accesses would be CO-RE
 * relocations: an object without any spares libbpf a parse of the whole
 * kernel BTF at load.
 */
#ifndef BPFKIT_SYSREC_BPF_H
#define BPFKIT_SYSREC_BPF_H

struct bk_sys_enter {
	__u64 common;		/* common_type, _flags, _preempt_count, _pid */
	long nr;
	unsigned long args[6];
};

struct bk_sys_exit {
	__u64 common;
	long nr;
	long ret;
};

#endif
