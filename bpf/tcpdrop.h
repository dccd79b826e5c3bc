/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* tcpdrop's event ABI, shared by bpf/tcpdrop.bpf.c and tools/tcpdrop.c. */
#ifndef TCPDROP_H
#define TCPDROP_H

#include "net.h"

/* Kernel frames kept per drop (the kernel's limit, PERF_MAX_STACK_DEPTH). */
#define TCPDROP_STACK_DEPTH 127

/* TCP header flags, as in the header's 14th byte. */
#define TCPDROP_FIN 0x01
#define TCPDROP_SYN 0x02
#define TCPDROP_RST 0x04
#define TCPDROP_PSH 0x08
#define TCPDROP_ACK 0x10
#define TCPDROP_URG 0x20
#define TCPDROP_ECE 0x40
#define TCPDROP_CWR 0x80

/*
 * One dropped TCP packet. conn's local end is this machine's: the packet's
 * destination when it was received, its source when it was being sent
 * (outgoing). Variable length: stack holds nframes kernel addresses, leaf
 * first.
 */
struct drop_event {
	__u64 ts_ns;
	__u64 location;		/* where kfree_skb was called from */
	struct bk_conn conn;
	__u32 reason;		/* enum skb_drop_reason, as the running kernel numbers it */
	__u32 nframes;
	__u8 state;		/* the socket's TCP state; 0 when the packet had none */
	__u8 tcpflags;		/* TCPDROP_* */
	__u8 outgoing;
	__u8 reason_known;	/* the kernel's record has a reason (Linux 5.17 and later) */
	__u64 stack[TCPDROP_STACK_DEPTH];
};

#endif
