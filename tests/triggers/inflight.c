// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Test trigger: COUNT opens in flight at the same time. COUNT threads open
 * the FIFO PATH for reading, which blocks until a writer comes; once every
 * one of them is inside openat() (their /proc/.../syscall says so), the main
 * thread opens PATH for writing, which lets them all through. Prints its PID
 * first, then the number of reader opens that succeeded. The readers are
 * named "inreader" (their comm), so a tracer can pick them out with -n.
 *
 *   inflight COUNT FIFO
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *path;
static int opened;
static pid_t *tids;

static void *reader(void *arg)
{
	int fd;

	prctl(PR_SET_NAME, "inreader");
	__atomic_store_n(&tids[(long)arg], gettid(), __ATOMIC_RELEASE);
	fd = open(path, O_RDONLY);

	if (fd >= 0) {
		__atomic_fetch_add(&opened, 1, __ATOMIC_RELAXED);
		close(fd);
	}
	return NULL;
}

/* Whether thread tid is blocked in openat(). */
static int in_open(pid_t tid)
{
	char p[64], buf[64];
	FILE *f;
	long nr = -1;

	snprintf(p, sizeof(p), "/proc/self/task/%d/syscall", tid);
	f = fopen(p, "r");
	if (!f)
		return 0;
	if (fgets(buf, sizeof(buf), f))
		nr = strtol(buf, NULL, 10);
	fclose(f);
	return nr == SYS_openat;
}

int main(int argc, char **argv)
{
	pthread_attr_t attr;
	pthread_t *t;
	int n, fd, waiting;

	if (argc != 3 || (n = atoi(argv[1])) <= 0)
		return 2;
	path = argv[2];
	printf("%d\n", getpid());
	fflush(stdout);
	t = calloc(n, sizeof(*t));
	tids = calloc(n, sizeof(*tids));
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 << 10);
	for (int i = 0; i < n; i++)
		if (pthread_create(&t[i], &attr, reader, (void *)(long)i))
			return 3;
	/* Until every reader is in openat(): then they are all in flight at once. */
	do {
		waiting = 0;
		for (int i = 0; i < n; i++)
			waiting += in_open(__atomic_load_n(&tids[i], __ATOMIC_ACQUIRE));
		if (waiting < n)
			usleep(10000);
	} while (waiting < n);
	fd = open(path, O_WRONLY);
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	if (fd >= 0)
		close(fd);
	printf("%d\n", opened);
	return 0;
}
