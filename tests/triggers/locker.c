// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Test trigger for klockstat: after the go line (-w), the working thread and
 * -t N - 1 more threads of the process map, touch and unmap a page -n M
 * times each, as fast as they can: mmap() and munmap() take the process's
 * mmap_lock for writing, so the threads queue on it (kernel rw-semaphore
 * waits) whenever two run at once. Prints its PID; -T does the work in a
 * second thread.
 *
 *   locker [-w] [-T] [-t N] [-n M]
 */
#include <stdlib.h>
#include <sys/mman.h>
#include "trigger.h"

#define MAX_THREADS 16

static int n_threads = 4, n_maps = 20000;

static void *hammer(void *arg __attribute__((unused)))
{
	for (int i = 0; i < n_maps; i++) {
		char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			exit(3);
		*(volatile char *)p = 1;
		munmap(p, 4096);
	}
	return NULL;
}

static int work(void *arg __attribute__((unused)))
{
	pthread_t t[MAX_THREADS];

	for (int i = 1; i < n_threads; i++)
		if (pthread_create(&t[i], NULL, hammer, NULL))
			return 1;
	hammer(NULL);
	for (int i = 1; i < n_threads; i++)
		pthread_join(t[i], NULL);
	return 0;
}

int main(int argc, char **argv)
{
	int wait_line = 0, in_thread = 0, c;

	while ((c = getopt(argc, argv, "wTt:n:")) != -1) {
		switch (c) {
		case 'w': wait_line = 1; break;
		case 'T': in_thread = 1; break;
		case 't': n_threads = atoi(optarg); break;
		case 'n': n_maps = atoi(optarg); break;
		default: return 2;
		}
	}
	if (n_threads < 1 || n_threads > MAX_THREADS)
		return 2;
	printf("%d\n", getpid());
	fflush(stdout);
	return trigger_run(work, NULL, in_thread, wait_line);
}
