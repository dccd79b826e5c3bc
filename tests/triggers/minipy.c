// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Test trigger: a stand-in for a Python interpreter built with DTrace probes,
 * so that uflow is tested where no such Python exists (the test VMs). It has
 * CPython's USDT probes python:function__entry and python:function__return
 * (arguments: file name, function name, line number), with semaphores, and
 * fires them only while a tracer has raised the semaphores, as CPython does.
 *
 * It plays tests/triggers/flow.py: prints its PID, enters the frame of module
 * "flow" (<module>), waits for a line on stdin, then runs main(COUNT) in the
 * main thread and then in a second thread under threading's run(). main()
 * calls outer() COUNT times; outer() calls middle() twice; middle() calls
 * inner(). The functions start at lines 16 (inner), 20 (middle), 24 (outer)
 * and 31 (main) of "/srv/minipy/flow.py", as in flow.py.
 *
 * With FLOOD, the main thread also calls noise() of package "noisepkg"
 * (/srv/minipy/noisepkg/__init__.py) FLOOD times before and FLOOD times
 * after its main(COUNT): other calls around the ones a filter wants.
 *
 *   minipy [-T] [COUNT [FLOOD]]
 *
 * -T runs both (main(COUNT), then run() calling it) in one second thread,
 * which prints "tid TID" before it waits (see trigger.h).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "trigger.h"

/* The semaphores a tracer increments (through the kernel's uprobe ref_ctr). */
unsigned short python_function__entry_semaphore __attribute__((section(".probes"), used));
unsigned short python_function__return_semaphore __attribute__((section(".probes"), used));

/* One USDT probe site as <sys/sdt.h> emits it (that header is not installed
 * here): a nop, and a note with its address, semaphore and argument places. */
#define PROBE(name, file, func, line)                                                     \
	__asm__ __volatile__("990: nop\n"                                                 \
			     ".pushsection .note.stapsdt,\"?\",\"note\"\n"                \
			     ".balign 4\n"                                                \
			     ".4byte 992f-991f, 994f-993f, 3\n"                           \
			     "991: .asciz \"stapsdt\"\n"                                  \
			     "992: .balign 4\n"                                           \
			     "993: .8byte 990b\n"                                         \
			     ".8byte _.stapsdt.base\n"                                    \
			     ".8byte python_" #name "_semaphore\n"                        \
			     ".asciz \"python\"\n"                                        \
			     ".asciz \"" #name "\"\n"                                     \
			     ".asciz \"8@%[f] 8@%[fn] -4@%[l]\"\n"                        \
			     "994: .balign 4\n"                                           \
			     ".popsection\n"                                              \
			     ".ifndef _.stapsdt.base\n"                                   \
			     ".pushsection .stapsdt.base,\"aG\",\"progbits\",.stapsdt.base,comdat\n" \
			     ".weak _.stapsdt.base\n"                                     \
			     ".hidden _.stapsdt.base\n"                                   \
			     "_.stapsdt.base: .space 1\n"                                 \
			     ".size _.stapsdt.base, 1\n"                                  \
			     ".popsection\n"                                              \
			     ".endif\n"                                                   \
			     : : [f] "r"(file), [fn] "r"(func), [l] "r"(line))

static const char FLOW[] = "/srv/minipy/flow.py";

/* Out of line, so that there is one probe site of each kind, as in CPython. */
static __attribute__((noinline)) void entry(const char *file, const char *func, int line)
{
	if (python_function__entry_semaphore)
		PROBE(function__entry, file, func, line);
}

static __attribute__((noinline)) void leave(const char *file, const char *func, int line)
{
	if (python_function__return_semaphore)
		PROBE(function__return, file, func, line);
}

static int inner(int x)
{
	entry(FLOW, "inner", 16);
	leave(FLOW, "inner", 17);
	return x + 1;
}

static int middle(int x)
{
	int r;

	entry(FLOW, "middle", 20);
	r = inner(x) * 2;
	leave(FLOW, "middle", 21);
	return r;
}

static int outer(int n)
{
	int total = 0;

	entry(FLOW, "outer", 24);
	for (int i = 0; i < n; i++)
		total += middle(i);
	leave(FLOW, "outer", 28);
	return total;
}

static void flow_main(int count)
{
	entry(FLOW, "main", 31);
	for (int i = 0; i < count; i++)
		outer(2);
	leave(FLOW, "main", 33);
}

static void *worker(void *arg)
{
	static const char threading[] = "/usr/lib/python3/threading.py";

	entry(threading, "run", 968);
	flow_main(*(int *)arg);
	leave(threading, "run", 975);
	return NULL;
}

static void noise(int n)
{
	static const char pkg[] = "/srv/minipy/noisepkg/__init__.py";

	for (int i = 0; i < n; i++) {
		entry(pkg, "noise", 3);
		leave(pkg, "noise", 4);
	}
}

static int count = 1, flood;

static int run_flow(void *in_thread)
{
	pthread_t t;

	noise(flood);
	flow_main(count);
	noise(flood);
	if (in_thread) {
		worker(&count);
		return 0;
	}
	if (pthread_create(&t, NULL, worker, &count) || pthread_join(t, NULL))
		return 1;
	return 0;
}

int main(int argc, char **argv)
{
	int thread = argc > 1 && !strcmp(argv[1], "-T"), ret;

	if (argc > 1 + thread)
		count = atoi(argv[1 + thread]);
	if (argc > 2 + thread)
		flood = atoi(argv[2 + thread]);
	printf("%d\n", getpid());
	fflush(stdout);
	entry(FLOW, "<module>", 1);
	ret = trigger_run(run_flow, thread ? &count : NULL, thread, 1);
	leave(FLOW, "<module>", 52);
	return ret;
}
