// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include "core/links.h"
#include "core/log.h"
#include "core/loop.h"

/* A detach that would take longer than this is announced. */
#define SLOW_NS 1000000000ULL
/* Detaching is timed for this long before the rest is estimated. */
#define SAMPLE_NS 200000000ULL

size_t bk_links_held;

static void *grow(void *p, size_t *cap, size_t n, size_t size)
{
	size_t c;

	if (n < *cap)
		return p;
	c = *cap ? *cap * 2 : 16;
	p = realloc(p, c * size);
	if (p)
		*cap = c;
	return p;
}

int bk_links_add(struct bk_links *l, struct bpf_link *link)
{
	struct bpf_link **p;

	if (!link)
		return errno ? -errno : -EINVAL;
	p = grow(l->link, &l->cap, l->n, sizeof(*p));
	if (!p) {
		bpf_link__destroy(link);
		return -ENOMEM;
	}
	l->link = p;
	l->link[l->n++] = link;
	bk_links_held++;
	return 0;
}

int bk_links_add_fd(struct bk_links *l, int fd)
{
	int *p;

	if (fd < 0)
		return errno ? -errno : -EINVAL;
	p = grow(l->fd, &l->fdcap, l->nfd, sizeof(*p));
	if (!p) {
		close(fd);
		return -ENOMEM;
	}
	l->fd = p;
	l->fd[l->nfd++] = fd;
	bk_links_held++;
	return 0;
}

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/*
 * A second signal while detaching: the kernel would release the
 * remaining links at our exit just as slowly, so a child inherits them
 * (sharing every file) and finishes the detaching in the background, away
 * from the terminal; this process then ends by the signal at once, its exit
 * dropping only references.
 */
static void on_signal_detaching(int sig)
{
	pid_t parent, pid;
	int fd;

	/* As in the event loop: a first signal only asks the tool to end. */
	if (!bk_exiting) {
		bk_exiting = sig;
		return;
	}
	parent = getpid();
	pid = fork();
	if (pid == 0) {
		/*
		 * Whoever drops a file's last reference pays for its release:
		 * the parent first drops its own, then the child goes on.
		 */
		while (getppid() == parent)
			nanosleep(&(struct timespec){ 0, 10000000 }, NULL);
		setsid();
		signal(SIGINT, SIG_IGN);
		signal(SIGTERM, SIG_IGN);
		signal(SIGHUP, SIG_IGN);
		fd = open("/dev/null", O_RDWR);
		if (fd >= 0) {
			dup2(fd, STDIN_FILENO);
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
			if (fd > STDERR_FILENO)
				close(fd);
		}
		return;
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

void bk_links_destroy(struct bk_links *l)
{
	struct sigaction sa = { .sa_handler = on_signal_detaching }, old_int, old_term;
	unsigned long long start = now_ns(), spent, left;
	bool slow = l->n > 1, timing = slow;
	size_t done = 0;

	while (l->nfd > 0) {
		close(l->fd[--l->nfd]);
		bk_links_held--;
	}
	if (slow) {
		sigemptyset(&sa.sa_mask);
		sigaction(SIGINT, &sa, &old_int);
		sigaction(SIGTERM, &sa, &old_term);
	}
	while (l->n > 0) {
		bpf_link__destroy(l->link[--l->n]);
		bk_links_held--;
		done++;
		spent = now_ns() - start;
		if (!timing || !l->n || spent < SAMPLE_NS)
			continue;
		timing = false;
		left = spent / done * l->n;
		if (left >= SLOW_NS)
			bk_warn("detaching %zu more probes takes about %llu s on this kernel (a grace "
				"period each); Ctrl-C %squits now and leaves that to a background "
				"process", l->n, (left + 500000000ULL) / 1000000000ULL,
				bk_exiting ? "again " : "twice ");
	}
	if (slow) {
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGTERM, &old_term, NULL);
	}
	free(l->link);
	free(l->fd);
	l->link = NULL;
	l->fd = NULL;
	l->cap = l->fdcap = 0;
}
