// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Test trigger: looks each HOST up exactly COUNT times through each of
 * getaddrinfo(), gethostbyname() and gethostbyname2(AF_INET), in that order.
 * Prints its PID first; with -w it waits for a line on stdin before the
 * lookups, so a tracer can be started with -p PID. Whether a lookup succeeds
 * does not matter: numeric addresses ("127.1.2.3") or names in /etc/hosts
 * keep it off the network.
 *
 *   resolver [-w] [-n COUNT] HOST...
 */
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int count = 1, wait_line = 0, c, ok = 0;
	char line[16];

	while ((c = getopt(argc, argv, "wn:")) != -1) {
		switch (c) {
		case 'w': wait_line = 1; break;
		case 'n': count = atoi(optarg); break;
		default: return 2;
		}
	}
	printf("%d\n", getpid());
	fflush(stdout);
	if (wait_line && !fgets(line, sizeof(line), stdin))
		return 3;
	for (int i = optind; i < argc; i++) {
		for (int k = 0; k < count; k++) {
			struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM };
			struct addrinfo *res = NULL;

			if (!getaddrinfo(argv[i], NULL, &hints, &res)) {
				freeaddrinfo(res);
				ok++;
			}
		}
		for (int k = 0; k < count; k++)
			ok += gethostbyname(argv[i]) != NULL;
		for (int k = 0; k < count; k++)
			ok += gethostbyname2(argv[i], AF_INET) != NULL;
	}
	fprintf(stderr, "resolver: %d lookups succeeded\n", ok);
	return 0;
}
