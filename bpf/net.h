/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * What both sides of the network tools share (bpf/net.bpf.h, common/net/):
 * one connection's addresses as events carry them, and the network filters
 * (-4/-6, --ports/--lports/--rports, --netns) in .rodata.
 * The includer provides __u8/__u16/__u32.
 */
#ifndef BPFKIT_NET_H
#define BPFKIT_NET_H

/* Most ports each of --ports, --lports and --rports takes. */
#define BK_NET_MAX_PORTS 64

/* Kinds of port list: the key of bk_net_ports is (kind << 16) | port. */
#define BK_PORTS_ANY 1		/* --ports: local or remote */
#define BK_PORTS_LOCAL 2	/* --lports */
#define BK_PORTS_REMOTE 3	/* --rports */

/*
 * One TCP (or UDP) connection as the socket sees it: local and remote ends.
 * Addresses are in network order, an IPv4 address in bytes 0-3; ports in
 * host order. netns is the inode number of the socket's network namespace
 * (what `ls -iL /proc/PID/ns/net` shows).
 */
struct bk_conn {
	__u8 laddr[16];
	__u8 raddr[16];
	__u32 netns;
	__u16 family;		/* AF_INET or AF_INET6 */
	__u16 lport;
	__u16 rport;
	__u16 pad;
};

/* The network filters; zero means "off" for every field. */
struct bk_net_filter {
	__u32 netns;		/* --netns: this namespace's inode only */
	__u16 family;		/* -4 / -6: AF_INET or AF_INET6 only */
	__u8 ports;		/* --ports given: the local or the remote port is listed */
	__u8 lports;		/* --lports given */
	__u8 rports;		/* --rports given */
	__u8 pad[3];
};

#endif
