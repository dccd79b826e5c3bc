// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <sys/socket.h>
#include "net/inet.h"

int bk_inet_addr(char *buf, size_t len, int family, const void *addr)
{
	if (family != AF_INET && family != AF_INET6)
		return -EAFNOSUPPORT;
	if (!inet_ntop(family, addr, buf, len))
		return -errno;
	return 0;
}

int bk_inet_endpoint(char *buf, size_t len, int family, const void *addr, unsigned int port)
{
	char a[BK_INET_ADDR_LEN];
	int err, n;

	err = bk_inet_addr(a, sizeof(a), family, addr);
	if (err)
		return err;
	n = snprintf(buf, len, family == AF_INET6 ? "[%s]:%u" : "%s:%u", a, port);
	if (n < 0 || (size_t)n >= len)
		return -ENOSPC;
	return 0;
}

int bk_inet_version(int family)
{
	return family == AF_INET ? 4 : family == AF_INET6 ? 6 : 0;
}
