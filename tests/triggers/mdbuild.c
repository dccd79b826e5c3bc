// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Test trigger for mdflush: builds a RAID1 md array without superblocks
 * (what mdadm --build does: SET_ARRAY_INFO, ADD_NEW_DISK for each device,
 * RUN_ARRAY) on /dev/mdMINOR over two block devices (loop devices), prints
 * its PID, waits for a line on stdin with -w, then writes a block to the
 * array and fsyncs it COUNT times (each fsync sends one flush, which md
 * passes to md_flush_request), and stops the array again. Exits 0 when
 * every step worked. Needs root and the md_mod and raid1 modules.
 *
 *   mdbuild [-w] MINOR DEV1 DEV2 COUNT
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

static int fail(const char *what)
{
	fprintf(stderr, "mdbuild: %s: %s\n", what, strerror(errno));
	return 1;
}

int main(int argc, char **argv)
{
	int wait_line = 0, c, fd, minor, count, bad = 0;
	char md[64], buf[4096], line[64];
	mdu_array_info_t info = { .level = 1, .raid_disks = 2, .nr_disks = 2, .not_persistent = 1 };
	mdu_param_t param = {};
	struct stat st;

	while ((c = getopt(argc, argv, "w")) != -1) {
		if (c != 'w')
			return 2;
		wait_line = 1;
	}
	if (argc - optind != 4)
		return 2;
	minor = atoi(argv[optind]);
	count = atoi(argv[optind + 3]);
	snprintf(md, sizeof(md), "/dev/md%d", minor);
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

		if (stat(argv[optind + 1 + i], &st))
			return fail(argv[optind + 1 + i]);
		d.major = major(st.st_rdev);
		d.minor = minor(st.st_rdev);
		if (ioctl(fd, ADD_NEW_DISK, &d))
			return fail("ADD_NEW_DISK");
	}
	if (ioctl(fd, RUN_ARRAY, &param))
		return fail("RUN_ARRAY");
	printf("%d\n", getpid());
	fflush(stdout);
	if (wait_line && read(0, line, sizeof(line)) < 0)
		perror("read");
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
