// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Test trigger for mdflush: prints its PID and "disk mdMINOR", waits for a
 * line on stdin with -w, then builds a RAID1 md array without superblocks
 * (what mdadm --build does: SET_ARRAY_INFO, ADD_NEW_DISK for each device,
 * RUN_ARRAY) on /dev/mdMINOR over two block devices (loop devices), writes
 * a block to the array and fsyncs it COUNT times (each fsync sends one
 * flush, which md passes to md_flush_request), and stops the array again.
 * Building makes no flush. Exits 0 when every step worked. Needs root and
 * the md_mod and raid1 modules.
 *
 *   mdbuild [-w] [-L] MINOR DEV1 DEV2 COUNT
 *
 * MINOR "+": the first of 100-255 that no md array has. -L: DEV1 and DEV2
 * are files to make (8 MB) and attach to loop devices of the trigger's own,
 * made before its PID is printed and gone with it (tests/triggers/loopdev.h).
 * The array is built after the go line, so a run killed while it waits
 * leaves nothing behind.
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
#include <linux/major.h>
#include <linux/raid/md_p.h>
#include <linux/raid/md_u.h>
#include "loopdev.h"

static int fail(const char *what)
{
	fprintf(stderr, "mdbuild: %s: %s\n", what, strerror(errno));
	return 1;
}

int main(int argc, char **argv)
{
	int wait_line = 0, loops = 0, c, fd, minor, count, bad = 0;
	char md[64], buf[4096], line[64], devs[2][64];
	const char *dev[2];
	mdu_array_info_t info = { .level = 1, .raid_disks = 2, .nr_disks = 2, .not_persistent = 1 };
	mdu_param_t param = {};
	struct stat st;

	while ((c = getopt(argc, argv, "wL")) != -1) {
		if (c == 'w')
			wait_line = 1;
		else if (c == 'L')
			loops = 1;
		else
			return 2;
	}
	if (argc - optind != 4)
		return 2;
	minor = atoi(argv[optind]);
	if (!strcmp(argv[optind], "+")) {
		for (minor = 100; minor < 256; minor++) {
			snprintf(md, sizeof(md), "/sys/block/md%d", minor);
			if (access(md, F_OK))
				break;
		}
		if (minor == 256) {
			fprintf(stderr, "mdbuild: no free md minor in 100-255\n");
			return 1;
		}
	}
	count = atoi(argv[optind + 3]);
	snprintf(md, sizeof(md), "/dev/md%d", minor);
	for (int i = 0; i < 2; i++) {
		dev[i] = argv[optind + 1 + i];
		if (loops) {
			if (make_loop("mdbuild", dev[i], 8, devs[i], sizeof(devs[i])) < 0)
				return 1;
			dev[i] = devs[i];
		}
	}
	printf("%d\ndisk md%d\n", getpid(), minor);
	fflush(stdout);
	if (wait_line && read(0, line, sizeof(line)) < 0)
		perror("read");
	/* Opening /dev/mdN makes the array (create_on_open). */
	if (stat(md, &st) && mknod(md, S_IFBLK | 0600, makedev(MD_MAJOR, minor)))
		return fail("mknod");
	fd = open(md, O_RDWR);
	if (fd < 0)
		return fail(md);
	info.md_minor = minor;
	if (ioctl(fd, SET_ARRAY_INFO, &info))
		return fail("SET_ARRAY_INFO");
	for (int i = 0; i < 2; i++) {
		mdu_disk_info_t d = { .number = i, .raid_disk = i,
				      .state = 1 << MD_DISK_SYNC | 1 << MD_DISK_ACTIVE };

		if (stat(dev[i], &st))
			return fail(dev[i]);
		d.major = major(st.st_rdev);
		d.minor = minor(st.st_rdev);
		if (ioctl(fd, ADD_NEW_DISK, &d))
			return fail("ADD_NEW_DISK");
	}
	if (ioctl(fd, RUN_ARRAY, &param))
		return fail("RUN_ARRAY");
	memset(buf, 'm', sizeof(buf));
	for (int i = 0; i < count; i++) {
		if (pwrite(fd, buf, sizeof(buf), 0) != sizeof(buf))
			bad = fail("pwrite");
		if (fsync(fd))
			bad = fail("fsync");
	}
	if (ioctl(fd, STOP_ARRAY, 0))
		bad = fail("STOP_ARRAY");
	close(fd);
	return bad;
}
