// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Test trigger for syscount: makes exactly N getppid(2) calls and M close(2)
 * calls of fd -1 (each failing with EBADF), by syscall(2) so libc adds or
 * caches nothing. Prints its PID first; with -w it waits for a line on stdin
 * first, so a tracer can be started with -p PID. -T makes the calls from a
 * second thread, which prints "tid TID" first (see trigger.h).
 *
 *   syscaller [-w] [-T] [-n N] [-e M]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "trigger.h"

static long n = 1, m = 0;

static int call_all(void *arg __attribute__((unused)))
{
	int bad = 0;

	for (long i = 0; i < n; i++)
		bad += syscall(SYS_getppid) <= 0;
	for (long i = 0; i < m; i++)
		bad += syscall(SYS_close, -1) != -1 || errno != EBADF;
	if (bad)
		fprintf(stderr, "syscaller: %d calls did not go as expected\n", bad);
	return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
	int wait_line = 0, thread = 0, c;

	while ((c = getopt(argc, argv, "wTn:e:")) != -1) {
		switch (c) {
		case 'w': wait_line = 1; break;
		case 'T': thread = 1; break;
		case 'n': n = atol(optarg); break;
		case 'e': m = atol(optarg); break;
		default: return 2;
		}
	}
	printf("%d\n", getpid());
	fflush(stdout);
	return trigger_run(call_all, NULL, thread, wait_line);
}
