// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Test trigger for the block I/O tools: opens a block device (or file) with
 * O_DIRECT, prints its PID, then does the reads and writes given, in order,
 * each by one pread(2) or pwrite(2), which the block layer turns into one
 * request of that size at that offset (O_DIRECT: no page cache, no
 * read-ahead; one at a time: nothing to merge):
 *
 *   blockio [-w] [-T] [-L MB] DEV OP...
 *
 *   r:SIZE@OFF   w:SIZE@OFF   read or write SIZE bytes at byte offset OFF;
 *                             OFF "+" is where the previous one ended
 *   OP*N         the operation N times, each where the one before ended
 *
 * SIZE and OFF are multiples of 512 (the logical block size of a loop
 * device); SIZE is at most 1 MB. Exit status 1 if an operation fails or is
 * short.
 *
 * -w waits for a line on stdin (or its end) before the operations; -T does
 * them in a second thread, which prints "tid TID" first.
 *
 * -L MB: DEV is a file to make, MB megabytes long, and to attach to a new
 * loop device (root only), which goes away with this process (autoclear: no
 * loop device is left behind, even after kill -9). After its PID the trigger
 * prints "disk loopN" and "dev MAJOR:MINOR". The device is made before
 * anything is printed, so a tracer started after the PID line sees none of it.
 * After the operations it prints "stat " and the device's /sys/block/loopN/stat
 * (what it completed: read while the device still exists).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <linux/loop.h>
#include "loopdev.h"
#include "trigger.h"

#define MAX_SIZE (1 << 20)

static const char *dev;
static char **ops;
static int nops;

static int parse_op(const char *s, char *rw, long long *size, long long *off, long *n)
{
	char offs[32] = "", *star;
	int k;

	*n = 1;
	if (sscanf(s, "%c:%lld@%31[^*]%n", rw, size, offs, &k) != 3)
		return -1;
	star = strchr(s, '*');
	if (star && sscanf(star, "*%ld", n) != 1)
		return -1;
	if (!strcmp(offs, "+"))
		*off = -1;
	else if (sscanf(offs, "%lld", off) != 1 || *off < 0 || *off % 512)
		return -1;
	if ((*rw != 'r' && *rw != 'w') || *size <= 0 || *size > MAX_SIZE || *size % 512 || *n < 1)
		return -1;
	return 0;
}

static int work(void *arg __attribute__((unused)))
{
	long long size, off, next = 0;
	char *buf, rw;
	int fd, ret = 0;
	long n;

	if (posix_memalign((void **)&buf, 4096, MAX_SIZE)) {
		perror("posix_memalign");
		return 1;
	}
	memset(buf, 'b', MAX_SIZE);
	fd = open(dev, O_RDWR | O_DIRECT);
	if (fd < 0) {
		fprintf(stderr, "blockio: %s: %s\n", dev, strerror(errno));
		return 1;
	}
	for (int i = 0; i < nops; i++) {
		parse_op(ops[i], &rw, &size, &off, &n);
		for (long k = 0; k < n; k++) {
			ssize_t r;

			if (off < 0 || k)
				off = next;
			r = rw == 'r' ? pread(fd, buf, size, off) : pwrite(fd, buf, size, off);
			if (r != size) {
				fprintf(stderr, "blockio: %s: %s\n", ops[i],
					r < 0 ? strerror(errno) : "short");
				ret = 1;
			}
			next = off + size;
		}
	}
	close(fd);
	free(buf);
	return ret;
}

int main(int argc, char **argv)
{
	char devpath[64];
	struct stat st;
	long loop_mb = 0;
	int c, wait = 0, thread = 0;
	long long size, off;
	long n;
	char rw;

	while ((c = getopt(argc, argv, "wTL:")) != -1) {
		if (c == 'w')
			wait = 1;
		else if (c == 'T')
			thread = 1;
		else if (c == 'L' && (loop_mb = atol(optarg)) > 0)
			;
		else
			return 2;
	}
	if (argc - optind < 2) {
		fprintf(stderr, "usage: blockio [-w] [-T] [-L MB] DEV OP...\n");
		return 2;
	}
	dev = argv[optind];
	ops = argv + optind + 1;
	nops = argc - optind - 1;
	for (int i = 0; i < nops; i++) {
		if (parse_op(ops[i], &rw, &size, &off, &n)) {
			fprintf(stderr, "blockio: bad operation '%s'\n", ops[i]);
			return 2;
		}
	}
	if (loop_mb) {
		if (make_loop("blockio", dev, loop_mb, devpath, sizeof(devpath)) < 0)
			return 1;
		dev = devpath;
	}
	printf("%d\n", (int)getpid());
	if (loop_mb && !stat(dev, &st))
		printf("disk %s\ndev %u:%u\n", dev + strlen("/dev/"), major(st.st_rdev),
		       minor(st.st_rdev));
	fflush(stdout);
	c = trigger_run(work, NULL, thread, wait);
	if (loop_mb) {
		char path[128], line[512] = "";
		FILE *f;

		snprintf(path, sizeof(path), "/sys/block/%s/stat", dev + strlen("/dev/"));
		f = fopen(path, "r");
		if (!f || !fgets(line, sizeof(line), f)) {
			fprintf(stderr, "blockio: %s: %s\n", path, strerror(errno));
			return 1;
		}
		fclose(f);
		printf("stat %s", line);
	}
	return c;
}
