/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * A target for memleak: a known leak among allocations that are all freed.
 *
 *   leaker [-w] [-T] [-n N] [-s BYTES]
 *
 * prints its PID, waits for a line (or EOF) on stdin with -w, then calls
 * leak_block() N times (default 23), each keeping a malloc() of BYTES
 * (default 4321), and tidy() once, which allocates with every function of
 * the malloc family (calloc, realloc, realloc(NULL), posix_memalign,
 * aligned_alloc, valloc, pvalloc, memalign, mmap, a malloc big enough for
 * glibc to mmap it) and frees all of it. Then it sleeps 0.5 s, so that a
 * tracer reads its maps while it lives, and exits 0. -T does the work in a
 * second thread (trigger.h), whose arena glibc maps inside malloc.
 * Built with frame pointers; leaker-static carries its own malloc.
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include "trigger.h"

#define PROBED __attribute__((noipa, used))

static int n_leaks = 23;
static size_t leak_bytes = 4321;
/* Where the leaks are kept: volatile, so no allocation is optimized away. */
static void *volatile kept[1024];
static void *volatile sink;

PROBED void leak_block(int i)
{
	kept[i] = malloc(leak_bytes);
	memset(kept[i], 1, leak_bytes);
}

PROBED void tidy(void)
{
	void *p;

	sink = malloc(100);
	free(sink);
	sink = calloc(10, 1000);
	free(sink);
	p = malloc(64);
	sink = realloc(p, 70000);
	free(sink);
	sink = realloc(NULL, 300);
	free(sink);
	if (!posix_memalign(&p, 64, 5000))
		free(p);
	sink = aligned_alloc(256, 2048);
	free(sink);
	sink = valloc(3000);
	free(sink);
	sink = pvalloc(3000);
	free(sink);
	sink = memalign(128, 777);
	free(sink);
	p = mmap(NULL, 12288, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p != MAP_FAILED)
		munmap(p, 12288);
	sink = malloc(1 << 20);
	free(sink);
}

static int work(void *arg)
{
	struct timespec ts = { 0, 500000000 };

	(void)arg;
	for (int i = 0; i < n_leaks; i++)
		leak_block(i);
	tidy();
	nanosleep(&ts, NULL);
	return 0;
}

int main(int argc, char **argv)
{
	int wait = 0, thread = 0, c;

	while ((c = getopt(argc, argv, "wTn:s:")) != -1) {
		switch (c) {
		case 'w':
			wait = 1;
			break;
		case 'T':
			thread = 1;
			break;
		case 'n':
			n_leaks = atoi(optarg);
			break;
		case 's':
			leak_bytes = strtoul(optarg, NULL, 0);
			break;
		default:
			fprintf(stderr, "usage: leaker [-w] [-T] [-n N] [-s BYTES]\n");
			return 2;
		}
	}
	if (n_leaks < 0 || n_leaks > 1024) {
		fprintf(stderr, "leaker: -n wants 0 to 1024\n");
		return 2;
	}
	printf("%d\n", (int)getpid());
	fflush(stdout);
	return trigger_run(work, NULL, thread, wait);
}
