// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Test trigger for the network tools: TCP sessions with exactly known
 * connections, bytes, backlogs and delays, over loopback or between network
 * namespaces (one side in each). Prints its PID first (alone on the line, as
 * every trigger does), then what it did, one "word value" line each, flushed:
 *
 *   tcpsess [-w] [-n N] [-s S] [-r R] MODE ADDR PORT
 *
 *   accept    listen on ADDR:PORT (0: the kernel picks), fork a client
 *             process that connects N times (sending S bytes, receiving R),
 *             accept N (receiving S, sending R) and close them first.
 *             Prints "listen PORT", the child "client PID" and one
 *             "cport PORT" per connect
 *   serve     listen on ADDR:PORT ("listen PORT", "ready"), then N times:
 *             accept, receive S bytes, send R bytes, close
 *   client    N times: connect to ADDR:PORT ("cport PORT"), send S bytes
 *             (in 16 KiB writes, -P MS apart), receive R bytes, close
 *   refuse    N connects to ADDR:PORT where nothing listens ("refused N")
 *   bind      bind a TCP socket (-u: UDP) to ADDR:PORT, then a second one to
 *             the same: "bind 0", "bind2 ERRNO". -o sets SO_REUSEADDR,
 *             SO_REUSEPORT and IP_FREEBIND on the first
 *   listen    bind ADDR:PORT, listen(-b BACKLOG): "listen PORT"; then a
 *             socket connected to it calls listen(), which fails:
 *             "cport PORT", "listen2 ERRNO"
 *   backlog   listen(-b BACKLOG) and never accept; N connects that complete
 *             into the accept queue ("queued N"), then close everything
 *   slowconn  listen(0) on ADDR:PORT; a first connect fills the accept queue,
 *             so the SYN of a second (from a thread) is dropped; -D MS later
 *             the first is accepted, and the second completes when its SYN
 *             is sent again (after about a second). "cport PORT" each, in
 *             that order, then "slow MS" (the second connect's duration)
 *   pktlat    a connection to itself on ADDR; the peer sends N messages of
 *             100 bytes, each after the last was answered; the first -F of
 *             them are read as soon as they arrive, the others -D MS after
 *             ("cport PORT", "late N")
 *
 * -w waits for a line on stdin before acting (after "listen"/"ready"), so
 * that a tracer can be started with -p PID. -T does it all in a second
 * thread, which prints "tid TID" first, so that a tracer's -t can name a
 * thread that is not the main one.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long count = 1, send_bytes, recv_bytes, backlog = 16, pace_ms, delay_ms = 300, fast;
static int wait_line, udp, sockopts;

static void die(const char *what)
{
	fprintf(stderr, "tcpsess: %s: %s\n", what, strerror(errno));
	exit(3);
}

static void say(const char *word, long v)
{
	printf("%s %ld\n", word, v);
	fflush(stdout);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static void gate(void)
{
	char line[16];

	if (wait_line && !fgets(line, sizeof(line), stdin))
		exit(3);
}

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
	fprintf(stderr, "tcpsess: bad address %s\n", addr);
	exit(2);
}

static int port_of(int fd, int local)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if ((local ? getsockname : getpeername)(fd, (struct sockaddr *)&ss, &len))
		die("getsockname");
	return ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
					      : ((struct sockaddr_in *)&ss)->sin_port);
}

/* A listener on *ss; the port the kernel chose goes back into *ss. */
static int listener(struct sockaddr_storage *ss, socklen_t *len, int n)
{
	int one = 1, fd = socket(ss->ss_family, SOCK_STREAM, 0);

	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)ss, *len) || listen(fd, n) ||
	    getsockname(fd, (struct sockaddr *)ss, len))
		die("listen");
	return fd;
}

static int connect_to(const struct sockaddr_storage *ss, socklen_t len)
{
	int fd = socket(ss->ss_family, SOCK_STREAM, 0);

	if (fd < 0 || connect(fd, (const struct sockaddr *)ss, len))
		die("connect");
	return fd;
}

static void send_all(int fd, long n, long pace)
{
	static char buf[16384];

	memset(buf, 'b', sizeof(buf));
	while (n > 0) {
		ssize_t r = send(fd, buf, n < (long)sizeof(buf) ? n : (long)sizeof(buf), 0);

		if (r <= 0)
			die("send");
		n -= r;
		if (pace && n > 0)
			sleep_ms(pace);
	}
}

static void recv_all(int fd, long n)
{
	static char buf[16384];

	while (n > 0) {
		ssize_t r = recv(fd, buf, n < (long)sizeof(buf) ? n : (long)sizeof(buf), 0);

		if (r <= 0)
			die("recv");
		n -= r;
	}
}

