// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Test trigger: exactly COUNT TCP connects to ADDR:PORT (IPv4 or IPv6), each
 * accepted and closed again, for each ADDR in turn. Prints its PID first.
 *
 *   connector [-w] [-s] [-T] [-n COUNT] ADDR... PORT   connect COUNT times to each
 *   connector -l [-n COUNT] ADDR PORT                  listen, accept COUNT, exit
 *   connector -P PORTS [-w] ADDR PORT                  one connect to each of PORTS
 *                                                      ports from PORT up, refused or not
 *
 * -s also listens on ADDR:PORT in this process (one address at a time), so
 * that one command makes COUNT connects that all succeed. -l prints "ready"
 * once it listens, for a test that starts the connecting side in another
 * network namespace. -w waits for a line on stdin before connecting, so a
 * tracer can be started with -p. -T connects from a second thread, which
 * prints "tid TID" first (see trigger.h).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "trigger.h"

static socklen_t parse_addr(const char *addr, const char *port, struct sockaddr_storage *ss)
{
	struct sockaddr_in *in = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, addr, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		in->sin_port = htons(atoi(port));
		return sizeof(*in);
	}
	if (inet_pton(AF_INET6, addr, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(atoi(port));
		return sizeof(*in6);
	}
	fprintf(stderr, "connector: bad address %s\n", addr);
	exit(2);
}

static int listener(const struct sockaddr_storage *ss, socklen_t len)
{
	int one = 1, fd = socket(ss->ss_family, SOCK_STREAM, 0);

	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (const struct sockaddr *)ss, len) || listen(fd, 128)) {
		perror("connector: listen");
		exit(3);
	}
	return fd;
}

static int count = 1, self_serve, ports;
static char **addrs;
static int naddrs;
static const char *port;

static int connect_all(void *arg __attribute__((unused)))
{
	if (ports) {
		struct sockaddr_storage ss;
		socklen_t len = parse_addr(addrs[0], port, &ss);

		for (int i = 0; i < ports; i++) {
			int fd = socket(ss.ss_family, SOCK_STREAM, 0), p = atoi(port) + i;

			if (fd < 0)
				return 4;
			if (ss.ss_family == AF_INET)
				((struct sockaddr_in *)&ss)->sin_port = htons(p);
			else
				((struct sockaddr_in6 *)&ss)->sin6_port = htons(p);
			connect(fd, (struct sockaddr *)&ss, len);
			close(fd);
		}
		return 0;
	}
	for (int a = 0; a < naddrs; a++) {
		struct sockaddr_storage ss;
		socklen_t len = parse_addr(addrs[a], port, &ss);
		int lfd = self_serve ? listener(&ss, len) : -1;

		for (int i = 0; i < count; i++) {
			int fd = socket(ss.ss_family, SOCK_STREAM, 0);

			if (fd < 0 || connect(fd, (struct sockaddr *)&ss, len)) {
				perror("connector: connect");
				return 4;
			}
			if (self_serve)
				close(accept(lfd, NULL, NULL));
			close(fd);
		}
		/* 127.0.0.1 and ::ffff:127.0.0.1 are one address: one listener at a time. */
		if (lfd >= 0)
			close(lfd);
	}
	return 0;
}

int main(int argc, char **argv)
{
	int listen_only = 0, wait_line = 0, thread = 0, lfd, c;
	struct sockaddr_storage ss;
	socklen_t len;

	while ((c = getopt(argc, argv, "lswTn:P:")) != -1) {
		switch (c) {
		case 'P': ports = atoi(optarg); break;
		case 'l': listen_only = 1; break;
		case 's': self_serve = 1; break;
		case 'w': wait_line = 1; break;
		case 'T': thread = 1; break;
		case 'n': count = atoi(optarg); break;
		default: return 2;
		}
	}
	if (argc - optind < 2 || (listen_only && argc - optind != 2)) {
		fprintf(stderr, "usage: connector [-l|-s] [-w] [-T] [-n COUNT | -P PORTS] ADDR... PORT\n");
		return 2;
	}
	addrs = &argv[optind];
	naddrs = argc - optind - 1;
	port = argv[argc - 1];
	/* Bad addresses end it before anything happens. */
	for (int a = 0; a < naddrs; a++)
		len = parse_addr(addrs[a], port, &ss);
	printf("%d\n", getpid());
	fflush(stdout);
	if (!listen_only)
		return trigger_run(connect_all, NULL, thread, wait_line);

	lfd = listener(&ss, len);
	printf("ready\n");
	fflush(stdout);
	for (int i = 0; i < count; i++) {
		int fd = accept(lfd, NULL, NULL);

		if (fd < 0) {
			perror("connector: accept");
			return 3;
		}
		close(fd);
	}
	return 0;
}
