// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Test trigger for sigsnoop and killsnoop: starts two children, prints
 * "a PIDA b PIDB", then (after the go line with -w) sends, one after the
 * other, each waiting for the last to land:
 *
 *   -n N x SIGUSR1 to A (kill(); A acknowledges each through a pipe)
 *   1 SIGUSR2 to A, which ignores it
 *   1 SIGKILL to B (kill(); then reaped)
 *   1 SIGUSR1 to a PID that cannot exist (kill() fails with ESRCH)
 *   1 SIGUSR1 to A with tgkill(), 1 with tkill(), both acknowledged
 *
 * and ends A by closing its pipe. -T does the sending in a second thread.
 *
 *   signaler [-w] [-T] [-n N]
 */
#include <signal.h>
#include <sys/prctl.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include "trigger.h"

static int ack[2], ctl[2], n_usr1 = 5;
static pid_t a, b;

static void on_usr1(int sig __attribute__((unused)))
{
	char c = 1;

	if (write(ack[1], &c, 1) != 1)
		_exit(3);
}

static void child_a(void)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	char c;

	/* No SA_RESTART: the read below sees each signal as EINTR and goes on. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGUSR2, SIG_IGN);
	close(ctl[1]);
	close(ack[0]);
	while (read(ctl[0], &c, 1) != 0)
		;
	_exit(0);
}

static void usr1_acked(int how)
{
	char c;

	if (how == 0)
		kill(a, SIGUSR1);
	else if (how == 1)
		syscall(SYS_tgkill, a, a, SIGUSR1);
	else
		syscall(SYS_tkill, a, SIGUSR1);
	if (read(ack[0], &c, 1) != 1)
		exit(4);
}

static int send_all(void *arg __attribute__((unused)))
{
	for (int i = 0; i < n_usr1; i++)
		usr1_acked(0);
	kill(a, SIGUSR2);
	kill(b, SIGKILL);
	waitpid(b, NULL, 0);
	kill(0x7fffffff, SIGUSR1);
	usr1_acked(1);
	usr1_acked(2);
	close(ctl[1]);
	waitpid(a, NULL, 0);
	return 0;
}

int main(int argc, char **argv)
{
	int wait_line = 0, in_thread = 0, c;

	while ((c = getopt(argc, argv, "wTn:")) != -1) {
		switch (c) {
		case 'w': wait_line = 1; break;
		case 'T': in_thread = 1; break;
		case 'n': n_usr1 = atoi(optarg); break;
		default: return 2;
		}
	}
	if (pipe(ack) || pipe(ctl))
		return 1;
	printf("%d\n", getpid());
	fflush(stdout);
	a = fork();
	if (a == 0)
		child_a();
	b = fork();
	if (b == 0) {
		/* Gone with the trigger, however it ends; a's pipe left to a. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(ctl[1]);
		for (;;)
			pause();
	}
	close(ctl[0]);
	close(ack[1]);
	printf("a %d b %d\n", a, b);
	fflush(stdout);
	return trigger_run(send_all, NULL, in_thread, wait_line);
}
