/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* uflow's event ABI, shared by bpf/uflow.bpf.c and tools/uflow.c. */
#ifndef UFLOW_H
#define UFLOW_H

#define UFLOW_FILE_LEN 256	/* a power of two: indexes are masked with it */
#define UFLOW_FUNC_LEN 96
/* --module and --function: a name, or a prefix ending in '*' */
#define UFLOW_FILTER_LEN 96

/* flow_event.kind */
#define UFLOW_ENTRY 0
#define UFLOW_RETURN 1

struct flow_event {
	__u64 ts_ns;
	__u32 tgid;
	__u32 tid;
	__u32 cpu;
	__u32 kind;		/* UFLOW_ENTRY or UFLOW_RETURN */
	__s32 depth;		/* calls open on this thread outside this one */
	__s32 lineno;		/* the function's line in file */
	char file[UFLOW_FILE_LEN];	/* the code object's file name */
	char func[UFLOW_FUNC_LEN];
};

#endif
