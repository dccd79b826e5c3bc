// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The generic start of a trigger for the table-driven checks (tests/tools.table):
 * prints its PID, puts itself where a filter check wants the trigger, then
 * execs the trigger, which keeps that PID.
 *
 *   gate [-c CGROUP_DIR] [-u UID] [-w] [-y LINE]... -- TRIGGER [ARG...]
 *
 *   -c  join this cgroup v2 directory (and so does every thread and child)
 *   -u  drop to this user (group 65534, no supplementary groups)
 *   -w  wait for a line (or end of file) on stdin before exec'ing, for
 *       triggers that cannot wait themselves; without -w the trigger is
 *       exec'd at once and waits itself (so that /proc/PID/exe is the
 *       trigger when a tool looks at it, as -p of a uprobe tool does)
 *   -y  run the trigger on a new pseudo-terminal (an interactive shell):
 *       a child process waits for a line (or end of file) on stdin, then
 *       types an empty line (the line the shell was already reading when a
 *       tracer attached), each LINE, and "exit", each after the shell's prompt
 *
 * To run the trigger under another command name (comm), exec it through a
 * symlink of that name: the caller makes the symlink.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <unistd.h>

#define PROMPT "bk-gate$ "
#define MAX_LINES 32

static void die(const char *what)
{
	fprintf(stderr, "gate: %s: %s\n", what, strerror(errno));
	exit(125);
}

/* Reads one line from fd 0 a byte at a time, so nothing after it is consumed. */
static void wait_line(void)
{
	char c;

	while (read(0, &c, 1) == 1 && c != '\n')
		;
}

/* Reads the terminal until `n` prompts have been printed in all; 0, or -1 at its end. */
static int wait_prompts(int fd, int n, int *seen)
{
	static char tail[sizeof(PROMPT)];
	char buf[4096], both[sizeof(tail) + sizeof(buf)];
	struct pollfd p = { .fd = fd, .events = POLLIN };

	while (*seen < n) {
		ssize_t r;
		size_t len, keep;

		if (poll(&p, 1, 20000) <= 0)
			return -1;
		r = read(fd, buf, sizeof(buf));
		if (r <= 0)
			return -1;
		/* Count prompts in what came, with the end of the last read in front. */
		len = strlen(tail);
		memcpy(both, tail, len);
		memcpy(both + len, buf, r);
		len += r;
		both[len] = 0;
		for (char *s = both; (s = memmem(s, both + len - s, PROMPT, strlen(PROMPT)));
		     s += strlen(PROMPT))
			++*seen;
		keep = len < sizeof(tail) - 1 ? len : sizeof(tail) - 1;
		memcpy(tail, both + len - keep, keep);
		tail[keep] = 0;
		/* A prompt split over two reads would count twice: cut it off. */
		if (memmem(tail, keep, PROMPT, strlen(PROMPT)))
			tail[0] = 0;
	}
	return 0;
}

static void type(int fd, const char *line)
{
	size_t n = strlen(line);

	if (write(fd, line, n) != (ssize_t)n || write(fd, "\r", 1) != 1)
		exit(1);
}

/* The typing side of -y: runs in a child that keeps the terminal's master end. */
static void typist(int master, char **lines, int n)
{
	int seen = 0;

	if (wait_prompts(master, 1, &seen))
		exit(1);
	wait_line();
	type(master, "");
	for (int i = 0; i < n; i++) {
		if (wait_prompts(master, seen + 1, &seen))
			exit(1);
		type(master, lines[i]);
	}
	if (wait_prompts(master, seen + 1, &seen))
		exit(1);
	type(master, "exit");
	/* Drain until the shell has gone (the terminal then reports EIO). */
	while (wait_prompts(master, seen + 1, &seen) == 0)
		;
	exit(0);
}

/* -y: the shell gets the terminal's slave end as its controlling terminal. */
static void pty_setup(char **lines, int n)
{
	int master = posix_openpt(O_RDWR | O_NOCTTY), slave;
	const char *name;
	pid_t pid;

	if (master < 0 || grantpt(master) || unlockpt(master) || !(name = ptsname(master)))
		die("pseudo-terminal");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		/*
		 * The typist ends with the shell (this process, once exec'd): a
		 * shell killed before its go line would leave it waiting on a
		 * stdin whose writers other processes inherited.
		 */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() == 1)
			exit(1);
		typist(master, lines, n);
	}
	close(master);
	if (setsid() < 0)
		die("setsid");
	slave = open(name, O_RDWR);
	if (slave < 0)
		die(name);
	if (dup2(slave, 0) < 0 || dup2(slave, 1) < 0 || dup2(slave, 2) < 0)
		die("dup2");
	if (slave > 2)
		close(slave);
	setenv("PS1", PROMPT, 1);
	setenv("TERM", "dumb", 1);
	setenv("HISTFILE", "/dev/null", 1);
}

int main(int argc, char **argv)
{
	const char *cgroup = NULL;
	char *lines[MAX_LINES];
	int wait = 0, pty = 0, nlines = 0, c;
	long uid = -1;

	while ((c = getopt(argc, argv, "+c:u:wy:")) != -1) {
		switch (c) {
		case 'c': cgroup = optarg; break;
		case 'u': uid = strtol(optarg, NULL, 10); break;
		case 'w': wait = 1; break;
		case 'y':
			pty = 1;
			if (nlines < MAX_LINES)
				lines[nlines++] = optarg;
			break;
		default: return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "usage: gate [-c CGROUP_DIR] [-u UID] [-w] [-y LINE]... -- TRIGGER [ARG...]\n");
		return 2;
	}
	printf("%d\n", getpid());
	fflush(stdout);
	if (cgroup) {
		char path[4096];
		FILE *f;

		snprintf(path, sizeof(path), "%s/cgroup.procs", cgroup);
		f = fopen(path, "w");
		/* "0" moves the writing process. */
		if (!f || fputs("0\n", f) < 0 || fclose(f))
			die(path);
	}
	if (uid >= 0 && (setgroups(0, NULL) || setgid(65534) || setuid(uid)))
		die("dropping to the user");
	if (wait)
		wait_line();
	if (pty)
		pty_setup(lines, nlines);
	execvp(argv[optind], &argv[optind]);
	die(argv[optind]);
}
