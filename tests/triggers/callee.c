/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * A target for funccount and funclatency: exported functions called a known
 * number of times, and system calls made a known number of times.
 *
 *   callee [-T] [-a N] [-b N] [-s N] [-l N] [-g N] [-G N] [-f N DIR]
 *
 * waits for a line (or EOF) on stdin, so that a tracer can attach first, then
 * calls f_a() N times (-a), f_b() N times (-b), f_sleep() N times (-s, each
 * sleeping 2.2 ms, so a latency lands in the 2048-4095 us slot, and the 2-3
 * ms one, with 1.8 ms to spare for a late wake-up: 3 ms left 1 ms, and a
 * run under load once woke 1 ms late), calls libc's
 * strlen() N times (-l; an IFUNC, called through the address ld.so gave), makes N
 * getpid() (-g) and N getppid() (-G) system calls, and N fsync()s of a file
 * in DIR (-f), then exits 0. f_never() exists and is never called.
 * With -s it runs SCHED_FIFO (when allowed), so that a sleep ends on time
 * on a busy machine too: no timer slack, no wait behind other tasks.
 * -T makes the calls from a second thread, which prints "tid TID" first (see
 * trigger.h).
 */
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "trigger.h"

/* noipa: no inlining, cloning (f_a.constprop.0) or call elision */
#define PROBED __attribute__((noipa, used))

volatile int callee_sink;

PROBED void f_a(int x)
{
	callee_sink += x;
}

PROBED void f_b(int x)
{
	callee_sink ^= x;
}

PROBED void f_sleep(int x)
{
	struct timespec ts = { 0, 2200 * 1000 };

	callee_sink -= x;
	nanosleep(&ts, NULL);
}

PROBED void f_never(int x)
{
	callee_sink *= x;
}

static int count(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10);

	if (*end || n < 0 || n > 1000000) {
		fprintf(stderr, "callee: bad count '%s'\n", s);
		exit(2);
	}
	return (int)n;
}

static int a, b, s, l, g, gp, f;
static const char *dir;

static int call_all(void *arg __attribute__((unused)))
{
	size_t (*volatile len)(const char *) = strlen;
	char path[4096];

	/* Per thread: the one that sleeps. */
	if (s)
		sched_setscheduler(0, SCHED_FIFO, &(struct sched_param){ .sched_priority = 10 });
	for (int i = 0; i < a; i++)
		f_a(i);
	for (int i = 0; i < b; i++)
		f_b(i);
	for (int i = 0; i < s; i++)
		f_sleep(i);
	for (int i = 0; i < l; i++)
		callee_sink += len(path + sizeof(path) - 1);
	/* syscall(): glibc's getpid() wrapper is a plain system call, but be sure */
	for (int i = 0; i < g; i++)
		syscall(SYS_getpid);
	for (int i = 0; i < gp; i++)
		syscall(SYS_getppid);
	if (dir) {
		int fd;

		snprintf(path, sizeof(path), "%s/callee.%d", dir, (int)getpid());
		fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0600);
		if (fd < 0) {
			perror("callee: open");
			return 1;
		}
		for (int i = 0; i < f; i++) {
			if (write(fd, "x", 1) != 1 || fsync(fd)) {
				perror("callee: fsync");
				return 1;
			}
		}
		close(fd);
		unlink(path);
	}
	return 0;
}

int main(int argc, char **argv)
{
	int thread = 0, opt;

	while ((opt = getopt(argc, argv, "Ta:b:s:l:g:G:f:")) != -1) {
		switch (opt) {
		case 'T': thread = 1; break;
		case 'a': a = count(optarg); break;
		case 'b': b = count(optarg); break;
		case 's': s = count(optarg); break;
		case 'l': l = count(optarg); break;
		case 'g': g = count(optarg); break;
		case 'G': gp = count(optarg); break;
		case 'f': f = count(optarg); break;
		default: return 2;
		}
	}
	if (f) {
		if (optind >= argc) {
			fprintf(stderr, "callee: -f wants a directory\n");
			return 2;
		}
		dir = argv[optind];
	}
	return trigger_run(call_all, NULL, thread, 1);
}
