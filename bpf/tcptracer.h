/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* tcptracer's event ABI, shared by bpf/tcptracer.bpf.c and tools/tcptracer.c. */
#ifndef TCPTRACER_H
#define TCPTRACER_H

#include "net.h"

#define TCPTRACER_CONNECT 1	/* an active open reached ESTABLISHED */
#define TCPTRACER_ACCEPT 2	/* accept() returned a connection */
#define TCPTRACER_CLOSE 3	/* one of those closed */

struct tracer_event {
	__u64 ts_ns;
	struct bk_conn conn;
	__u32 tgid;		/* who connected or accepted */
	__u32 tid;
	__u32 uid;
	__u8 type;		/* TCPTRACER_* */
	__u8 pad[3];
	char comm[16];
};

#endif
