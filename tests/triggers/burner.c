/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * A target for profile: burns CPU in a function with a known name.
 *
 *   burner [-t] [-w] [-m] SECONDS
 *
 * prints its pid (and with -t the tid of the burning thread) on one line,
 * then burns CPU in burn_cpu() for SECONDS and exits 0. -t burns in a new
 * thread while the main thread sleeps. -w waits for a line (or EOF) on stdin
 * before burning, so a tracer can attach first. -m burns through recursions of
 * 1 to 200 levels of burn_deep(), so the samples come from hundreds of
 * different stacks (to fill a small stack map).
 *
 * Built with frame pointers, so that the kernel can walk its user stacks.
 */
#pragma GCC optimize("no-omit-frame-pointer")
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define KEEP __attribute__((noipa, used))

static double seconds;
static int many;
static volatile int burn_tid, go;
volatile unsigned long burner_sink;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Checks the clock every few million additions only: the samples land here. */
KEEP void burn_cpu(double until)
{
	while (now() < until)
		for (unsigned long i = 0; i < 2000000; i++)
			burner_sink += i;
}

KEEP int burn_deep(int depth, double until)
{
	/* Read after the call: a real frame per level, never a loop. */
	volatile int level = depth;

	if (depth > 0)
		return burn_deep(depth - 1, until) + level;
	for (unsigned long i = 0; i < 200000 && now() < until; i++)
		burner_sink += i;
	return 0;
}

static void *burn(void *arg)
{
	double until;

	burn_tid = (int)syscall(SYS_gettid);
	while (!go)
		usleep(1000);
	until = now() + seconds;
	if (!many) {
		burn_cpu(until);
		return arg;
	}
	for (int d = 1; now() < until; d = d % 200 + 1)
		burn_deep(d, until);
	return arg;
}

int main(int argc, char **argv)
{
	int thread = 0, wait = 0, c;
	pthread_t th;
	char line[16];

	while ((c = getopt(argc, argv, "twm")) != -1) {
		if (c == 't')
			thread = 1;
		else if (c == 'w')
			wait = 1;
		else if (c == 'm')
			many = 1;
		else
			return 64;
	}
	if (optind != argc - 1 || (seconds = atof(argv[optind])) <= 0) {
		fprintf(stderr, "usage: burner [-t] [-w] [-m] SECONDS\n");
		return 64;
	}
	if (thread && pthread_create(&th, NULL, burn, NULL))
		return 1;
	while (thread && !burn_tid)
		usleep(1000);
	if (thread)
		printf("%d %d\n", (int)getpid(), burn_tid);
	else
		printf("%d\n", (int)getpid());
	fflush(stdout);
	if (wait && !fgets(line, sizeof(line), stdin))
		line[0] = 0;
	go = 1;
	if (!thread) {
		burn(NULL);
		return 0;
	}
	pthread_join(th, NULL);
	return 0;
}