static void do_accept(struct sockaddr_storage *ss, socklen_t len)
{
	int lfd = listener(ss, &len, count), status;
	pid_t child;

	say("listen", port_of(lfd, 1));
	gate();
	child = fork();
	if (child < 0)
		die("fork");
	if (!child) {
		say("client", getpid());
		for (long i = 0; i < count; i++) {
			int fd = connect_to(ss, len);

			say("cport", port_of(fd, 1));
			send_all(fd, send_bytes, 0);
			recv_all(fd, recv_bytes);
			/* Wait for the server's close, so the accepts come in order. */
			recv(fd, &status, 1, 0);
			close(fd);
		}
		exit(0);
	}
	for (long i = 0; i < count; i++) {
		int fd = accept(lfd, NULL, NULL);

		if (fd < 0)
			die("accept");
		recv_all(fd, send_bytes);
		send_all(fd, recv_bytes, 0);
		close(fd);
	}
	if (waitpid(child, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
		exit(4);
	close(lfd);
}

static void do_serve(struct sockaddr_storage *ss, socklen_t len)
{
	int lfd = listener(ss, &len, count);

	say("listen", port_of(lfd, 1));
	printf("ready\n");
	fflush(stdout);
	gate();
	for (long i = 0; i < count; i++) {
		int fd = accept(lfd, NULL, NULL);

		if (fd < 0)
			die("accept");
		recv_all(fd, send_bytes);
		send_all(fd, recv_bytes, 0);
		close(fd);
	}
	close(lfd);
}

static void do_client(struct sockaddr_storage *ss, socklen_t len)
{
	gate();
	for (long i = 0; i < count; i++) {
		int fd = connect_to(ss, len);

		say("cport", port_of(fd, 1));
		send_all(fd, send_bytes, pace_ms);
		recv_all(fd, recv_bytes);
		close(fd);
	}
}

static void do_refuse(struct sockaddr_storage *ss, socklen_t len)
{
	long refused = 0;

	gate();
	for (long i = 0; i < count; i++) {
		int fd = socket(ss->ss_family, SOCK_STREAM, 0);

		if (fd < 0)
			die("socket");
		if (connect(fd, (struct sockaddr *)ss, len) && errno == ECONNREFUSED)
			refused++;
		close(fd);
	}
	say("refused", refused);
}

static void do_bind(struct sockaddr_storage *ss, socklen_t len)
{
	int type = udp ? SOCK_DGRAM : SOCK_STREAM;
	int a = socket(ss->ss_family, type, 0), b = socket(ss->ss_family, type, 0);

	int one = 1;

	if (a < 0 || b < 0)
		die("socket");
	if (sockopts && (setsockopt(a, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
			 setsockopt(a, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) ||
			 setsockopt(a, SOL_IP, IP_FREEBIND, &one, sizeof(one))))
		die("setsockopt");
	gate();
	if (bind(a, (struct sockaddr *)ss, len))
		die("bind");
	say("bind", 0);
	say("bind2", bind(b, (struct sockaddr *)ss, len) ? errno : 0);
	close(b);
	close(a);
}

static void do_listen(struct sockaddr_storage *ss, socklen_t len)
{
	int one = 1, fd = socket(ss->ss_family, SOCK_STREAM, 0), other;

	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)ss, len))
		die("bind");
	gate();
	if (listen(fd, backlog) || getsockname(fd, (struct sockaddr *)ss, &len))
		die("listen");
	say("listen", port_of(fd, 1));
	other = connect_to(ss, len);
	say("cport", port_of(other, 1));
	say("listen2", listen(other, backlog) ? errno : 0);
	close(other);
	close(fd);
}

static void do_backlog(struct sockaddr_storage *ss, socklen_t len)
{
	int lfd = listener(ss, &len, backlog);
	int *fds = calloc(count, sizeof(*fds));

	if (!fds)
		die("calloc");
	say("listen", port_of(lfd, 1));
	gate();
	for (long i = 0; i < count; i++)
		fds[i] = connect_to(ss, len);
	say("queued", count);
	for (long i = 0; i < count; i++)
		close(fds[i]);
	close(lfd);
	free(fds);
}

static struct sockaddr_storage slow_ss;
static socklen_t slow_len;
static int slow_fd;

