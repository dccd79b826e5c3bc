// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Test trigger for ttysnoop: opens a new pseudo-terminal, prints its PID and
 * "pts /dev/pts/N", and after the go line (-w) writes TEXT once to the
 * terminal's slave side with write(2), and once to stdout (a pipe, not a
 * terminal), then reads it back from the master. -T does the work in a
 * second thread.
 *
 *   ptywriter [-w] [-T] TEXT
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include "trigger.h"

static const char *text;
static int master, slave;

static int work(void *arg __attribute__((unused)))
{
	char buf[4096];
	size_t n = strlen(text);

	if (write(slave, text, n) != (ssize_t)n)
		return 1;
	if (write(1, text, n) != (ssize_t)n)
		return 1;
	if (read(master, buf, sizeof(buf)) <= 0)
		return 1;
	return 0;
}

int main(int argc, char **argv)
{
	int wait_line = 0, in_thread = 0, c;

	while ((c = getopt(argc, argv, "wT")) != -1) {
		switch (c) {
		case 'w': wait_line = 1; break;
		case 'T': in_thread = 1; break;
		default: return 2;
		}
	}
	if (optind != argc - 1)
		return 2;
	text = argv[optind];
	master = posix_openpt(O_RDWR | O_NOCTTY);
	if (master < 0 || grantpt(master) || unlockpt(master))
		return 1;
	slave = open(ptsname(master), O_RDWR | O_NOCTTY);
	if (slave < 0)
		return 1;
	printf("%d\npts %s\n", getpid(), ptsname(master));
	fflush(stdout);
	return trigger_run(work, NULL, in_thread, wait_line);
}
