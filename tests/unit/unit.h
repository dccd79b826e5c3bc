/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * A minimal unit-test harness. Each test prints one line, "PASS name" or
 * "FAIL name: where: what", which tests/run.sh counts; the program exits
 * non-zero when any test failed.
 */
#ifndef BPFKIT_UNIT_H
#define BPFKIT_UNIT_H

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

static int unit_failed_total;
static int unit_cur_failed;

#define CHECK(cond)                                                           \
	do {                                                                  \
		if (!(cond)) {                                                \
			if (!unit_cur_failed)                                 \
				printf("FAIL %s: %s:%d: %s\n", unit_cur_name, \
				       __FILE__, __LINE__, #cond);            \
			unit_cur_failed = 1;                                  \
		}                                                             \
	} while (0)

#define CHECK_STR(got, want)                                                  \
	do {                                                                  \
		const char *g_ = (got), *w_ = (want);                         \
		if (!g_ || strcmp(g_, w_)) {                                  \
			if (!unit_cur_failed)                                 \
				printf("FAIL %s: %s:%d: got \"%s\", want "    \
				       "\"%s\"\n",                            \
				       unit_cur_name, __FILE__, __LINE__,     \
				       g_ ? g_ : "(null)", w_);               \
			unit_cur_failed = 1;                                  \
		}                                                             \
	} while (0)

#define CHECK_INT(got, want)                                                  \
	do {                                                                  \
		long long g_ = (long long)(got), w_ = (long long)(want);      \
		if (g_ != w_) {                                               \
			if (!unit_cur_failed)                                 \
				printf("FAIL %s: %s:%d: %s is %lld, want "    \
				       "%lld\n",                              \
				       unit_cur_name, __FILE__, __LINE__,     \
				       #got, g_, w_);                         \
			unit_cur_failed = 1;                                  \
		}                                                             \
	} while (0)

static const char *unit_cur_name = "";

#define RUN(fn)                                                               \
	do {                                                                  \
		unit_cur_name = #fn;                                          \
		unit_cur_failed = 0;                                          \
		fn();                                                         \
		if (!unit_cur_failed)                                         \
			printf("PASS %s\n", #fn);                             \
		unit_failed_total += unit_cur_failed;                         \
	} while (0)

/*
 * The absolute path of the trigger NAME built under $OUTPUT (build/ by
 * default) into path (PATH_MAX bytes); a "FAIL setup" line and -1 if it is
 * missing.
 */
static inline int unit_trigger(const char *name, char *path)
{
	const char *out = getenv("OUTPUT") ?: "build";
	char rel[PATH_MAX];

	snprintf(rel, sizeof(rel), "%s/tests/triggers/%s", out, name);
	if (!realpath(rel, path)) {
		printf("FAIL setup: %s is missing (make it first)\n", rel);
		return -1;
	}
	return 0;
}

/* A new directory /tmp/NAME.XXXXXX into dir; a "FAIL setup" line and -1 if not. */
static inline int unit_tmpdir(const char *name, char *dir, size_t len)
{
	snprintf(dir, len, "/tmp/%s.XXXXXX", name);
	if (!mkdtemp(dir)) {
		printf("FAIL setup: mkdtemp: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Runs fn(argc, argv) in a child, argv being "tool" then args (NULL-ended,
 * six at most), stderr to /dev/null: usage errors exit there. fn returns
 * where its result's `len` bytes are, copied into out (zeroed if none came).
 * The child's exit status, 0 if fn returned.
 */
static inline int unit_parse(const void *(*fn)(int argc, char **argv), const char *const *args,
			     void *out, size_t len)
{
	int fds[2], status, argc = 0;
	char *argv[8];
	pid_t pid;

	argv[argc++] = "tool";
	while (*args && argc < 7)
		argv[argc++] = (char *)*args++;
	argv[argc] = NULL;
	if (pipe(fds))
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		const void *res;

		if (!freopen("/dev/null", "w", stderr))
			_exit(98);
		res = fn(argc, argv);
		if (write(fds[1], res, len) < 0)
			_exit(99);
		_exit(0);
	}
	close(fds[1]);
	if (read(fds[0], out, len) != (ssize_t)len)
		memset(out, 0, len);
	close(fds[0]);
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

#define UNIT_EXIT() return unit_failed_total ? 1 : 0

#endif
