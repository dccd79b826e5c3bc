/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * A target for drsnoop: memory-cgroup reclaim made to happen.
 *
 *   reclaimer [-w] [-T] [-m MIB] DIR        (as root)
 *
 * makes a file of 4 x MIB MiB (default 16) in DIR and drops it from the page
 * cache, then moves itself into a new memory cgroup limited to MIB MiB
 * (cgroup v2 where its memory controller is, else v1: a v1 memory cgroup
 * leaves its v2 cgroup as it was), prints its PID, waits for a line (or EOF)
 * on stdin with -w, and reads the file: its page cache is charged to the
 * cgroup, which must reclaim at least 3 x MIB MiB of it. Then it leaves the
 * cgroup, removes it and the file, prints "limit MIB" and exits 0. -T reads
 * in a second thread (trigger.h). Where DIR has no page cache to reclaim
 * (tmpfs, as in the test VMs) it asks its cgroup v2 for reclaim instead
 * (memory.reclaim, three times) and prints "proactive".
 */
#include <sys/vfs.h>
#include <linux/magic.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "trigger.h"

static char file[4096], cg[4200], parent[4096];
static int fd, mib = 16, proactive;

static int put(const char *dir, const char *name, const char *val)
{
	char p[4200];
	int f, ok;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = open(p, O_WRONLY);
	if (f < 0)
		return -1;
	ok = write(f, val, strlen(val)) == (ssize_t)strlen(val);
	close(f);
	return ok ? 0 : -1;
}

/* The memory controller's mount: v2 (1) or v1 (0) into parent; -1 when none. */
static int find_memcg(void)
{
	char line[4096], dev[256], dir[4096], type[64], opts[1024], p[4200];
	FILE *f = fopen("/proc/mounts", "r");
	int v = -1;

	while (f && fgets(line, sizeof(line), f) && v < 0) {
		if (sscanf(line, "%255s %4095s %63s %1023s", dev, dir, type, opts) != 4)
			continue;
		if (!strcmp(type, "cgroup2")) {
			FILE *c;

			snprintf(p, sizeof(p), "%s/cgroup.controllers", dir);
			c = fopen(p, "r");
			if (c && fgets(p, sizeof(p), c) && strstr(p, "memory")) {
				strcpy(parent, dir);
				v = 1;
			}
			if (c)
				fclose(c);
		} else if (!strcmp(type, "cgroup") && strstr(opts, "memory")) {
			strcpy(parent, dir);
			v = 0;
		}
	}
	if (f)
		fclose(f);
	return v;
}

static int work(void *arg)
{
	char *buf = malloc(1 << 20);
	long got = 0;
	ssize_t n;

	(void)arg;
	if (proactive) {
		for (int i = 0; i < 3; i++)
			put(cg, "memory.reclaim", "1M");
		free(buf);
		return 0;
	}
	while (buf && (n = read(fd, buf, 1 << 20)) > 0)
		got += n;
	free(buf);
	return got == 4L * mib << 20 ? 0 : 1;
}

int main(int argc, char **argv)
{
	int wait = 0, thread = 0, c, v, ret;
	char val[64], *buf;
	struct statfs sf;

	while ((c = getopt(argc, argv, "wTm:")) != -1) {
		switch (c) {
		case 'w':
			wait = 1;
			break;
		case 'T':
			thread = 1;
			break;
		case 'm':
			mib = atoi(optarg);
			break;
		default:
			goto usage;
		}
	}
	if (optind != argc - 1 || mib < 4 || mib > 1024)
		goto usage;
	proactive = !statfs(argv[optind], &sf) && sf.f_type == TMPFS_MAGIC;
	snprintf(file, sizeof(file), "%s/reclaim.%d", argv[optind], (int)getpid());
	fd = open(file, O_RDWR | O_CREAT | O_TRUNC, 0600);
	buf = calloc(1, 1 << 20);
	if (fd < 0 || !buf) {
		perror(file);
		return 1;
	}
	for (int i = 0; i < (proactive ? 0 : 4 * mib); i++)
		if (write(fd, buf, 1 << 20) != 1 << 20) {
			perror("write");
			return 1;
		}
	fsync(fd);
	posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	lseek(fd, 0, SEEK_SET);

	v = find_memcg();
	if (v < 0) {
		fprintf(stderr, "reclaimer: no memory cgroup controller here\n");
		return 2;
	}
	if (v == 1 && put(parent, "cgroup.subtree_control", "+memory"))
		fprintf(stderr, "reclaimer: cannot enable the memory controller\n");
	snprintf(cg, sizeof(cg), "%s/bpfkit-reclaim-%d", parent, (int)getpid());
	snprintf(val, sizeof(val), "%d", mib << 20);
	if (mkdir(cg, 0755) ||
	    put(cg, v ? "memory.max" : "memory.limit_in_bytes", val)) {
		perror(cg);
		return 2;
	}
	snprintf(val, sizeof(val), "%d", (int)getpid());
	if (put(cg, "cgroup.procs", val)) {
		perror("cgroup.procs");
		rmdir(cg);
		return 2;
	}
	printf("%d\n", (int)getpid());
	if (proactive)
		printf("proactive\n");
	fflush(stdout);
	ret = trigger_run(work, NULL, thread, wait);
	put(parent, "cgroup.procs", val);
	close(fd);
	unlink(file);
	for (int i = 0; i < 50 && rmdir(cg); i++)
		usleep(100000);
	printf("limit %d\n", mib);
	return ret;
usage:
	fprintf(stderr, "usage: reclaimer [-w] [-T] [-m MIB] DIR\n");
	return 2;
}
