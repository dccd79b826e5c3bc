/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * A connection as the BPF side hands it over (struct bk_conn, bpf/net.h),
 * printed in columns and JSON, and the names of TCP states.
 */
#ifndef BPFKIT_CONN_H
#define BPFKIT_CONN_H

#include <linux/types.h>
#include "core/json.h"
#include "net/inet.h"
#include "net.h"

/* Widths of an IPv4 address and of an IPv4 "addr:port"; IPv6 may push the line. */
#define BK_W_ADDR 15
#define BK_W_ENDPOINT 21
#define BK_W_PORT 5
/* The longest TCP state name, "ESTABLISHED" and "NEW_SYN_RECV" aside. */
#define BK_W_STATE 11

/* Local and remote address texts ("?" when the family is unknown). */
void bk_conn_addrs(const struct bk_conn *c, char laddr[BK_INET_ADDR_LEN],
		   char raddr[BK_INET_ADDR_LEN]);
/* "addr:port" of both ends ("[v6]:port" for IPv6). */
void bk_conn_endpoints(const struct bk_conn *c, char local[BK_INET_ENDPOINT_LEN],
		       char remote[BK_INET_ENDPOINT_LEN]);
/* The members ip, laddr, lport, raddr, rport and netns. */
void bk_json_conn(struct bk_json *j, const struct bk_conn *c);
/* The members ip, addr, port and netns of the local end only (bind, listen). */
void bk_json_local(struct bk_json *j, const struct bk_conn *c);
/* The members ret and error: the errno's name, null for a result >= 0. */
void bk_json_ret(struct bk_json *j, long ret);

/* A system call's result: "0", or the errno's name ("EADDRINUSE"), else the number. */
const char *bk_ret_name(long ret, char buf[24]);

/* "TCP", "UDP", "SCTP", "MPTCP", ... for an IP protocol number; else its number in buf. */
const char *bk_ip_proto(int proto, char buf[16]);

/* "ESTABLISHED", "SYN_SENT", ... for a TCP state number; "UNKNOWN" otherwise. */
const char *bk_tcp_state(int state);

#endif
