// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* The strict option parsers: what a person types must mean exactly one thing. */
#include <errno.h>
#include <limits.h>
#include <sys/wait.h>
#include <unistd.h>
#include "core/opts.h"
#include "unit.h"

static void test_pid(void)
{
	pid_t p = 0;

	CHECK_INT(bk_parse_pid("181", &p), 0);
	CHECK_INT(p, 181);
	CHECK_INT(bk_parse_pid("12abc", &p), -EINVAL);
	CHECK_INT(bk_parse_pid("-1", &p), -ERANGE);
	CHECK_INT(bk_parse_pid("0", &p), -ERANGE);
	CHECK_INT(bk_parse_pid("", &p), -EINVAL);
	CHECK_INT(bk_parse_pid(" 5", &p), -EINVAL);
	CHECK_INT(bk_parse_pid("+5", &p), -EINVAL);
	CHECK_INT(bk_parse_pid("99999999999999999999", &p), -ERANGE);
	/* No process can have an ID of pid_max or more. */
	{
		char buf[32] = "";
		FILE *f = fopen("/proc/sys/kernel/pid_max", "r");
		long max = 0;

		if (f && fscanf(f, "%ld", &max) == 1) {
			snprintf(buf, sizeof(buf), "%ld", max);
			CHECK_INT(bk_parse_pid(buf, &p), -ERANGE);
			snprintf(buf, sizeof(buf), "%ld", max - 1);
			CHECK_INT(bk_parse_pid(buf, &p), 0);
			CHECK_INT(p, max - 1);
			p = 181;
		}
		if (f)
			fclose(f);
	}
	CHECK_INT(bk_parse_pid("2147483648", &p), -ERANGE);
	CHECK_INT(bk_parse_pid("0x10", &p), -EINVAL);
	CHECK_INT(p, 181);
}

static void test_uid(void)
{
	uid_t u = 7;

	CHECK_INT(bk_parse_uid("0", &u), 0);
	CHECK_INT(u, 0);
	CHECK_INT(bk_parse_uid("root", &u), 0);
	CHECK_INT(u, 0);
	CHECK_INT(bk_parse_uid("no-such-user-xyz", &u), -EINVAL);
	CHECK_INT(bk_parse_uid("-3", &u), -ERANGE);
	CHECK_INT(bk_parse_uid("4294967295", &u), -ERANGE);
}

static void test_seconds(void)
{
	double d = 0;

	CHECK_INT(bk_parse_seconds("5", &d), 0);
	CHECK(d == 5.0);
	CHECK_INT(bk_parse_seconds("0.25", &d), 0);
	CHECK(d == 0.25);
	CHECK_INT(bk_parse_seconds("0", &d), -ERANGE);
	CHECK_INT(bk_parse_seconds("-1", &d), -EINVAL);
	CHECK_INT(bk_parse_seconds("1s", &d), -EINVAL);
	CHECK_INT(bk_parse_seconds("nan", &d), -EINVAL);
	CHECK_INT(bk_parse_seconds("inf", &d), -EINVAL);
	CHECK_INT(bk_parse_seconds("", &d), -EINVAL);
}

static void test_comm(void)
{
	char c[16];

	CHECK_INT(bk_parse_comm("nginx", c), 0);
	CHECK_STR(c, "nginx");
	CHECK_INT(bk_parse_comm("exactly15chars!", c), 0);
	CHECK_INT(bk_parse_comm("sixteen-chars-xx", c), -ERANGE);
	CHECK_INT(bk_parse_comm("", c), -EINVAL);
}

static void test_long(void)
{
	long v;

	CHECK_INT(bk_parse_long("60", 1, 60, &v), 0);
	CHECK_INT(v, 60);
	CHECK_INT(bk_parse_long("61", 1, 60, &v), -ERANGE);
	CHECK_INT(bk_parse_long("1.5", 1, 60, &v), -EINVAL);
}

static unsigned int parse_mask;

static const void *parse_units(int argc, char **argv)
{
	bk_parse_args(argc, argv, NULL, NULL, "doc", parse_mask);
	return &bk_env.unit_ns;
}

/* Parses argv in a child (usage errors exit); its exit status, 0 if it returned. */
static int parse(unsigned int mask, const char *const *args, unsigned long long *unit_ns)
{
	parse_mask = mask;
	return unit_parse(parse_units, args, unit_ns, sizeof(*unit_ns));
}

/* One unit: -m, --us or --ns; two different ones are a usage error. */
static void test_units(void)
{
	unsigned long long ns;

	CHECK_INT(parse(BK_OPT_UNITS, (const char *[]){ NULL }, &ns), 0);
	CHECK_INT(ns, 1000);
	CHECK_INT(parse(BK_OPT_UNITS, (const char *[]){ "-m", NULL }, &ns), 0);
	CHECK_INT(ns, 1000000);
	CHECK_INT(parse(BK_OPT_UNITS, (const char *[]){ "--ns", "--ns", NULL }, &ns), 0);
	CHECK_INT(ns, 1);
	CHECK_INT(parse(BK_OPT_UNITS, (const char *[]){ "-m", "--ns", NULL }, &ns), 64);
	CHECK_INT(parse(BK_OPT_UNITS, (const char *[]){ "--us", "--ns", NULL }, &ns), 64);
	CHECK_INT(parse(BK_OPT_UNITS, (const char *[]){ "-m", "--us", NULL }, &ns), 64);
	CHECK_INT(parse(BK_OPT_UNITS, (const char *[]){ "--ns", "-m", NULL }, &ns), 64);
	/* A tool without them: unknown options. */
	CHECK_INT(parse(BK_OPT_MILLI, (const char *[]){ "--ns", NULL }, &ns), 64);
}

static void test_run_name(void)
{
	CHECK_STR(bk_run_name("killsnoop"), "killsnoop");
	CHECK_STR(bk_run_name("./build/bin/ext4slower"), "ext4slower");
	CHECK_STR(bk_run_name("/usr/sbin/bpfkit-ext4slower"), "ext4slower");
	CHECK_STR(bk_run_name("bpfkit-killsnoop"), "killsnoop");
	CHECK_STR(bk_run_name("/opt/x-y/sigsnoop"), "sigsnoop");
}

int main(void)
{
	RUN(test_pid);
	RUN(test_uid);
	RUN(test_seconds);
	RUN(test_comm);
	RUN(test_long);
	RUN(test_units);
	RUN(test_run_name);
	UNIT_EXIT();
}
