// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Test trigger for runqlat and runqslower: two CPU-bound threads pinned to
 * one CPU for MS milliseconds, so each waits on the run queue while the
 * other runs (waits of the scheduler's slice order). The working thread
 * (the main one, or with -T a second thread that prints "tid TID" first, see
 * trigger.h) pins itself and starts a partner; when both have burned, it
 * prints, for each, the kernel's own count of its time on a run queue, of its
 * runs and of its time on a CPU (/proc/self/task/TID/schedstat: run_delay,
 * pcount, sum_exec_runtime) since the work began (the partner: since it
 * began), read while the partner is parked:
 *
 *   sched TID RUN_DELAY_NS PCOUNT ON_CPU_NS
 *
 * Prints its PID first, then "cpu N", the CPU it pins them to; with -w it
 * waits for a line on stdin first.
 *
 *   pinned [-w] [-T] [-m MS]
 */
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include "trigger.h"

static long ms = 300;
static int cpu;
static sem_t burnt, leave;
static pid_t partner_tid;
volatile unsigned long pinned_sink;

static int pin(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void burn(double until)
{
	while (now_ms() < until)
		for (int i = 0; i < 1000; i++)
			pinned_sink += i;
}

static double until;

static void *partner(void *arg __attribute__((unused)))
{
	partner_tid = gettid();
	if (pin())
		perror("pinned: sched_setaffinity");
	burn(until);
	sem_post(&burnt);
	sem_wait(&leave);
	return NULL;
}

/* The run_delay, pcount and time on CPU of thread tid so far; -1 when unreadable. */
static int sched_info(pid_t tid, unsigned long long *delay, unsigned long long *runs,
		      unsigned long long *on_cpu)
{
	char path[64];
	FILE *f;
	int n;

	snprintf(path, sizeof(path), "/proc/self/task/%d/schedstat", tid);
	f = fopen(path, "r");
	if (!f) {
		perror(path);
		return -1;
	}
	n = fscanf(f, "%llu %llu %llu", on_cpu, delay, runs);
	fclose(f);
	return n == 3 ? 0 : -1;
}

struct sched_info {
	unsigned long long delay, runs, on_cpu;
};

static int print_sched(pid_t tid, const struct sched_info *s0)
{
	struct sched_info s;

	if (sched_info(tid, &s.delay, &s.runs, &s.on_cpu))
		return 1;
	printf("sched %d %llu %llu %llu\n", tid, s.delay - s0->delay, s.runs - s0->runs,
	       s.on_cpu - s0->on_cpu);
	return 0;
}

static int work(void *arg __attribute__((unused)))
{
	struct sched_info s0, zero = {};
	pthread_t t;
	int bad;

	if (sched_info(gettid(), &s0.delay, &s0.runs, &s0.on_cpu))
		return 1;
	if (pin()) {
		perror("pinned: sched_setaffinity");
		return 1;
	}
	until = now_ms() + ms;
	if (pthread_create(&t, NULL, partner, NULL)) {
		perror("pinned: pthread_create");
		return 1;
	}
	burn(until);
	sem_wait(&burnt);
	bad = print_sched(gettid(), &s0) | print_sched(partner_tid, &zero);
	fflush(stdout);
	sem_post(&leave);
	pthread_join(t, NULL);
	return bad;
}

int main(int argc, char **argv)
{
	int wait_line = 0, thread = 0, c;
	cpu_set_t set;

	while ((c = getopt(argc, argv, "wTm:")) != -1) {
		switch (c) {
		case 'w': wait_line = 1; break;
		case 'T': thread = 1; break;
		case 'm': ms = atol(optarg); break;
		default: return 2;
		}
	}
	/* The last CPU it may run on. */
	if (sched_getaffinity(0, sizeof(set), &set))
		return 1;
	for (int i = 0; i < CPU_SETSIZE; i++)
		if (CPU_ISSET(i, &set))
			cpu = i;
	sem_init(&burnt, 0, 0);
	sem_init(&leave, 0, 0);
	printf("%d\ncpu %d\n", getpid(), cpu);
	fflush(stdout);
	return trigger_run(work, NULL, thread, wait_line);
}
