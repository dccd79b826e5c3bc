// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Test trigger for exitsnoop: forks children that end in known ways, one
 * after the other, and prints its own PID, then one line per child:
 *
 *   code PID            exits with code 3
 *   segv PID            dies of SIGSEGV, without a core (RLIMIT_CORE 0, not dumpable)
 *   threads PID TID...  NTHREADS threads exit (and are joined) first, then it exits with 4
 *   group PID TID...    exits with 5 while its NTHREADS threads still run (exit_group)
 *   core PID            (-c) dies of SIGSEGV and dumps a core into the working directory
 *
 *   exiter [-w] [-c] [-t NTHREADS]
 *
 * With -w it waits for a line on stdin first, so a tracer can be started with -p.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_THREADS 64

static int nthreads = 3, tids_pipe[2];
static pthread_barrier_t started;

static void crash(void)
{
	*(volatile int *)0 = 0;
}

static void *report_tid(void *block)
{
	pid_t tid = gettid();

	if (write(tids_pipe[1], &tid, sizeof(tid)) != sizeof(tid))
		_exit(2);
	pthread_barrier_wait(&started);
	while (block)
		pause();
	return NULL;
}

/* Starts the threads; each reports its TID, then exits or blocks. */
static void threads(int block)
{
	pthread_t t[MAX_THREADS];

	pthread_barrier_init(&started, NULL, nthreads + 1);
	for (int i = 0; i < nthreads; i++)
		pthread_create(&t[i], NULL, report_tid, block ? (void *)1 : NULL);
	pthread_barrier_wait(&started);
	if (!block)
		for (int i = 0; i < nthreads; i++)
			pthread_join(t[i], NULL);
}

static void child_code(void) { _exit(3); }

static void child_segv(void)
{
	struct rlimit no_core = { 0, 0 };

	setrlimit(RLIMIT_CORE, &no_core);
	/* A pipe core_pattern ignores RLIMIT_CORE 0; not dumpable stops it too. */
	prctl(PR_SET_DUMPABLE, 0);
	crash();
}

static void child_threads(void) { threads(0); exit(4); }

/* Every thread is running when exit_group() kills them. */
static void child_group(void)
{
	threads(1);
	usleep(10000);
	exit(5);
}

static void child_core(void)
{
	struct rlimit core = { 64 << 20, 64 << 20 };

	setrlimit(RLIMIT_CORE, &core);
	crash();
}

/* Runs fn in a child, prints "name PID [TID...]" once it is reaped. */
static void run(const char *name, void (*fn)(void), int with_tids)
{
	pid_t pid, tid;

	if (pipe(tids_pipe))
		exit(1);
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		exit(1);
	if (pid == 0) {
		fn();
		_exit(1);
	}
	close(tids_pipe[1]);
	printf("%s %d", name, pid);
	/* The threads' TIDs, in the order they started. */
	while (with_tids && read(tids_pipe[0], &tid, sizeof(tid)) == sizeof(tid))
		printf(" %d", tid);
	printf("\n");
	close(tids_pipe[0]);
	waitpid(pid, NULL, 0);
}

int main(int argc, char **argv)
{
	int wait_line = 0, core = 0, c;
	char line[16];

	while ((c = getopt(argc, argv, "wct:")) != -1) {
		switch (c) {
		case 'w': wait_line = 1; break;
		case 'c': core = 1; break;
		case 't': nthreads = atoi(optarg); break;
		default: return 2;
		}
	}
	if (nthreads < 1 || nthreads > MAX_THREADS)
		return 2;
	printf("%d\n", getpid());
	fflush(stdout);
	if (wait_line && !fgets(line, sizeof(line), stdin))
		return 3;
	run("code", child_code, 0);
	run("segv", child_segv, 0);
	run("threads", child_threads, 1);
	run("group", child_group, 1);
	if (core)
		run("core", child_core, 0);
	fflush(stdout);
	return 0;
}
