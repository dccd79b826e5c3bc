/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * What the triggers share: waiting for the go line, and -T, which does the
 * work in a second thread so a tracer's -t can name a thread that is not the
 * main one. That thread prints "tid TID" on stdout before it waits.
 */
#ifndef BPFKIT_TRIGGER_H
#define BPFKIT_TRIGGER_H

#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

struct trigger_work {
	int (*fn)(void *arg);
	void *arg;
	int wait;	/* wait for a line (or end of file) on stdin first */
	int ret;
};

/*
 * One read(2), blocked before a tracer attaches and so never counted by it
 * (vfsstat counts reads): the go line comes in one write.
 */
static inline void trigger_wait_line(void)
{
	char line[64];

	if (read(0, line, sizeof(line)) < 0)
		perror("read");
}

static inline void *trigger_thread(void *p)
{
	struct trigger_work *w = p;

	printf("tid %d\n", (int)gettid());
	fflush(stdout);
	if (w->wait)
		trigger_wait_line();
	w->ret = w->fn(w->arg);
	return NULL;
}

/* Runs fn(arg), in a new thread when in_thread; returns what it returned. */
static inline int trigger_run(int (*fn)(void *), void *arg, int in_thread, int wait)
{
	struct trigger_work w = { fn, arg, wait, 0 };
	pthread_t t;

	if (!in_thread) {
		if (wait)
			trigger_wait_line();
		return fn(arg);
	}
	if (pthread_create(&t, NULL, trigger_thread, &w) || pthread_join(t, NULL)) {
		perror("pthread");
		return 125;
	}
	return w.ret;
}

#endif
