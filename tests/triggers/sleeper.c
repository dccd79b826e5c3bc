/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * A target for offcputime: a thread that sleeps a known number of times for
 * a known time, in a function with a known name.
 *
 *   sleeper [-w] N MS
 *
 * prints "PID TID" of the sleeping thread, waits for a line (or EOF) on stdin
 * with -w, then calls sleep_known() N times, each making one nanosleep(2) of
 * MS milliseconds by a system call instruction of its own on x86 and arm64
 * (so the user stack at the sleep starts inside sleep_known, whatever libc
 * was built with). It
 * runs SCHED_FIFO when allowed, so that each sleep ends on time on a busy
 * machine too. At the end it prints the microseconds it measured asleep.
 */
#pragma GCC optimize("no-omit-frame-pointer")
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define KEEP __attribute__((noipa, used))

static long n, ms;
static int wait_line;
static double slept_us;

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

KEEP long sleep_known(const struct timespec *ts)
{
#if defined(__x86_64__)
	long ret;

	__asm__ volatile("syscall" : "=a"(ret) : "0"((long)SYS_nanosleep), "D"(ts), "S"(0L)
			 : "rcx", "r11", "memory");
	return ret;
#elif defined(__aarch64__)
	/* The leaf's own svc: its caller's return address is only in x30. */
	register long x8 __asm__("x8") = SYS_nanosleep;
	register long x0 __asm__("x0") = (long)ts;
	register long x1 __asm__("x1") = 0;

	__asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1) : "memory");
	return x0;
#else
	return nanosleep(ts, NULL);
#endif
}

static void *sleeper(void *arg)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	struct sched_param sp = { .sched_priority = 10 };
	char line[16];
	double t0;

	sched_setscheduler(0, SCHED_FIFO, &sp);
	printf("%d %ld\n", (int)getpid(), (long)syscall(SYS_gettid));
	fflush(stdout);
	if (wait_line && !fgets(line, sizeof(line), stdin))
		line[0] = 0;
	for (long i = 0; i < n; i++) {
		t0 = now_us();
		sleep_known(&ts);
		slept_us += now_us() - t0;
	}
	return arg;
}

int main(int argc, char **argv)
{
	pthread_t th;
	int a = 1;

	if (argc > a && argv[a][0] == '-' && argv[a][1] == 'w' && !argv[a][2])
		wait_line = 1, a++;
	if (argc != a + 2 || (n = atol(argv[a])) <= 0 || (ms = atol(argv[a + 1])) <= 0) {
		fprintf(stderr, "usage: sleeper [-w] N MS\n");
		return 64;
	}
	if (pthread_create(&th, NULL, sleeper, NULL))
		return 1;
	pthread_join(th, NULL);
	printf("%.0f\n", slept_us);
	return 0;
}
