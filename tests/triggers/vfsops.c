// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Test trigger for vfsstat: in DIR, does exactly the VFS operations asked
 * for, each by the one system call that reaches the VFS function vfsstat
 * counts, then exits without writing anything:
 *
 *   READS pread()s and WRITES pwrite()s of one byte, FSYNCS fsync()s,
 *   OPENS openat()s (without O_CREAT) of an existing file, CREATES
 *   mknodat(S_IFREG)s of new files (vfs_create) each unlinked again (as many
 *   unlinks), DIRS mkdirat()s each removed with unlinkat(AT_REMOVEDIR).
 *
 * The file it reads and writes is made and opened first, then it prints its
 * PID and waits for a line on stdin, so a tracer started with -p PID counts
 * exactly the operations above. Exits 0 when every operation succeeded;
 * with -l, only MS milliseconds after them (a tracer of -p PID ends when
 * the process does). -T does the operations in a second thread, which
 * prints "tid TID" first (see trigger.h).
 *
 *   vfsops [-T] [-r READS] [-w WRITES] [-s FSYNCS] [-o OPENS] [-c CREATES] [-m DIRS]
 *          [-l MS] DIR
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "trigger.h"

static int reads, writes, fsyncs, opens, creates, dirs, linger_ms, dfd, fd;

static int do_ops(void *arg __attribute__((unused)))
{
	char name[32], line[16];
	int bad = 0;

	for (int i = 0; i < writes; i++)
		bad += pwrite(fd, "y", 1, 0) != 1;
	for (int i = 0; i < reads; i++)
		bad += pread(fd, line, 1, 0) != 1;
	for (int i = 0; i < fsyncs; i++)
		bad += fsync(fd) != 0;
	for (int i = 0; i < opens; i++) {
		int f = openat(dfd, "data", O_RDONLY);

		bad += f < 0;
		if (f >= 0)
			close(f);
	}
	for (int i = 0; i < creates; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		bad += mknodat(dfd, name, S_IFREG | 0600, 0) != 0;
		bad += unlinkat(dfd, name, 0) != 0;
	}
	for (int i = 0; i < dirs; i++) {
		snprintf(name, sizeof(name), "d%d", i);
		bad += mkdirat(dfd, name, 0700) != 0;
		bad += unlinkat(dfd, name, AT_REMOVEDIR) != 0;
	}
	if (linger_ms)
		usleep(linger_ms * 1000);
	return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
	int thread = 0, c;

	while ((c = getopt(argc, argv, "Tr:w:s:o:c:m:l:")) != -1) {
		switch (c) {
		case 'T': thread = 1; break;
		case 'r': reads = atoi(optarg); break;
		case 'w': writes = atoi(optarg); break;
		case 's': fsyncs = atoi(optarg); break;
		case 'o': opens = atoi(optarg); break;
		case 'c': creates = atoi(optarg); break;
		case 'm': dirs = atoi(optarg); break;
		case 'l': linger_ms = atoi(optarg); break;
		default: return 2;
		}
	}
	if (optind != argc - 1)
		return 2;
	dfd = open(argv[optind], O_RDONLY | O_DIRECTORY);
	fd = dfd < 0 ? -1 : openat(dfd, "data", O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || pwrite(fd, "x", 1, 0) != 1)
		return 3;
	printf("%d\n", getpid());
	fflush(stdout);
	return trigger_run(do_ops, NULL, thread, 1);
}
