// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Test trigger for runqlat and runqslower: two CPU-bound threads pinned to
 * one CPU for MS milliseconds, so each waits on the run queue while the
 * other runs (waits of the scheduler's slice order). The working thread
 * (the main one, or with -T a second thread that prints "tid TID" first, see
 * trigger.h) pins itself and starts a partner; when both have burned, it
 * prints, for each, the kernel's own count of its time on a run queue and of
 * its runs (/proc/self/task/TID/schedstat: run_delay and pcount) since the
 * work began (the partner: since it began), read while the partner is parked:
 *
 *   sched TID RUN_DELAY_NS PCOUNT
 *
 * Prints its PID first; with -w it waits for a line on stdin first.
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

/* The run_delay and pcount of thread tid so far; -1 when unreadable. */
static int sched_info(pid_t tid, unsigned long long *delay, unsigned long long *runs)
{
	unsigned long long on_cpu;
	char path[64];
	FILE *f;
	int n;

	snprintf(path, sizeof(path), "/proc/self/task/%d/schedstat", tid);
	f = fopen(path, "r");
	if (!f) {
		perror(path);
		return -1;
	}
	n = fscanf(f, "%llu %llu %llu", &on_cpu, delay, runs);
	fclose(f);
	return n == 3 ? 0 : -1;
}

static int print_sched(pid_t tid, unsigned long long delay0, unsigned long long runs0)
{
	unsigned long long delay, runs;

	if (sched_info(tid, &delay, &runs))
		return 1;
	printf("sched %d %llu %llu\n", tid, delay - delay0, runs - runs0);
	return 0;
}

static int work(void *arg __attribute__((unused)))
{
	unsigned long long delay0, runs0;
	pthread_t t;
	int bad;

	if (sched_info(gettid(), &delay0, &runs0))
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
	bad = print_sched(gettid(), delay0, runs0) | print_sched(partner_tid, 0, 0);
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
	printf("%d\n", getpid());
	fflush(stdout);
	return trigger_run(work, NULL, thread, wait_line);
}
