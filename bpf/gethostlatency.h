/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* gethostlatency's event ABI, shared by bpf/gethostlatency.bpf.c and tools/gethostlatency.c. */
#ifndef GETHOSTLATENCY_H
#define GETHOSTLATENCY_H

/* A DNS name has at most 253 bytes; longer strings are cut and flagged. */
#define GETHOSTLATENCY_HOST_LEN 256

/* Which resolver function was called (host_event.func). */
#define GETHOSTLATENCY_GETADDRINFO 0
#define GETHOSTLATENCY_GETHOSTBYNAME 1
#define GETHOSTLATENCY_GETHOSTBYNAME2 2

struct host_event {
	__u64 ts_ns;		/* when the call returned */
	__u64 delta_ns;		/* entry to return */
	__u32 tgid;
	__u32 tid;
	__u32 func;		/* GETHOSTLATENCY_* */
	__u32 str_flags;	/* BK_STR_CUT(0)/BK_STR_UNREADABLE(0): host (bpfkit.h) */
	char comm[16];
	char host[GETHOSTLATENCY_HOST_LEN];	/* the name asked for, as given */
};

#endif
