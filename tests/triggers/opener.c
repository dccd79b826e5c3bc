// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Test trigger: opens each PATH exactly COUNT times (openat, or openat2 with
 * -2) and closes it again. Prints its PID first; with -w it waits for a line
 * on stdin before opening, so a tracer can be started with -p PID.
 *
 *   opener [-w] [-2] [-n COUNT] [-s USEC] PATH...
 *
 * -s sleeps USEC microseconds after each open.
 */
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int count = 1, use_openat2 = 0, wait_line = 0, pause_us = 0, c;
	char line[16];

	while ((c = getopt(argc, argv, "w2n:s:")) != -1) {
		switch (c) {
		case 's': pause_us = atoi(optarg); break;
		case 'w': wait_line = 1; break;
		case '2': use_openat2 = 1; break;
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
			struct open_how how = { .flags = O_RDONLY };
			int fd = use_openat2 ? syscall(SYS_openat2, AT_FDCWD, argv[i], &how, sizeof(how))
					     : openat(AT_FDCWD, argv[i], O_RDONLY);

			if (fd >= 0)
				close(fd);
			if (pause_us)
				usleep(pause_us);
		}
	}
	return 0;
}
