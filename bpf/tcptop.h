/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* tcptop's map ABI, shared by bpf/tcptop.bpf.c and tools/tcptop.c. */
#ifndef TCPTOP_H
#define TCPTOP_H

#define TCPTOP_MAX_FLOWS 10240

/* One connection of one process. Addresses in network order, IPv4 in bytes 0-3. */
struct flow_key {
	__u32 tgid;
	__u16 family;		/* AF_INET or AF_INET6 */
	__u16 lport;		/* host order */
	__u16 rport;		/* host order */
	__u16 pad;
	__u8 laddr[16];
	__u8 raddr[16];
};

/* Its bytes since user space last took the entry out of the map. */
struct flow {
	__u64 rx_bytes;
	__u64 tx_bytes;
	char comm[16];		/* of the thread that first moved bytes */
};

#endif
