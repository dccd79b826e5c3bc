// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Test trigger: exactly COUNT TCP connects to ADDR:PORT (IPv4 or IPv6), each
 * accepted and closed again. Prints its PID first.
 *
 *   connector [-w] [-s] [-n COUNT] ADDR PORT    connect COUNT times
 *   connector -l [-n COUNT] ADDR PORT           listen, accept COUNT, exit
 *   connector -P PORTS ADDR PORT                one connect to each of PORTS
 *                                               ports from PORT up, refused or not
 *
 * -s also listens on ADDR:PORT in this process, so that one command makes
 * COUNT connects that all succeed. -l prints "ready" once it listens, for a
 * test that starts the connecting side in another network namespace. -w waits
 * for a line on stdin before connecting, so a tracer can be started with -p.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

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

int main(int argc, char **argv)
{
	int count = 1, listen_only = 0, self_serve = 0, wait_line = 0, lfd = -1, ports = 0, c;
	struct sockaddr_storage ss;
	socklen_t len;
	char line[16];

	while ((c = getopt(argc, argv, "lswn:P:")) != -1) {
		switch (c) {
		case 'P': ports = atoi(optarg); break;
		case 'l': listen_only = 1; break;
		case 's': self_serve = 1; break;
		case 'w': wait_line = 1; break;
		case 'n': count = atoi(optarg); break;
		default: return 2;
		}
	}
	if (argc - optind != 2) {
		fprintf(stderr, "usage: connector [-l|-s] [-w] [-n COUNT | -P PORTS] ADDR PORT\n");
		return 2;
	}
	len = parse_addr(argv[optind], argv[optind + 1], &ss);
	printf("%d\n", getpid());
	fflush(stdout);

	if (listen_only || self_serve)
		lfd = listener(&ss, len);
	if (listen_only) {
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
	if (wait_line && !fgets(line, sizeof(line), stdin))
		return 3;
	for (int i = 0; i < ports; i++) {
		int fd = socket(ss.ss_family, SOCK_STREAM, 0), p = atoi(argv[optind + 1]) + i;

		if (fd < 0)
			return 4;
		if (ss.ss_family == AF_INET)
			((struct sockaddr_in *)&ss)->sin_port = htons(p);
		else
			((struct sockaddr_in6 *)&ss)->sin6_port = htons(p);
		connect(fd, (struct sockaddr *)&ss, len);
		close(fd);
	}
	if (ports)
		return 0;
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
	return 0;
}
