// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Test trigger for futexctn: two threads contend on one pthread mutex a
 * known number of times. After the go line (-w), the working thread starts
 * a holder thread; N times the holder locks the mutex, the worker calls
 * bk_lock_waiter(), which blocks in pthread_mutex_lock(), and the holder
 * unlocks only once it sees the worker asleep in futex() on the mutex (in
 * /proc/self/task/TID/syscall): exactly N futex waits at the mutex, each of
 * about -s MS milliseconds, whatever the load. Prints its PID, then "lock
 * 0xADDR". Built with frame pointers so that the waits' user stacks reach
 * bk_lock_waiter. -T does the work in a second thread. -l MS lingers that
 * long before it exits, so that a tracer can still read the process's maps
 * to name the frames.
 *
 *   contender [-w] [-T] [-n N] [-s MS] [-l MS]
 */
#pragma GCC optimize("no-omit-frame-pointer", "no-optimize-sibling-calls")
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include "trigger.h"

#define KEEP __attribute__((noipa, used))

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int n_rounds = 5, sleep_ms = 10, linger_ms, held[2], done[2];
static pid_t worker;

/*
 * The C library has no frame pointers: a walk from inside it goes on from
 * the innermost frame that has one, this one, at its caller's return address.
 */
KEEP void bk_mutex_lock(pthread_mutex_t *m)
{
	pthread_mutex_lock(m);
}

KEEP void bk_lock_waiter(void)
{
	bk_mutex_lock(&lock);
	pthread_mutex_unlock(&lock);
}

/* Whether thread tid sleeps in futex() on the mutex. */
static int waits_on_lock(pid_t tid)
{
	char path[64], buf[256];
	unsigned long nr, addr;
	FILE *f;
	int ok = 0;

	snprintf(path, sizeof(path), "/proc/self/task/%d/syscall", tid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (fgets(buf, sizeof(buf), f) && sscanf(buf, "%lu %lx", &nr, &addr) == 2)
		ok = nr == SYS_futex && addr == (unsigned long)&lock;
	fclose(f);
	return ok;
}

static void *holder(void *arg __attribute__((unused)))
{
	char c = 1;

	for (int i = 0; i < n_rounds; i++) {
		pthread_mutex_lock(&lock);
		if (write(held[1], &c, 1) != 1)
			exit(3);
		while (!waits_on_lock(worker))
			usleep(1000);
		usleep(sleep_ms * 1000);
		pthread_mutex_unlock(&lock);
		if (read(done[0], &c, 1) != 1)
			exit(3);
	}
	return NULL;
}

static int work(void *arg __attribute__((unused)))
{
	pthread_t h;
	char c = 1;

	worker = gettid();
	if (pthread_create(&h, NULL, holder, NULL))
		return 1;
	for (int i = 0; i < n_rounds; i++) {
		if (read(held[0], &c, 1) != 1)
			return 1;
		bk_lock_waiter();
		if (write(done[1], &c, 1) != 1)
			return 1;
	}
	pthread_join(h, NULL);
	usleep(linger_ms * 1000);
	return 0;
}

int main(int argc, char **argv)
{
	int wait_line = 0, in_thread = 0, c;

	while ((c = getopt(argc, argv, "wTn:s:l:")) != -1) {
		switch (c) {
		case 'w': wait_line = 1; break;
		case 'T': in_thread = 1; break;
		case 'n': n_rounds = atoi(optarg); break;
		case 's': sleep_ms = atoi(optarg); break;
		case 'l': linger_ms = atoi(optarg); break;
		default: return 2;
		}
	}
	if (pipe(held) || pipe(done))
		return 1;
	printf("%d\nlock %p\n", getpid(), (void *)&lock);
	fflush(stdout);
	return trigger_run(work, NULL, in_thread, wait_line);
}
