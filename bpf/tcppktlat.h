/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* tcppktlat's event ABI, shared by bpf/tcppktlat.bpf.c and tools/tcppktlat.c. */
#ifndef TCPPKTLAT_H
#define TCPPKTLAT_H

#include "net.h"

/* A read that found data waiting at least the threshold. */
struct pktlat_event {
	__u64 ts_ns;		/* the read */
	__u64 lat_ns;		/* since the oldest unread data arrived */
	struct bk_conn conn;
	__u32 tgid;		/* the reader */
	__u32 tid;
	__u32 uid;
	char comm[16];
};

#endif
