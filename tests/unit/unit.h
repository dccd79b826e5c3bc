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

#define UNIT_EXIT() return unit_failed_total ? 1 : 0

#endif
