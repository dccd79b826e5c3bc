// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "core/opts.h"
#include "kernel/signames.h"

#define KERNEL_SIGRTMIN 32
#define KERNEL_SIGMAX 64

/* The standard signals of x86 and arm64 (asm-generic numbering). */
static const char *const names[KERNEL_SIGRTMIN] = {
	NULL,	   "SIGHUP",  "SIGINT",	   "SIGQUIT", "SIGILL",	   "SIGTRAP", "SIGABRT",
	"SIGBUS",  "SIGFPE",  "SIGKILL",   "SIGUSR1", "SIGSEGV",   "SIGUSR2", "SIGPIPE",
	"SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT",   "SIGSTOP", "SIGTSTP",
	"SIGTTIN", "SIGTTOU", "SIGURG",	   "SIGXCPU", "SIGXFSZ",   "SIGVTALRM", "SIGPROF",
	"SIGWINCH", "SIGIO",  "SIGPWR",	   "SIGSYS",
};

const char *bk_signal_name(int sig, char *buf, size_t len)
{
	if (sig > 0 && sig < KERNEL_SIGRTMIN)
		return names[sig];
	if (sig >= KERNEL_SIGRTMIN && sig <= KERNEL_SIGMAX)
		snprintf(buf, len, "SIGRTMIN+%d", sig - KERNEL_SIGRTMIN);
	else
		snprintf(buf, len, "SIG%d", sig);
	return buf;
}

int bk_parse_signal(const char *s, int *sig)
{
	long n;

	if (!bk_parse_long(s, 1, KERNEL_SIGMAX, &n)) {
		*sig = n;
		return 0;
	}
	if (!strncasecmp(s, "SIG", 3))
		s += 3;
	if (!strncasecmp(s, "RTMIN+", 6)) {
		if (bk_parse_long(s + 6, 0, KERNEL_SIGMAX - KERNEL_SIGRTMIN, &n))
			return -EINVAL;
		*sig = KERNEL_SIGRTMIN + n;
		return 0;
	}
	if (!strcasecmp(s, "RTMIN")) {
		*sig = KERNEL_SIGRTMIN;
		return 0;
	}
	for (int i = 1; i < KERNEL_SIGRTMIN; i++) {
		if (!strcasecmp(s, names[i] + 3)) {
			*sig = i;
			return 0;
		}
	}
	return -EINVAL;
}
