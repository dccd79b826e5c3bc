/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* tcpaccept's event ABI, shared by bpf/tcpaccept.bpf.c and tools/tcpaccept.c. */
#ifndef TCPACCEPT_H
#define TCPACCEPT_H

#include "net.h"

/* One accepted connection: local end = the listener's address and port. */
struct accept_event {
	__u64 ts_ns;
	struct bk_conn conn;
	__u32 tgid;		/* the process that called accept() */
	__u32 tid;
	__u32 uid;
	char comm[16];
};

#endif
