/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* tcpretrans's event ABI, shared by bpf/tcpretrans.bpf.c and tools/tcpretrans.c. */
#ifndef TCPRETRANS_H
#define TCPRETRANS_H

#include "net.h"

#define RETRANS_SEGMENT 1	/* tcp:tcp_retransmit_skb: a segment (or a SYN) sent again */
#define RETRANS_SYNACK 2	/* tcp:tcp_retransmit_synack: a SYN-ACK sent again */
#define RETRANS_TLP 3		/* tcp_send_loss_probe: a tail-loss probe (-l) */

struct retrans_event {
	__u64 ts_ns;
	struct bk_conn conn;
	__u8 state;		/* the socket's TCP state */
	__u8 kind;		/* RETRANS_* */
	__u8 pad[2];
};

/* -c: the key of the counts map; its value is a __u64 count. */
struct retrans_key {
	struct bk_conn conn;
	__u32 kind;
};

#endif
