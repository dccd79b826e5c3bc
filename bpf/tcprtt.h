/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* tcprtt's map ABI, shared by bpf/tcprtt.bpf.c and tools/tcprtt.c. */
#ifndef TCPRTT_H
#define TCPRTT_H

#define TCPRTT_SLOTS 32
#define TCPRTT_MAX_KEYS 10240

/* --by: what the histograms are kept per. */
#define TCPRTT_BY_NONE 0
#define TCPRTT_BY_LADDR 1
#define TCPRTT_BY_RADDR 2
#define TCPRTT_BY_LPORT 3
#define TCPRTT_BY_RPORT 4

/* One histogram's key: the address or the port --by picks, zero otherwise. */
struct rtt_key {
	__u8 addr[16];		/* network order, IPv4 in bytes 0-3 */
	__u16 family;		/* with an address */
	__u16 port;
};

struct rtt_hist {
	__u64 count;		/* RTT samples (packets received on established sockets) */
	__u64 total_ns;		/* sum of their smoothed RTTs */
	__u32 slots[TCPRTT_SLOTS];	/* log2 of the smoothed RTT in us (ms with -m) */
};

#endif
