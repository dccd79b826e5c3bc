// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Test trigger for stackcount: after the go line (-w), bk_stack_a() calls
 * bk_leaf() A times and bk_stack_b() calls it B times; bk_leaf() makes one
 * getppid(2) by a system call instruction of its own, so that the user stack
 * at the syscalls:sys_enter_getppid tracepoint starts in bk_leaf whatever
 * the C library was built with. Built with frame pointers, so that the
 * kernel can walk its user stacks. Prints its PID first; -T does the work in
 * a second thread. -l MS lingers that long before it exits, so that a
 * tracer can still read the process's maps to name its frames.
 *
 *   stacker [-w] [-T] [-a A] [-b B] [-l MS]
 */
#pragma GCC optimize("no-omit-frame-pointer", "no-optimize-sibling-calls", "no-shrink-wrap")
#include <stdlib.h>
#include <sys/syscall.h>
#include "trigger.h"

#define KEEP __attribute__((noipa, used))

static int n_a = 3, n_b = 2, linger_ms;

KEEP long bk_sink(long v)
{
	return v;
}

/*
 * Not a leaf (it calls bk_sink), and no tail call or late prologue: a
 * function without a frame of its own at the syscall hides its caller.
 */
KEEP long bk_leaf(void)
{
	long ret;

#if defined(__x86_64__)
	__asm__ volatile("syscall" : "=a"(ret) : "0"((long)SYS_getppid) : "rcx", "r11", "memory");
#elif defined(__aarch64__)
	/* Not libc's syscall(): it keeps no frame record, so bk_leaf would be missing. */
	register long x8 __asm__("x8") = SYS_getppid;
	register long x0 __asm__("x0");

	__asm__ volatile("svc #0" : "=r"(x0) : "r"(x8) : "memory");
	ret = x0;
#else
	ret = syscall(SYS_getppid);
#endif
	return bk_sink(ret);
}

KEEP void bk_stack_a(int n)
{
	for (int i = 0; i < n; i++)
		bk_leaf();
}

KEEP void bk_stack_b(int n)
{
	for (int i = 0; i < n; i++)
		bk_leaf();
}

static int work(void *arg __attribute__((unused)))
{
	bk_stack_a(n_a);
	bk_stack_b(n_b);
	usleep(linger_ms * 1000);
	return 0;
}

int main(int argc, char **argv)
{
	int wait_line = 0, in_thread = 0, c;

	while ((c = getopt(argc, argv, "wTa:b:l:")) != -1) {
		switch (c) {
		case 'w': wait_line = 1; break;
		case 'T': in_thread = 1; break;
		case 'a': n_a = atoi(optarg); break;
		case 'b': n_b = atoi(optarg); break;
		case 'l': linger_ms = atoi(optarg); break;
		default: return 2;
		}
	}
	printf("%d\n", getpid());
	fflush(stdout);
	return trigger_run(work, NULL, in_thread, wait_line);
}
