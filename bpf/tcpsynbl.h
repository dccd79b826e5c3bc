/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* tcpsynbl's map ABI, shared by bpf/tcpsynbl.bpf.c and tools/tcpsynbl.c. */
#ifndef TCPSYNBL_H
#define TCPSYNBL_H

#define TCPSYNBL_SLOTS 32
#define TCPSYNBL_MAX_LISTENERS 4096

/* A listening socket: its address, port, namespace and backlog limit. */
struct synbl_key {
	__u8 addr[16];		/* network order, IPv4 in bytes 0-3 */
	__u32 netns;
	__u32 max_backlog;	/* sk_max_ack_backlog: listen()'s backlog, capped by somaxconn */
	__u16 family;
	__u16 port;
};

/* The accept-queue lengths connections found when they joined the queue. */
struct synbl_hist {
	__u64 count;		/* connections that joined */
	__u64 total;		/* sum of the lengths */
	__u32 max_seen;		/* the longest */
	__u32 pad;
	__u32 slots[TCPSYNBL_SLOTS];	/* log2 of the length, the new connection included */
};

#endif
