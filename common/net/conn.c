// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#include <stdio.h>
#include <string.h>
#include "net/conn.h"

void bk_conn_addrs(const struct bk_conn *c, char laddr[BK_INET_ADDR_LEN],
		   char raddr[BK_INET_ADDR_LEN])
{
	if (bk_inet_addr(laddr, BK_INET_ADDR_LEN, c->family, c->laddr))
		strcpy(laddr, "?");
	if (bk_inet_addr(raddr, BK_INET_ADDR_LEN, c->family, c->raddr))
		strcpy(raddr, "?");
}

void bk_conn_endpoints(const struct bk_conn *c, char local[BK_INET_ENDPOINT_LEN],
		       char remote[BK_INET_ENDPOINT_LEN])
{
	if (bk_inet_endpoint(local, BK_INET_ENDPOINT_LEN, c->family, c->laddr, c->lport))
		strcpy(local, "?");
	if (bk_inet_endpoint(remote, BK_INET_ENDPOINT_LEN, c->family, c->raddr, c->rport))
		strcpy(remote, "?");
}

void bk_json_conn(struct bk_json *j, const struct bk_conn *c)
{
	char laddr[BK_INET_ADDR_LEN], raddr[BK_INET_ADDR_LEN];

	bk_conn_addrs(c, laddr, raddr);
	bk_json_int(j, "ip", bk_inet_version(c->family));
	bk_json_str(j, "laddr", laddr, sizeof(laddr));
	bk_json_uint(j, "lport", c->lport);
	bk_json_str(j, "raddr", raddr, sizeof(raddr));
	bk_json_uint(j, "rport", c->rport);
	bk_json_uint(j, "netns", c->netns);
}

void bk_json_local(struct bk_json *j, const struct bk_conn *c)
{
	char addr[BK_INET_ADDR_LEN] = "?";

	bk_inet_addr(addr, sizeof(addr), c->family, c->laddr);
	bk_json_int(j, "ip", bk_inet_version(c->family));
	bk_json_str(j, "addr", addr, sizeof(addr));
	bk_json_uint(j, "port", c->lport);
	bk_json_uint(j, "netns", c->netns);
}

void bk_json_ret(struct bk_json *j, long ret)
{
	char num[24];

	bk_json_int(j, "ret", ret);
	if (ret < 0)
		bk_json_str(j, "error", bk_ret_name(ret, num), (size_t)-1);
	else
		bk_json_null(j, "error");
}

const char *bk_ret_name(long ret, char buf[24])
{
	const char *name = ret < 0 && ret > -4096 ? strerrorname_np(-ret) : NULL;

	if (name)
		return name;
	snprintf(buf, 24, "%ld", ret);
	return buf;
}

const char *bk_ip_proto(int proto, char buf[16])
{
	switch (proto) {
	case 0:
		return "IP";
	case 6:
		return "TCP";
	case 17:
		return "UDP";
	case 132:
		return "SCTP";
	case 136:
		return "UDPLITE";
	case 262:
		return "MPTCP";
	}
	snprintf(buf, 16, "%d", proto);
	return buf;
}

const char *bk_tcp_state(int state)
{
	/* include/net/tcp_states.h; the numbers are ABI (tracepoint records, ss). */
	static const char *names[] = {
		[1] = "ESTABLISHED", [2] = "SYN_SENT",	  [3] = "SYN_RECV",   [4] = "FIN_WAIT1",
		[5] = "FIN_WAIT2",   [6] = "TIME_WAIT",	  [7] = "CLOSE",      [8] = "CLOSE_WAIT",
		[9] = "LAST_ACK",    [10] = "LISTEN",	  [11] = "CLOSING",   [12] = "NEW_SYN_RECV",
		[13] = "BOUND_INACTIVE",
	};

	if (state > 0 && state < (int)(sizeof(names) / sizeof(names[0])) && names[state])
		return names[state];
	return "UNKNOWN";
}
