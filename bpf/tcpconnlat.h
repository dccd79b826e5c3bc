/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* tcpconnlat's event ABI, shared by bpf/tcpconnlat.bpf.c and tools/tcpconnlat.c. */
#ifndef TCPCONNLAT_H
#define TCPCONNLAT_H

#include "net.h"

/* One connect that completed: from SYN_SENT to ESTABLISHED. */
struct connlat_event {
	__u64 ts_ns;		/* when it was established */
	__u64 lat_ns;
	struct bk_conn conn;
	__u32 tgid;		/* the process that called connect() */
	__u32 tid;
	__u32 uid;
	char comm[16];
};

#endif
