/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* tcpconnect's event ABI, shared by bpf/tcpconnect.bpf.c and tools/tcpconnect.c. */
#ifndef TCPCONNECT_H
#define TCPCONNECT_H

/* Most ports --ports takes. */
#define TCPCONNECT_MAX_PORTS 64
/* -c: rows of the counts table by default (--max-rows); allocated as used. */
#define TCPCONNECT_DEFAULT_ROWS 65536

/* One active connect. Addresses are in network order; IPv4 uses bytes 0-3. */
struct connect_event {
	__u64 ts_ns;
	__u32 tgid;
	__u32 tid;
	__u32 uid;
	__u16 family;		/* AF_INET or AF_INET6 */
	__u16 dport;		/* host order */
	__u8 saddr[16];
	__u8 daddr[16];
	char comm[16];
};

/* -c: the key of the counts map; its value is a __u64 number of connects. */
struct connect_key {
	__u16 family;
	__u16 dport;		/* host order */
	__u8 saddr[16];
	__u8 daddr[16];
};

#endif
