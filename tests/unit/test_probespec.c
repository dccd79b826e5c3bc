/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * probespec: pattern parsing, and matching a binary's functions with every
 * allocation failing in turn. The allocator here wraps glibc's: it can fail
 * the Nth call, and it checks that everything freed was allocated (and not
 * yet freed) and that a failed match leaves nothing allocated behind.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/log.h"
#include "uspace/elfsym.h"
#include "uspace/probespec.h"
#include "unit.h"

extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t n);
extern void *__libc_memalign(size_t align, size_t n);
extern void __libc_free(void *p);

/* Live allocations, open addressing; tombstones are (void *)1. */
#define LIVE_SLOTS (1 << 18)
static void *live[LIVE_SLOTS];
static long nlive, bad_frees;
static long fail_at = -1, nallocs;
static bool tracking;

static size_t slot_of(void *p)
{
	return ((uintptr_t)p >> 4) * 0x9E3779B97F4A7C15ULL >> 46;
}

static void live_add(void *p)
{
	size_t i = slot_of(p);

	if (!p || !tracking)
		return;
	while (live[i] && live[i] != (void *)1)
		i = (i + 1) & (LIVE_SLOTS - 1);
	live[i] = p;
	nlive++;
}

/* Whether p was live (and now is not). Untracked when not tracking. */
static bool live_del(void *p)
{
	size_t i = slot_of(p);

	for (size_t k = 0; k < LIVE_SLOTS && live[i]; k++, i = (i + 1) & (LIVE_SLOTS - 1)) {
		if (live[i] == p) {
			live[i] = (void *)1;
			nlive--;
			return true;
		}
	}
	return false;
}

static bool fail_now(void)
{
	if (!tracking || fail_at < 0 || nallocs++ != fail_at)
		return false;
	errno = ENOMEM;
	return true;
}

void *malloc(size_t n)
{
	void *p = fail_now() ? NULL : __libc_malloc(n);

	live_add(p);
	return p;
}

void *calloc(size_t n, size_t size)
{
	void *p = fail_now() ? NULL : __libc_calloc(n, size);

	live_add(p);
	return p;
}

void *realloc(void *old, size_t n)
{
	void *p;

	if (fail_now())
		return NULL;
	if (old && tracking && !live_del(old))
		bad_frees++;
	p = __libc_realloc(old, n);
	live_add(p);
	return p;
}

int posix_memalign(void **out, size_t align, size_t n)
{
	void *p = fail_now() ? NULL : __libc_memalign(align, n);

	if (!p)
		return ENOMEM;
	live_add(p);
	*out = p;
	return 0;
}

void free(void *p)
{
	if (!p)
		return;
	if (tracking && !live_del(p)) {
		/* never allocated, or freed twice: do not hand it to glibc */
		bad_frees++;
		return;
	}
	__libc_free(p);
}

static char target[PATH_MAX];

static void test_parse(void)
{
	struct probespec ps;

	CHECK_INT(probespec_parse("t:sched:sched_switch", &ps), 0);
	CHECK_INT(ps.kind, PROBESPEC_TRACEPOINT);
	CHECK_STR(ps.group, "sched");
	CHECK_STR(ps.glob, "sched_switch");
	CHECK_INT(probespec_parse("vfs_*", &ps), 0);
	CHECK_INT(ps.kind, PROBESPEC_KFUNC);
	CHECK_INT(probespec_parse("c:str*", &ps), 0);
	CHECK_INT(ps.kind, PROBESPEC_UFUNC);
	CHECK_STR(ps.target, "c");
	CHECK_STR(ps.glob, "str*");
	CHECK_INT(probespec_parse("u:/bin/x:prov:name", &ps), 0);
	CHECK_INT(ps.kind, PROBESPEC_USDT);
	CHECK_STR(ps.group, "prov");
	CHECK_INT(probespec_parse("a:b:c:d", &ps), -EINVAL);
	CHECK_INT(probespec_parse("t:sched", &ps), -EINVAL);
	CHECK_INT(probespec_parse("c:f a", &ps), -EINVAL);
}

/*
 * Every allocation of a match fails in turn: the match gives -ENOMEM and
 * frees exactly what it allocated, nothing else, until one succeeds.
 */
static void test_match_alloc_failures(void)
{
	char pattern[PATH_MAX + 32];
	struct probespec ps;
	struct probe_set set;
	long k, before;
	int err = -ENOMEM;

	snprintf(pattern, sizeof(pattern), "%s:symtarget_*", target);
	CHECK_INT(probespec_parse(pattern, &ps), 0);
	for (k = 0; k < 10000 && err == -ENOMEM; k++) {
		before = nlive;
		bad_frees = 0;
		nallocs = 0;
		fail_at = k;
		tracking = true;
		err = probe_set_match(&ps, 0, 100, &set);
		if (!err)
			probe_set_free(&set);
		tracking = false;
		fail_at = -1;
		if (bad_frees || nlive != before) {
			printf("# allocation %ld failing: %ld bad frees, %ld left allocated\n", k,
			       bad_frees, nlive - before);
			CHECK_INT(bad_frees, 0);
			CHECK_INT(nlive, before);
			break;
		}
		if (err && err != -ENOMEM)
			printf("# allocation %ld failing: %s (%s)\n", k, strerror(-err), bk_error());
		CHECK(err == 0 || err == -ENOMEM);
	}
	CHECK_INT(err, 0);
	printf("# %ld allocations failed in turn\n", k - 1);

	/* and without failures: alpha, beta, gamma */
	CHECK_INT(probe_set_match(&ps, 0, 100, &set), 0);
	CHECK_INT(set.n, 3);
	if (set.n == 3) {
		CHECK_STR(set.p[0].name, "symtarget_alpha");
		CHECK_STR(set.p[2].name, "symtarget_gamma");
	}
	probe_set_free(&set);
}

/*
 * A failed elfsym_match() leaves no stale array behind: the caller frees
 * *syms on every path (probespec freed an uninitialized pointer here).
 */
static void test_elfsym_match_failure(void)
{
	const struct elfsym_sym **syms = (const struct elfsym_sym **)&target;
	struct elfsym_file *f;
	size_t n = 42;

	CHECK_INT(elfsym_open(target, &f), 0);
	if (!f)
		return;
	nallocs = 0;
	fail_at = 0;
	tracking = true;
	CHECK_INT(elfsym_match(f, "symtarget_*", &syms, &n), -ENOMEM);
	tracking = false;
	fail_at = -1;
	CHECK(syms == NULL);
	CHECK_INT(n, 0);
	elfsym_close(f);
}

int main(void)
{
	if (unit_trigger("symtarget", target))
		return 1;
	bk_log_init("test_probespec");
	RUN(test_parse);
	RUN(test_elfsym_match_failure);
	RUN(test_match_alloc_failures);
	UNIT_EXIT();
}
