/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* solisten's event ABI, shared by bpf/solisten.bpf.c and tools/solisten.c. */
#ifndef SOLISTEN_H
#define SOLISTEN_H

#include "net.h"

/* One listen() of an IPv4 or IPv6 socket: conn's local end is what it listens on. */
struct listen_event {
	__u64 ts_ns;
	struct bk_conn conn;
	__s32 ret;		/* 0 or -errno */
	__s32 backlog;		/* as given to listen() */
	__u32 max_backlog;	/* the queue limit the kernel set (somaxconn caps it) */
	__u32 tgid;
	__u32 tid;
	__u32 uid;
	__u16 protocol;		/* IPPROTO_TCP, IPPROTO_MPTCP, ... */
	__u16 pad;
	char comm[16];
};

#endif
