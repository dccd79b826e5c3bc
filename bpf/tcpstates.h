/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* tcpstates's event ABI, shared by bpf/tcpstates.bpf.c and tools/tcpstates.c. */
#ifndef TCPSTATES_H
#define TCPSTATES_H

#include "net.h"

/* One TCP state change. */
struct state_event {
	__u64 ts_ns;
	__u64 prev_ns;		/* time spent in oldstate; valid when prev_seen */
	struct bk_conn conn;
	__u32 tgid;		/* the task running when the state changed */
	__u32 tid;
	__u32 uid;
	__u8 oldstate;		/* TCP_ESTABLISHED (1) ... TCP_NEW_SYN_RECV (12) */
	__u8 newstate;
	__u8 prev_seen;		/* the change into oldstate was seen */
	__u8 pad;
	char comm[16];
};

#endif