static void *slow_connect(void *arg)
{
	slow_fd = connect_to(&slow_ss, slow_len);
	return arg;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void do_slowconn(struct sockaddr_storage *ss, socklen_t len)
{
	int lfd = listener(ss, &len, 0), first, a;
	pthread_t t;
	long start;

	say("listen", port_of(lfd, 1));
	gate();
	first = connect_to(ss, len);
	say("cport", port_of(first, 1));
	slow_ss = *ss;
	slow_len = len;
	start = now_ms();
	if (pthread_create(&t, NULL, slow_connect, NULL))
		die("pthread_create");
	sleep_ms(delay_ms);
	a = accept(lfd, NULL, NULL);
	if (a < 0)
		die("accept");
	pthread_join(t, NULL);
	say("cport", port_of(slow_fd, 1));
	say("slow", now_ms() - start);
	close(accept(lfd, NULL, NULL));
	close(a);
	close(first);
	close(slow_fd);
	close(lfd);
}

static int peer_fd;

/* The sending side of pktlat: a message, then wait for its answer. */
static void *pktlat_peer(void *arg)
{
	char msg[100], ack;

	memset(msg, 'm', sizeof(msg));
	for (long i = 0; i < count; i++) {
		send_all(peer_fd, sizeof(msg), 0);
		if (recv(peer_fd, &ack, 1, MSG_WAITALL) != 1)
			die("recv");
	}
	return arg;
}

static void do_pktlat(struct sockaddr_storage *ss, socklen_t len)
{
	int lfd = listener(ss, &len, 1), fd;
	struct pollfd p;
	pthread_t t;
	char buf[100];

	fd = connect_to(ss, len);
	peer_fd = accept(lfd, NULL, NULL);
	if (peer_fd < 0)
		die("accept");
	say("cport", port_of(fd, 1));
	gate();
	if (pthread_create(&t, NULL, pktlat_peer, NULL))
		die("pthread_create");
	for (long i = 0; i < count; i++) {
		p = (struct pollfd){ .fd = fd, .events = POLLIN };
		/* The message is in the receive queue when poll returns. */
		if (poll(&p, 1, -1) != 1)
			die("poll");
		if (i >= fast)
			sleep_ms(delay_ms);
		recv_all(fd, sizeof(buf));
		send_all(fd, 1, 0);
	}
	pthread_join(t, NULL);
	say("late", count > fast ? count - fast : 0);
	close(fd);
	close(peer_fd);
	close(lfd);
}

static struct sockaddr_storage mode_ss;
static socklen_t mode_len;
static const char *mode;

static void *run_mode(void *in_thread)
{
	struct sockaddr_storage *ss = &mode_ss;
	socklen_t len = mode_len;

	if (in_thread)
		say("tid", gettid());
	if (!strcmp(mode, "accept"))
		do_accept(ss, len);
	else if (!strcmp(mode, "serve"))
		do_serve(ss, len);
	else if (!strcmp(mode, "client"))
		do_client(ss, len);
	else if (!strcmp(mode, "refuse"))
		do_refuse(ss, len);
	else if (!strcmp(mode, "bind"))
		do_bind(ss, len);
	else if (!strcmp(mode, "listen"))
		do_listen(ss, len);
	else if (!strcmp(mode, "backlog"))
		do_backlog(ss, len);
	else if (!strcmp(mode, "slowconn"))
		do_slowconn(ss, len);
	else if (!strcmp(mode, "pktlat"))
		do_pktlat(ss, len);
	else {
		fprintf(stderr, "tcpsess: unknown mode %s\n", mode);
		exit(2);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	int c, thread = 0;
	pthread_t t;

	while ((c = getopt(argc, argv, "wuoTn:s:r:b:P:D:F:")) != -1) {
		switch (c) {
		case 'w': wait_line = 1; break;
		case 'T': thread = 1; break;
		case 'o': sockopts = 1; break;
		case 'u': udp = 1; break;
		case 'n': count = atol(optarg); break;
		case 's': send_bytes = atol(optarg); break;
		case 'r': recv_bytes = atol(optarg); break;
		case 'b': backlog = atol(optarg); break;
		case 'P': pace_ms = atol(optarg); break;
		case 'D': delay_ms = atol(optarg); break;
		case 'F': fast = atol(optarg); break;
		default: return 2;
		}
	}
	if (argc - optind != 3) {
		fprintf(stderr, "usage: tcpsess [-w] [-n N] [-s S] [-r R] MODE ADDR PORT\n");
		return 2;
	}
	mode = argv[optind];
	mode_len = parse_addr(argv[optind + 1], argv[optind + 2], &mode_ss);
	printf("%d\n", getpid());
	fflush(stdout);
	if (!thread)
		run_mode(NULL);
	else if (pthread_create(&t, NULL, run_mode, &thread) || pthread_join(t, NULL))
		die("pthread");
	return 0;
}
