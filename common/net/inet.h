/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * IPv4 and IPv6 addresses as the BPF side hands them over: 16 bytes in network
 * order, an IPv4 address in the first four, with an address family
 * (AF_INET or AF_INET6) beside them.
 */
#ifndef BPFKIT_INET_H
#define BPFKIT_INET_H

#include <stddef.h>

/* Longest address text with its NUL (INET6_ADDRSTRLEN). */
#define BK_INET_ADDR_LEN 46
/* Longest "[ffff:...:255.255.255.255]:65535" with its NUL. */
#define BK_INET_ENDPOINT_LEN 56

/*
 * "10.0.0.1" or "fe80::1" (RFC 5952 form, v4-mapped as "::ffff:10.0.0.1").
 * 0, -EAFNOSUPPORT for another family, -ENOSPC when buf is too small.
 */
int bk_inet_addr(char *buf, size_t len, int family, const void *addr);

/* "10.0.0.1:80" or "[fe80::1]:80"; errors as bk_inet_addr(). */
int bk_inet_endpoint(char *buf, size_t len, int family, const void *addr, unsigned int port);

/* 4 or 6, for the IP column; 0 for another family. */
int bk_inet_version(int family);

#endif
