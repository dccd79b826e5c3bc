/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* bindsnoop's event ABI, shared by bpf/bindsnoop.bpf.c and tools/bindsnoop.c. */
#ifndef BINDSNOOP_H
#define BINDSNOOP_H

#include "net.h"

/* Socket options in bind_event.opts. */
#define BIND_OPT_FREEBIND 0x01		/* IP_FREEBIND */
#define BIND_OPT_TRANSPARENT 0x02	/* IP_TRANSPARENT */
#define BIND_OPT_NO_PORT 0x04		/* IP_BIND_ADDRESS_NO_PORT */
#define BIND_OPT_REUSEADDR 0x08		/* SO_REUSEADDR */
#define BIND_OPT_REUSEPORT 0x10		/* SO_REUSEPORT */

/* inet_flags bit numbers of Linux 6.6 and later, from the kernel's BTF. */
struct bind_flag_bits {
	__u32 freebind;
	__u32 transparent;
	__u32 no_port;
	__u32 known;		/* the kernel has inet_flags (else: inet_sock bitfields) */
};

/* One bind() of an IPv4 or IPv6 socket: conn's local end is the address asked for. */
struct bind_event {
	__u64 ts_ns;
	struct bk_conn conn;	/* family, laddr and lport as given to bind(); netns */
	__s32 ret;		/* 0 or -errno */
	__u32 tgid;
	__u32 tid;
	__u32 uid;
	__u32 ifindex;		/* SO_BINDTODEVICE, 0 if none */
	__u16 protocol;		/* IPPROTO_TCP, IPPROTO_UDP, ... */
	__u16 type;		/* SOCK_STREAM, SOCK_DGRAM, ... */
	__u8 opts;		/* BIND_OPT_* */
	__u8 pad[3];
	char comm[16];
};

#endif
