// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * A target for wakeuptime: a waker and a wakee with known function names.
 * The wakee thread blocks N times reading a pipe; the waker thread, each
 * time, sleeps MS milliseconds and then writes one byte from wake_known(),
 * which wakes the wakee. The wakee is blocked about MS each time, and woken
 * from wake_known's stack.
 *
 *   waker [-w] [-T] [-l MS] N MS
 *
 * prints its PID, then "tid TID" (the wakee, the thread the tracer's -t
 * names: -T is accepted for the test table's thread mode, which is always
 * on here) and "waker TID" (the main thread); waits for a line (or EOF) on
 * stdin with -w; at the end prints the microseconds the wakee
 * measured blocked, and with -l lingers that many milliseconds before it
 * exits, so that a tracer slow to get the CPU (a loaded machine, a VM) can
 * still read the process's maps to name its frames. Built with frame
 * pointers, so that the kernel can walk the waker's user stack.
 */
#pragma GCC optimize("no-omit-frame-pointer")
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define KEEP __attribute__((noipa, used))

static long n, ms;
static int fds[2];
static double blocked_us;

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

KEEP long wake_known(int fd)
{
	char c = 'w';

#if defined(__x86_64__)
	long ret;

	/* A system call instruction of its own: the user stack starts here. */
	__asm__ volatile("syscall" : "=a"(ret) : "0"((long)SYS_write), "D"((long)fd), "S"(&c), "d"(1L)
			 : "rcx", "r11", "memory");
	return ret;
#else
	return write(fd, &c, 1);
#endif
}

static int go[2];

static void *wakee(void *arg)
{
	char c;

	/* Blocked until the waker starts, after the go line. */
	if (read(go[0], &c, 1) != 1)
		return arg;
	for (long i = 0; i < n; i++) {
		double t0 = now_us();

		if (read(fds[0], &c, 1) != 1)
			break;
		blocked_us += now_us() - t0;
	}
	return arg;
}

static void *waker(void *arg)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	for (long i = 0; i < n; i++) {
		nanosleep(&ts, NULL);
		wake_known(fds[1]);
	}
	return arg;
}

static pid_t wakee_tid;

static void *wakee_start(void *arg)
{
	wakee_tid = (pid_t)syscall(SYS_gettid);
	return wakee(arg);
}

int main(int argc, char **argv)
{
	pthread_t a;
	char line[16];
	int i = 1, wait_line = 0;
	long linger_ms = 0;

	for (; argc > i && argv[i][0] == '-' && argv[i][1] && !argv[i][2]; i++) {
		if (argv[i][1] == 'w')
			wait_line = 1;
		else if (argv[i][1] == 'l' && argc > i + 1)
			linger_ms = atol(argv[++i]);
		else if (argv[i][1] != 'T')
			break;
	}
	if (argc != i + 2 || (n = atol(argv[i])) <= 0 || (ms = atol(argv[i + 1])) <= 0 ||
	    linger_ms < 0) {
		fprintf(stderr, "usage: waker [-w] [-T] [-l MS] N MS\n");
		return 64;
	}
	if (pipe(fds) || pipe(go))
		return 1;
	printf("%d\n", (int)getpid());
	fflush(stdout);
	/* The wakee first, blocked in read before the waker starts. */
	if (pthread_create(&a, NULL, wakee_start, NULL))
		return 1;
	while (!wakee_tid)
		usleep(1000);
	printf("tid %d\nwaker %ld\n", wakee_tid, (long)syscall(SYS_gettid));
	fflush(stdout);
	if (wait_line && !fgets(line, sizeof(line), stdin))
		line[0] = 0;
	if (write(go[1], "g", 1) != 1)
		return 1;
	waker(NULL);
	pthread_join(a, NULL);
	printf("%.0f\n", blocked_us);
	fflush(stdout);
	usleep(linger_ms * 1000);
	return 0;
}
