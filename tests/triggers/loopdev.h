/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Loop devices of the triggers' own (blockio -L, mdbuild -L). */
#ifndef BPFKIT_LOOPDEV_H
#define BPFKIT_LOOPDEV_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/loop.h>

/*
 * Attaches the file `path`, made `mb` MB long, to a free loop device that
 * goes away with the process (autoclear: nothing is left behind, even after
 * kill -9, once nothing else holds it); devpath is its path. Returns its fd,
 * or -1 with a message naming `prog`.
 */
static inline int make_loop(const char *prog, const char *path, long mb, char *devpath, size_t len)
{
	struct loop_config cfg = { .info.lo_flags = LO_FLAGS_AUTOCLEAR | LO_FLAGS_DIRECT_IO };
	int ctl, file, loop, n;

	file = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (file < 0 || ftruncate(file, mb << 20)) {
		fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
		return -1;
	}
	ctl = open("/dev/loop-control", O_RDWR);
	if (ctl < 0) {
		fprintf(stderr, "%s: /dev/loop-control: %s\n", prog, strerror(errno));
		return -1;
	}
	/* Another process may take the free device first: try the next one. */
	for (int tries = 0; tries < 20; tries++) {
		n = ioctl(ctl, LOOP_CTL_GET_FREE);
		if (n < 0) {
			fprintf(stderr, "%s: no free loop device: %s\n", prog, strerror(errno));
			return -1;
		}
		snprintf(devpath, len, "/dev/loop%d", n);
		loop = open(devpath, O_RDWR);
		if (loop < 0) {
			fprintf(stderr, "%s: %s: %s\n", prog, devpath, strerror(errno));
			return -1;
		}
		cfg.fd = file;
		if (!ioctl(loop, LOOP_CONFIGURE, &cfg))
			break;
		/* Direct I/O needs a file system that has it (not tmpfs): then without. */
		if (errno == EINVAL) {
			cfg.info.lo_flags &= ~LO_FLAGS_DIRECT_IO;
			if (!ioctl(loop, LOOP_CONFIGURE, &cfg))
				break;
		}
		if (errno != EBUSY) {
			fprintf(stderr, "%s: %s: LOOP_CONFIGURE: %s\n", prog, devpath, strerror(errno));
			return -1;
		}
		close(loop);
		loop = -1;
	}
	if (loop < 0) {
		fprintf(stderr, "%s: every free loop device was taken\n", prog);
		return -1;
	}
	/* Kept open (the device lives while this process does); the file is the device's now. */
	close(ctl);
	close(file);
	return loop;
}

#endif
