/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * A target for cachestat: a file read twice, cold then warm.
 *
 *   pagecache [-w] [-T] [-n PAGES] [-r PAGES] DIR
 *
 * makes a file of PAGES pages (default 64) in DIR, writes it back and drops
 * it from the page cache (fsync, POSIX_FADV_DONTNEED, checked with mincore:
 * "resident N" is printed if pages stayed), prints its PID, waits for a line
 * (or EOF) on stdin with -w, then reads the file whole in reads of 16 pages
 * (every page a miss), reads it again (every page a hit), removes it (its
 * pages leave the cache) and exits 0. -T does the reads in a second thread
 * (trigger.h). -r reads only the first PAGES pages, once (in one read), so
 * that what readahead brought beyond them goes unused.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "trigger.h"

static int fd, pages = 64, first;
static long psz;
static char path[4096];

static int read_all(void)
{
	char *buf = malloc(16 * psz);
	ssize_t n;
	long got = 0;

	if (!buf || lseek(fd, 0, SEEK_SET))
		return 1;
	while ((n = read(fd, buf, 16 * psz)) > 0)
		got += n;
	free(buf);
	return got == pages * psz ? 0 : 1;
}

static int work(void *arg)
{
	int err;

	(void)arg;
	if (first) {
		char *buf = malloc(first * psz);

		err = !buf || pread(fd, buf, first * psz, 0) != first * psz;
		free(buf);
	} else {
		err = read_all() || read_all();
	}
	/* The pages go with the file, in this thread. */
	close(fd);
	unlink(path);
	return err;
}

/* Pages of the file still in the page cache. */
static int resident(void)
{
	unsigned char *vec = malloc(pages);
	void *map = mmap(NULL, pages * psz, PROT_READ, MAP_SHARED, fd, 0);
	int n = 0;

	if (vec && map != MAP_FAILED && !mincore(map, pages * psz, vec))
		for (int i = 0; i < pages; i++)
			n += vec[i] & 1;
	else
		n = -1;
	if (map != MAP_FAILED)
		munmap(map, pages * psz);
	free(vec);
	return n;
}

int main(int argc, char **argv)
{
	int wait = 0, thread = 0, c, ret, left = -1;
	char *buf;

	while ((c = getopt(argc, argv, "wTn:r:")) != -1) {
		switch (c) {
		case 'w':
			wait = 1;
			break;
		case 'T':
			thread = 1;
			break;
		case 'n':
			pages = atoi(optarg);
			break;
		case 'r':
			first = atoi(optarg);
			break;
		default:
			goto usage;
		}
	}
	if (optind != argc - 1 || pages < 1 || pages > 65536 || first < 0 || first > pages)
		goto usage;
	psz = sysconf(_SC_PAGESIZE);
	snprintf(path, sizeof(path), "%s/pagecache.%d", argv[optind], (int)getpid());
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	buf = calloc(1, psz);
	if (fd < 0 || !buf) {
		perror(path);
		return 1;
	}
	for (int i = 0; i < pages; i++) {
		memset(buf, 'a' + i % 26, psz);
		if (write(fd, buf, psz) != psz) {
			perror("write");
			return 1;
		}
	}
	fsync(fd);
	for (int i = 0; i < 20 && left; i++) {
		posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
		left = resident();
		if (left)
			usleep(50000);
	}
	printf("%d\n", (int)getpid());
	if (left)
		printf("resident %d\n", left);
	fflush(stdout);
	ret = trigger_run(work, NULL, thread, wait);
	return ret;
usage:
	fprintf(stderr, "usage: pagecache [-w] [-T] [-n PAGES] [-r PAGES] DIR\n");
	return 2;
}
