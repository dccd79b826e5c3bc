/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* tcplife's event ABI, shared by bpf/tcplife.bpf.c and tools/tcplife.c. */
#ifndef TCPLIFE_H
#define TCPLIFE_H

#include "net.h"

/* One TCP session, reported when its socket closes. */
struct life_event {
	__u64 ts_ns;		/* when it closed */
	__u64 span_ns;		/* from SYN_SENT or SYN_RECV to CLOSE */
	__u64 tx_bytes;		/* data bytes sent and acknowledged by the peer */
	__u64 rx_bytes;		/* data bytes received */
	struct bk_conn conn;
	__u32 tgid;		/* who connected or accepted it; 0: never accepted */
	__u32 tid;
	__u32 uid;
	__u8 active;		/* 1: opened by connect(), 0: by accept() */
	__u8 pad[3];
	char comm[16];
};

#endif
