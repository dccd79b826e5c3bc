// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Test trigger for execsnoop: forks COUNT children that execve() PROGRAM, COUNT
 * that execveat() it through an fd with AT_EMPTY_PATH (fexecve), and one that
 * execve()s a path that does not exist (ENOENT), one after the other, each
 * with exactly the ARGs given as argv (argv[0] included). Prints its own PID,
 * then one line per child: "execve PID", "execveat PID FD", "enoent PID".
 * With -s it finally execs PROGRAM itself (from a second thread with -t); with
 * -w it waits for a line on stdin first, so a tracer can be started with -p.
 * With -m the argument strings live in a file mapping this process never
 * touches, so they are not paged in when the execs begin.
 *
 *   execer [-w] [-s] [-t] [-m] [-n COUNT] PROGRAM [ARG...]
 *
 * The exec'd program is meant to be a copy of execer: with EXECER_CHILD in
 * its environment it exits 0 at once, whatever its arguments.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define MISSING "/nonexistent/bpfkit-execer-missing"

static char *child_env[] = { "EXECER_CHILD=1", NULL };
static const char *program;
static char **args;
static int fd;

/* Runs fn in a child and waits for it; returns the child's PID. */
static pid_t run(void (*fn)(void))
{
	pid_t pid = fork();

	if (pid < 0) {
		perror("fork");
		exit(1);
	}
	if (pid == 0) {
		fn();
		_exit(127);
	}
	waitpid(pid, NULL, 0);
	return pid;
}

static void do_execve(void)
{
	execve(program, args, child_env);
}

static void do_execveat(void)
{
	syscall(SYS_execveat, fd, "", args, child_env, AT_EMPTY_PATH);
}

static void do_missing(void)
{
	execve(MISSING, args, child_env);
}

/*
 * A copy of args whose strings are in a private mapping of a file written
 * with write(): its pages are in the page cache but not in this process's
 * page tables until something reads them, which only execve() will do.
 */
static char **untouched_args(char **a)
{
	char path[] = "/tmp/bpfkit-execer.XXXXXX", **out;
	size_t n = 0, off = 0;
	int tfd = mkstemp(path);
	char *map;

	while (a[n])
		n++;
	out = calloc(n + 1, sizeof(*out));
	if (tfd < 0 || !out)
		exit(1);
	unlink(path);
	/* A page of padding first: the strings start on a page of their own. */
	if (ftruncate(tfd, 4096))
		exit(1);
	lseek(tfd, 4096, SEEK_SET);
	for (size_t i = 0; i < n; i++)
		if (write(tfd, a[i], strlen(a[i]) + 1) != (ssize_t)strlen(a[i]) + 1)
			exit(1);
	map = mmap(NULL, 4096 + 65536 * 4, PROT_READ, MAP_PRIVATE, tfd, 0);
	if (map == MAP_FAILED)
		exit(1);
	for (size_t i = 0; i < n; i++) {
		out[i] = map + 4096 + off;
		off += strlen(a[i]) + 1;
	}
	return out;
}

static void *self_exec(void *arg __attribute__((unused)))
{
	execve(program, args, child_env);
	perror("execve");
	exit(1);
}

int main(int argc, char **argv)
{
	int count = 1, wait_line = 0, self = 0, thread = 0, untouched = 0, c;
	static char *no_args[] = { NULL };
	char line[16];
	pthread_t t;

	if (getenv("EXECER_CHILD"))
		return 0;
	while ((c = getopt(argc, argv, "+wstmn:")) != -1) {
		switch (c) {
		case 'm': untouched = 1; break;
		case 'w': wait_line = 1; break;
		case 's': self = 1; break;
		case 't': thread = 1; break;
		case 'n': count = atoi(optarg); break;
		default: return 2;
		}
	}
	if (optind >= argc)
		return 2;
	program = argv[optind];
	args = optind + 1 < argc ? &argv[optind + 1] : no_args;
	if (untouched)
		args = untouched_args(args);
	printf("%d\n", getpid());
	fflush(stdout);
	if (wait_line && !fgets(line, sizeof(line), stdin))
		return 3;
	fd = open(program, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		perror(program);
		return 1;
	}
	for (int i = 0; i < count; i++)
		printf("execve %d\n", run(do_execve));
	for (int i = 0; i < count; i++)
		printf("execveat %d %d\n", run(do_execveat), fd);
	printf("enoent %d\n", run(do_missing));
	fflush(stdout);
	if (!self)
		return 0;
	if (!thread)
		self_exec(NULL);
	pthread_create(&t, NULL, self_exec, NULL);
	pthread_join(t, NULL);
	return 1;
}
