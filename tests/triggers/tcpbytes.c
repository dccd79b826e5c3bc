// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Test trigger: one TCP connection over loopback on which the client sends
 * exactly SEND bytes and then receives exactly RECV bytes; a thread of the
 * same process is the server (receives SEND, sends RECV). Prints its PID, then
 * "CLIENT_PORT SERVER_PORT" once connected. Then both sides close and it exits.
 *
 *   tcpbytes [-6] [-w] SEND RECV
 *
 * -6 uses ::1 instead of 127.0.0.1; -w waits for a line on stdin before
 * sending, so a tracer can be started with -p PID.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static long send_bytes, recv_bytes;
static int lfd;

static void die(const char *what)
{
	perror(what);
	exit(3);
}

static void send_all(int fd, long n)
{
	static __thread char buf[16384];

	memset(buf, 'b', sizeof(buf));
	while (n > 0) {
		ssize_t r = send(fd, buf, n < (long)sizeof(buf) ? n : (long)sizeof(buf), 0);

		if (r <= 0)
			die("tcpbytes: send");
		n -= r;
	}
}

static void recv_all(int fd, long n)
{
	static __thread char buf[16384];

	while (n > 0) {
		ssize_t r = recv(fd, buf, n < (long)sizeof(buf) ? n : (long)sizeof(buf), 0);

		if (r <= 0)
			die("tcpbytes: recv");
		n -= r;
	}
}

static void *server(void *arg __attribute__((unused)))
{
	int fd = accept(lfd, NULL, NULL);

	if (fd < 0)
		die("tcpbytes: accept");
	recv_all(fd, send_bytes);
	send_all(fd, recv_bytes);
	close(fd);
	return NULL;
}

int main(int argc, char **argv)
{
	struct sockaddr_storage ss = {};
	struct sockaddr_in *in = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
	socklen_t len = sizeof(struct sockaddr_in);
	struct sockaddr_storage local;
	socklen_t llen = sizeof(local);
	int v6 = 0, wait_line = 0, fd, c;
	pthread_t thread;
	char line[16];

	while ((c = getopt(argc, argv, "6w")) != -1) {
		switch (c) {
		case '6': v6 = 1; break;
		case 'w': wait_line = 1; break;
		default: return 2;
		}
	}
	if (argc - optind != 2) {
		fprintf(stderr, "usage: tcpbytes [-6] [-w] SEND RECV\n");
		return 2;
	}
	send_bytes = atol(argv[optind]);
	recv_bytes = atol(argv[optind + 1]);
	printf("%d\n", getpid());
	fflush(stdout);

	if (v6) {
		in6->sin6_family = AF_INET6;
		in6->sin6_addr = in6addr_loopback;
		len = sizeof(*in6);
	} else {
		in->sin_family = AF_INET;
		in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	}
	/* Port 0: the kernel picks a free one. */
	lfd = socket(ss.ss_family, SOCK_STREAM, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&ss, len) || listen(lfd, 1) ||
	    getsockname(lfd, (struct sockaddr *)&ss, &len))
		die("tcpbytes: listen");
	if (pthread_create(&thread, NULL, server, NULL))
		die("tcpbytes: pthread_create");
	fd = socket(ss.ss_family, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&ss, len) ||
	    getsockname(fd, (struct sockaddr *)&local, &llen))
		die("tcpbytes: connect");
	printf("%u %u\n", ntohs(v6 ? ((struct sockaddr_in6 *)&local)->sin6_port
				   : ((struct sockaddr_in *)&local)->sin_port),
	       ntohs(v6 ? in6->sin6_port : in->sin_port));
	fflush(stdout);
	if (wait_line && !fgets(line, sizeof(line), stdin))
		return 3;
	send_all(fd, send_bytes);
	recv_all(fd, recv_bytes);
	pthread_join(thread, NULL);
	close(fd);
	return 0;
}
