// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Test trigger for capable: binds a TCP socket to a port below 1024 COUNT
 * times while holding CAP_NET_BIND_SERVICE (each bind is one granted check),
 * then drops that capability from its effective set with capset(2) and binds
 * COUNT more times (each one denied check). Prints its PID first; with -w it
 * waits for a line on stdin first, so a tracer can be started with -p PID.
 * Run as root, it exits 0 when every bind went as expected; run as another
 * user, every check is denied (and it exits 1). -T binds from a second
 * thread, which prints "tid TID" first (see trigger.h).
 *
 *   capper [-w] [-T] [-n COUNT] [-P PORT]
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>
#include "trigger.h"

/* Returns 0 when bind was let past the capability check, -errno otherwise. */
static int try_bind(int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM, 0), ret = 0;

	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)))
		ret = -errno;
	close(fd);
	/* A port another program holds passed the capability check all the same. */
	return ret == -EADDRINUSE ? 0 : ret;
}

static int drop_effective(int cap)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return -1;
	d[cap / 32].effective &= ~(1U << (cap % 32));
	return syscall(SYS_capset, &h, d);
}

static int count = 1, port = 1023;

static int bind_all(void *arg __attribute__((unused)))
{
	int bad = 0;

	for (int i = 0; i < count; i++)
		bad += try_bind(port) != 0;
	if (drop_effective(CAP_NET_BIND_SERVICE)) {
		perror("capper: capset");
		return 1;
	}
	for (int i = 0; i < count; i++)
		bad += try_bind(port) != -EACCES;
	if (bad)
		fprintf(stderr, "capper: %d binds did not go as expected\n", bad);
	return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
	int wait_line = 0, thread = 0, c;

	while ((c = getopt(argc, argv, "wTn:P:")) != -1) {
		switch (c) {
		case 'w': wait_line = 1; break;
		case 'T': thread = 1; break;
		case 'n': count = atoi(optarg); break;
		case 'P': port = atoi(optarg); break;
		default: return 2;
		}
	}
	printf("%d\n", getpid());
	fflush(stdout);
	return trigger_run(bind_all, NULL, thread, wait_line);
}
