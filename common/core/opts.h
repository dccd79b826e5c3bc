/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * The options every tool shares, with one meaning per letter (STYLE.md), as
 * an argp child: a tool names the letters it supports with a mask of BK_OPT_*
 * and finds the parsed values in bk_env. Parsers are strict: "12abc", "-1",
 * "0" where 0 means nothing, and out-of-range values are usage errors (64).
 */
#ifndef BPFKIT_OPTS_H
#define BPFKIT_OPTS_H

#include <argp.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

enum {
	BK_OPT_PID = 1 << 0,		/* -p PID */
	BK_OPT_TID = 1 << 1,		/* -t TID */
	BK_OPT_UID = 1 << 2,		/* -u UID */
	BK_OPT_COMM = 1 << 3,		/* -n COMM */
	BK_OPT_CGROUP = 1 << 4,		/* --cgroup PATH */
	BK_OPT_FAILED = 1 << 5,		/* -x */
	BK_OPT_TIMESTAMP = 1 << 6,	/* -T */
	BK_OPT_UIDCOL = 1 << 7,		/* -U */
	BK_OPT_DURATION = 1 << 8,	/* -d SECONDS */
	BK_OPT_MILLI = 1 << 9,		/* -m */
	BK_OPT_PERPROC = 1 << 10,	/* -P */
	BK_OPT_PERTHREAD = 1 << 11,	/* -L */
	BK_OPT_JSON = 1 << 12,		/* -j, --json */
	BK_OPT_FORCE_PATH = 1 << 13,	/* --force-path NAME, for tools with variants */
	BK_OPT_MICRO = 1 << 14,		/* --us */
	BK_OPT_NANO = 1 << 15,		/* --ns */
};
/* The time units: -m, --us, --ns; giving two different ones is a usage error. */
#define BK_OPT_UNITS (BK_OPT_MILLI | BK_OPT_MICRO | BK_OPT_NANO)
#define BK_OPT_FILTERS (BK_OPT_PID | BK_OPT_TID | BK_OPT_UID | BK_OPT_COMM | BK_OPT_CGROUP)

/* Exit status for usage errors (argp_error uses it too). */
#define BK_EXIT_USAGE 64

struct bk_env {
	pid_t pid, tid;
	uid_t uid;
	bool uid_set;
	char comm[16];
	const char *cgroup;
	bool failed_only, timestamp, uid_column, milliseconds;
	bool per_process, per_thread, json;
	double duration_s;		/* 0: until interrupted */
	/* The unit of times shown (-m, --us, --ns): 1000 and "usecs" by default. */
	unsigned long long unit_ns;
	const char *unit;
	const char *btf_path;		/* --btf */
	const char *force_path;		/* --force-path */
	/* [interval [count]] of summary tools */
	double interval_s;
	long count;
};

extern struct bk_env bk_env;

/* The argp child for the letters in `mask`, plus -v, --btf and -V. */
const struct argp_child *bk_opts_child(unsigned int mask);

/* Parsers: 0 or -EINVAL/-ERANGE. Strict: the whole string, in range. */
/* The name a tool was run as (an alias: killsnoop, ext4slower), without its
 * directory or install prefix (make install APP_PREFIX=bpfkit-): what follows
 * the last '/' and then the last '-'. */
const char *bk_run_name(const char *argv0);

int bk_parse_long(const char *s, long min, long max, long *out);
int bk_parse_pid(const char *s, pid_t *out);	/* 1 to pid_max - 1 */
int bk_parse_uid(const char *s, uid_t *out);	/* a number or a user name */
int bk_parse_seconds(const char *s, double *out);	/* > 0, decimals allowed */
int bk_parse_comm(const char *s, char comm[16]);	/* at most 15 bytes */

/*
 * Parses the command line with the tool's own options and parser (may be
 * NULL) plus the shared letters in `mask`. Exits 64 on a usage error.
 */
void bk_parse_args(int argc, char **argv, const struct argp_option *options,
		   argp_parser_t parser, const char *doc, unsigned int mask);
/* The same for tools with positional arguments, named in `args_doc`. */
void bk_parse_args_doc(int argc, char **argv, const struct argp_option *options,
		       argp_parser_t parser, const char *args_doc, const char *doc,
		       unsigned int mask);

/* A usage error: one line on stderr, exit 64. */
__attribute__((format(printf, 2, 3), noreturn)) void bk_usage(const struct argp_state *state,
							      const char *fmt, ...);

/*
 * For summary tools: positional [interval [count]]. Call from the tool's
 * parser on ARGP_KEY_ARG; it reports bad values with bk_usage().
 */
void bk_parse_interval_arg(struct argp_state *state, const char *arg);

/* The whole parser of a tool whose only own arguments are [interval [count]]. */
error_t bk_parse_interval_only(int key, char *arg, struct argp_state *state);

/*
 * For tools that collect their positional arguments first (a
 * pattern, then [interval [count]]): pos[0] is the interval, pos[1] the
 * count, and anything after them is a usage error. Call on ARGP_KEY_END.
 */
void bk_parse_interval_pos(struct argp_state *state, const char *const *pos, int npos);

#endif
