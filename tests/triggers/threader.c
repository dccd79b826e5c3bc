// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Test trigger for threadsnoop: after the go line (-w), starts -n N threads
 * with pthread_create() in bk_thread_start, one after the other, each
 * joined before the next, then -c M threads with the C library's clone()
 * wrapper (CLONE_THREAD, as a runtime without pthreads does), each waited
 * for. Prints its PID first; -T does the work in a second thread. -l MS
 * lingers that long before it exits, so that a tracer can still read the
 * process's maps to name the start routines.
 *
 *   threader [-w] [-T] [-n N] [-c M] [-l MS]
 */
#include <linux/futex.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include "trigger.h"

static int n_threads = 12, n_clones = 1, linger_ms;

__attribute__((noinline, used)) void *bk_thread_start(void *arg)
{
	__asm__ volatile("" ::: "memory");
	return arg;
}

/* Runs on the clone()d thread: no TLS of its own, so only raw system calls. */
static int clone_start(void *arg __attribute__((unused)))
{
	syscall(SYS_exit, 0);
	return 0;
}

static int one_clone(void)
{
	const size_t size = 64 << 10;
	/* The kernel clears it and wakes us when the thread is gone (CLONE_CHILD_CLEARTID). */
	static volatile pid_t tid;
	char *stack = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK,
			   -1, 0);
	pid_t t;

	if (stack == MAP_FAILED)
		return -1;
	t = clone(clone_start, stack + size,
		  CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |
			  CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID,
		  NULL, &tid, NULL, &tid);
	if (t < 0)
		return -1;
	while (tid)
		syscall(SYS_futex, &tid, FUTEX_WAIT, t, NULL, NULL, 0);
	munmap(stack, size);
	return 0;
}

static int work(void *arg __attribute__((unused)))
{
	for (int i = 0; i < n_threads; i++) {
		pthread_t t;

		if (pthread_create(&t, NULL, bk_thread_start, NULL) || pthread_join(t, NULL))
			return 1;
	}
	for (int i = 0; i < n_clones; i++)
		if (one_clone())
			return 1;
	usleep(linger_ms * 1000);
	return 0;
}

int main(int argc, char **argv)
{
	int wait_line = 0, in_thread = 0, c;

	while ((c = getopt(argc, argv, "wTn:c:l:")) != -1) {
		switch (c) {
		case 'w': wait_line = 1; break;
		case 'T': in_thread = 1; break;
		case 'n': n_threads = atoi(optarg); break;
		case 'c': n_clones = atoi(optarg); break;
		case 'l': linger_ms = atoi(optarg); break;
		default: return 2;
		}
	}
	printf("%d\n", getpid());
	fflush(stdout);
	return trigger_run(work, NULL, in_thread, wait_line);
}
