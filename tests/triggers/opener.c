// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Test trigger: opens each PATH exactly COUNT times (openat, or openat2 with
 * -2) and closes it again. Prints its PID first; with -w it waits for a line
 * on stdin before opening, so a tracer can be started with -p PID.
 *
 *   opener [-w] [-T] [-2] [-n COUNT] [-s USEC] PATH...
 *
 * -s sleeps USEC microseconds after each open. -T opens from a second thread,
 * which prints "tid TID" first (see trigger.h).
 */
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "trigger.h"

static int count = 1, use_openat2, pause_us, npaths;
static char **paths;

static int open_all(void *arg __attribute__((unused)))
{
	for (int i = 0; i < npaths; i++) {
		for (int k = 0; k < count; k++) {
			struct open_how how = { .flags = O_RDONLY };
			int fd = use_openat2 ? syscall(SYS_openat2, AT_FDCWD, paths[i], &how, sizeof(how))
					     : openat(AT_FDCWD, paths[i], O_RDONLY);

			if (fd >= 0)
				close(fd);
			if (pause_us)
				usleep(pause_us);
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	int wait_line = 0, thread = 0, c;

	while ((c = getopt(argc, argv, "wT2n:s:")) != -1) {
		switch (c) {
		case 's': pause_us = atoi(optarg); break;
		case 'w': wait_line = 1; break;
		case 'T': thread = 1; break;
		case '2': use_openat2 = 1; break;
		case 'n': count = atoi(optarg); break;
		default: return 2;
		}
	}
	paths = &argv[optind];
	npaths = argc - optind;
	printf("%d\n", getpid());
	fflush(stdout);
	return trigger_run(open_all, NULL, thread, wait_line);
}
