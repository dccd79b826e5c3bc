/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* execsnoop's event ABI, shared by bpf/execsnoop.bpf.c and tools/execsnoop.c. */
#ifndef EXECSNOOP_H
#define EXECSNOOP_H

#define EXECSNOOP_ARGS_SIZE 8192	/* bytes of argv an event can carry */
#define EXECSNOOP_ARG_LEN 256		/* of one argument of a failed exec, NUL included */
#define EXECSNOOP_MAX_ARGS 60		/* the most --max-args allows */
#define EXECSNOOP_DEFAULT_ARGS 20

/*
 * Variable-length: only the first EXECSNOOP_EVENT_HEAD + args_size bytes go
 * through the ring buffer.
 */
struct exec_event {
	__u64 ts_ns;
	__s64 ret;		/* 0, or the -errno of a failed exec */
	__u32 tgid;
	__u32 tid;
	__u32 ppid;
	__u32 uid;
	__u32 args_size;	/* bytes used in args[] */
	/*
	 * BK_STR_CUT(0): argv did not all fit (more than --max-args arguments,
	 * or more bytes); when args[] does not end in a NUL its last argument
	 * is the one cut. BK_STR_UNREADABLE(0): argv could not be read (from
	 * the argument it says where args[] ends).
	 */
	__u32 str_flags;
	char comm[16];		/* of the new program after a successful exec */
	char args[EXECSNOOP_ARGS_SIZE];	/* argv: NUL-terminated strings back to back */
};

#define EXECSNOOP_EVENT_HEAD (sizeof(struct exec_event) - EXECSNOOP_ARGS_SIZE)

#endif
