// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Test trigger for klockstat: after the go line (-w), the working thread and
 * -t N - 1 more threads of the process map, touch and unmap a page -n M
 * times each, as fast as they can: mmap() and munmap() take the process's
 * mmap_lock for writing, so the threads queue on it (kernel rw-semaphore
 * waits) whenever two run at once. Prints its PID; -T does the work in a
 * second thread.
 *
 * With -H MS, mutex holds of known length instead (klockstat's hold times):
 * the working thread reads a line from a pseudo-terminal -k K times (5), and
 * a helper thread writes each line MS ms after the read began. n_tty_read()
 * holds the tty's read mutex while it waits for the line, so each read holds
 * that mutex about MS ms. At the end the trigger prints "reads K total_ns N":
 * the time the K read() calls took, which each hold lies inside of.
 * With -C as well, a second reader reads the same terminal once the first
 * sleeps in each read (so holds the mutex), and so waits on that mutex; the
 * line comes once the second sleeps too (the next round starts when both
 * reads are done): exactly K contentions, and they need no second CPU (the
 * mmap_lock queue of the default mode needs a preemption while the lock is
 * held, which one CPU without kernel preemption makes a matter of chance).
 * The working thread (-T) is then that second reader, and a helper holds.
 *
 * With -W N FILE, rwsem holds as well: before the reads (or alone, without
 * -H) the working thread writes one byte to FILE N times; each write(2)
 * holds FILE's inode lock (i_rwsem) for writing once (inode_lock() in the
 * filesystem's write_iter). FILE is created and emptied before the go line,
 * so that its open's locks come before the tool runs.
 *
 *   locker [-w] [-T] [-t N] [-n M] [-H MS [-k K] [-C]] [-W N FILE]
 */
#include <fcntl.h>
#include <semaphore.h>
#include <stdlib.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include "trigger.h"

#define MAX_THREADS 16

static int n_threads = 4, n_maps = 20000, hold_ms, n_holds = 5, contend;
static int master, slave, n_writes, wfd = -1;
static long long held_ns;
static sem_t reading, second, second_done;
static volatile pid_t holder_tid, reader_tid;

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/*
 * Waits until thread tid sleeps in read(2) (10 s at most): the holder then
 * holds the read mutex (n_tty_read takes it before it waits for a line),
 * and the second reader waits on it. Under load a fixed sleep was not enough.
 */
static void blocked_in_read(volatile pid_t *tid)
{
	struct timespec ms = { 0, 1000000L };
	char path[64], buf[64];

	for (int i = 0; i < 10000; i++, nanosleep(&ms, NULL)) {
		long nr;
		ssize_t n;
		int fd;

		if (!*tid)
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%d/syscall", (int)*tid);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			return;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		buf[n > 0 ? n : 0] = 0;
		/* "running", or the number of the system call it sleeps in. */
		if (sscanf(buf, "%ld", &nr) == 1 && nr == SYS_read)
			return;
	}
}

/* The helper: a line MS ms after each read began (with -C, and the second reader waiting). */
static void *writer(void *arg __attribute__((unused)))
{
	struct timespec d = { hold_ms / 1000, (hold_ms % 1000) * 1000000L };

	for (int i = 0; i < n_holds; i++) {
		sem_wait(&reading);
		if (contend)
			sem_post(&second);
		nanosleep(&d, NULL);
		if (contend)
			blocked_in_read(&reader_tid);
		/* With -C, a line for the second reader too. */
		if (write(master, "x\nx\n", contend ? 4 : 2) != (contend ? 4 : 2))
			exit(3);
	}
	return NULL;
}

/* -C: the second reader, once the first sleeps in each read holding the mutex. */
static void *reader(void *arg __attribute__((unused)))
{
	char buf[64];

	reader_tid = gettid();
	for (int i = 0; i < n_holds; i++) {
		sem_wait(&second);
		blocked_in_read(&holder_tid);
		if (read(slave, buf, sizeof(buf)) != 2)
			exit(3);
		sem_post(&second_done);
	}
	return NULL;
}

/* The K reads that hold the tty's read mutex; the time they took. */
static void *holder(void *arg __attribute__((unused)))
{
	char buf[64];

	holder_tid = gettid();
	for (int i = 0; i < n_holds; i++) {
		long long t0;

		sem_post(&reading);
		t0 = now_ns();
		if (read(slave, buf, sizeof(buf)) != 2)
			exit(3);
		held_ns += now_ns() - t0;
		/* One wait a round: the next read starts when both are done. */
		if (contend)
			sem_wait(&second_done);
	}
	return NULL;
}

/*
 * The working thread holds; with -C it is the one that waits (a helper
 * holds), so that -t of it sees the K contentions.
 */
static int hold(void *arg __attribute__((unused)))
{
	pthread_t w, h;

	for (int i = 0; i < n_writes; i++)
		if (write(wfd, "x", 1) != 1)
			return 3;
	if (!hold_ms)
		return 0;
	if (pthread_create(&w, NULL, writer, NULL))
		return 1;
	if (contend) {
		if (pthread_create(&h, NULL, holder, NULL))
			return 1;
		reader(NULL);
		pthread_join(h, NULL);
	} else {
		holder(NULL);
	}
	pthread_join(w, NULL);
	printf("reads %d total_ns %lld\n", n_holds, held_ns);
	return 0;
}

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

	while ((c = getopt(argc, argv, "wTt:n:H:k:CW:")) != -1) {
		switch (c) {
		case 'w': wait_line = 1; break;
		case 'T': in_thread = 1; break;
		case 't': n_threads = atoi(optarg); break;
		case 'n': n_maps = atoi(optarg); break;
		case 'H': hold_ms = atoi(optarg); break;
		case 'k': n_holds = atoi(optarg); break;
		case 'C': contend = 1; break;
		case 'W': n_writes = atoi(optarg); break;
		default: return 2;
		}
	}
	if (n_threads < 1 || n_threads > MAX_THREADS)
		return 2;
	if (hold_ms < 0 || n_holds < 1 || n_writes < 0 || (n_writes && optind != argc - 1))
		return 2;
	if (n_writes) {
		wfd = open(argv[optind], O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (wfd < 0)
			return 1;
	}
	if (hold_ms) {
		master = posix_openpt(O_RDWR | O_NOCTTY);
		if (master < 0 || grantpt(master) || unlockpt(master) || sem_init(&reading, 0, 0) ||
		    sem_init(&second, 0, 0) || sem_init(&second_done, 0, 0))
			return 1;
		slave = open(ptsname(master), O_RDWR | O_NOCTTY);
		if (slave < 0)
			return 1;
	}
	printf("%d\n", getpid());
	fflush(stdout);
	return trigger_run(hold_ms || n_writes ? hold : work, NULL, in_thread, wait_line);
}
