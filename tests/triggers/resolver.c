// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Test trigger: looks each HOST up exactly COUNT times through each of
 * getaddrinfo(), gethostbyname() and gethostbyname2(AF_INET), in that order.
 * Prints its PID first; with -w it waits for a line on stdin before the
 * lookups, so a tracer can be started with -p PID. Whether a lookup succeeds
 * does not matter: numeric addresses ("127.1.2.3") or names in /etc/hosts
 * keep it off the network.
 *
 *   resolver [-w] [-T] [-n COUNT] HOST...
 *
 * -T looks up from a second thread, which prints "tid TID" first (see trigger.h).
 */
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "trigger.h"

static int count = 1, nhosts;
static char **hosts;

static int lookup_all(void *arg __attribute__((unused)))
{
	int ok = 0;

	for (int i = 0; i < nhosts; i++) {
		for (int k = 0; k < count; k++) {
			struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM };
			struct addrinfo *res = NULL;

			if (!getaddrinfo(hosts[i], NULL, &hints, &res)) {
				freeaddrinfo(res);
				ok++;
			}
		}
		for (int k = 0; k < count; k++)
			ok += gethostbyname(hosts[i]) != NULL;
		for (int k = 0; k < count; k++)
			ok += gethostbyname2(hosts[i], AF_INET) != NULL;
	}
	fprintf(stderr, "resolver: %d lookups succeeded\n", ok);
	return 0;
}

int main(int argc, char **argv)
{
	int wait_line = 0, thread = 0, c;

	while ((c = getopt(argc, argv, "wTn:")) != -1) {
		switch (c) {
		case 'w': wait_line = 1; break;
		case 'T': thread = 1; break;
		case 'n': count = atoi(optarg); break;
		default: return 2;
		}
	}
	hosts = &argv[optind];
	nhosts = argc - optind;
	printf("%d\n", getpid());
	fflush(stdout);
	return trigger_run(lookup_all, NULL, thread, wait_line);
}
