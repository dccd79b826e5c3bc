// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <linux/magic.h>
#include "core/log.h"
#include "core/loop.h"
#include "core/opts.h"

struct bk_env bk_env = { .count = -1, .unit_ns = 1000, .unit = "usecs" };

/* The unit option given first, to refuse a second, different one. */
static const char *unit_opt;

/* Set by bk_parse_args(): the tool takes no positional arguments. */
static bool no_args;

const char *argp_program_bug_address = "https://github.com/bpfkit/bpfkit/issues";
error_t argp_err_exit_status = BK_EXIT_USAGE;

enum { OPT_BTF = 1000, OPT_CGROUP, OPT_FORCE_PATH, OPT_VERSION, OPT_US, OPT_NS };

/*
 * argp follows each error (an unknown option, a missing value) with "Try
 * `tool --help' or `tool --usage' for more information.": a usage error is
 * one line (STYLE.md), so argp's error stream passes on every other line.
 */
static ssize_t err_write(void *cookie, const char *buf, size_t n)
{
	if (strncmp(buf, "Try `", 5))
		fwrite(buf, 1, n, stderr);
	return n;
}

static FILE *one_line_errors(void)
{
	static FILE *f;

	if (!f) {
		f = fopencookie(NULL, "w", (cookie_io_functions_t){ .write = err_write });
		if (!f)
			return stderr;
		/* A line per write, so the test above sees each line start. */
		setvbuf(f, NULL, _IOLBF, 0);
	}
	return f;
}

static const struct {
	unsigned int mask;
	struct argp_option opt;
} all_options[] = {
	{ BK_OPT_PID, { "pid", 'p', "PID", 0, "Trace this process only", 0 } },
	{ BK_OPT_TID, { "tid", 't', "TID", 0, "Trace this thread only", 0 } },
	{ BK_OPT_UID, { "uid", 'u', "UID", 0, "Trace this user only (number or name)", 0 } },
	{ BK_OPT_COMM, { "name", 'n', "COMM", 0, "Trace processes with this command name only", 0 } },
	{ BK_OPT_CGROUP, { "cgroup", OPT_CGROUP, "PATH", 0, "Trace this cgroup (v2 path) and its descendants only", 0 } },
	{ BK_OPT_FAILED, { "failed", 'x', NULL, 0, "Show failed calls only", 0 } },
	{ BK_OPT_TIMESTAMP, { "timestamp", 'T', NULL, 0, "Add a TIME column (HH:MM:SS)", 0 } },
	{ BK_OPT_UIDCOL, { "print-uid", 'U', NULL, 0, "Add a UID column", 0 } },
	{ BK_OPT_DURATION, { "duration", 'd', "SECONDS", 0, "Stop after SECONDS", 0 } },
	{ BK_OPT_MILLI, { "milliseconds", 'm', NULL, 0, "Show times in milliseconds", 0 } },
	{ BK_OPT_MICRO, { "us", OPT_US, NULL, 0, "Show times in microseconds (the default)", 0 } },
	{ BK_OPT_NANO, { "ns", OPT_NS, NULL, 0, "Show times in nanoseconds", 0 } },
	{ BK_OPT_PERPROC, { "per-process", 'P', NULL, 0, "Break down by process", 0 } },
	{ BK_OPT_PERTHREAD, { "per-thread", 'L', NULL, 0, "Break down by thread", 0 } },
	{ BK_OPT_JSON, { "json", 'j', NULL, 0, "One JSON object per line instead of columns", 0 } },
	{ BK_OPT_FORCE_PATH, { "force-path", OPT_FORCE_PATH, "NAME", 0,
			       "Attach through this path (see -v) instead of the preferred one", 0 } },
	{ 0, { "verbose", 'v', NULL, 0, "More messages (repeat for libbpf debug output)", 0 } },
	{ 0, { "btf", OPT_BTF, "PATH", 0, "Kernel BTF file, for kernels without /sys/kernel/btf/vmlinux", 0 } },
	{ 0, { "version", 'V', NULL, 0, "Print the version and exit", -1 } },
	{ 0, { NULL, 'h', NULL, OPTION_HIDDEN, "Give this help list", -1 } },
};

#define N_OPTIONS (sizeof(all_options) / sizeof(all_options[0]))
static struct argp_option options[N_OPTIONS + 1];

const char *bk_run_name(const char *argv0)
{
	const char *p = strrchr(argv0, '/');

	p = p ? p + 1 : argv0;
	return strrchr(p, '-') ? strrchr(p, '-') + 1 : p;
}

int bk_parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	if (!s || !*s || *s == ' ' || *s == '+')
		return -EINVAL;
	errno = 0;
	v = strtol(s, &end, 10);
	if (*end)
		return -EINVAL;
	if (errno == ERANGE || v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

/* The largest process ID this system gives, plus one (kernel.pid_max). */
static long pid_max(void)
{
	long v = 4194304;	/* PID_MAX_LIMIT on 64-bit */
	FILE *f = fopen("/proc/sys/kernel/pid_max", "r");

	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = 4194304;
		fclose(f);
	}
	return v;
}

int bk_parse_pid(const char *s, pid_t *out)
{
	long v;
	int err = bk_parse_long(s, 1, pid_max() - 1, &v);

	if (!err)
		*out = (pid_t)v;
	return err;
}

int bk_parse_uid(const char *s, uid_t *out)
{
	struct passwd *pw;
	long v;
	int err = bk_parse_long(s, 0, (long)UINT32_MAX - 1, &v);

	if (!err) {
		*out = (uid_t)v;
		return 0;
	}
	if (err == -EINVAL && (pw = getpwnam(s))) {
		*out = pw->pw_uid;
		return 0;
	}
	return err;
}

int bk_parse_seconds(const char *s, double *out)
{
	char *end;
	double v;

	if (!s || !*s || *s == ' ' || *s == '+' || *s == '-')
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (*end || !isfinite(v))
		return -EINVAL;
	if (errno == ERANGE || v <= 0 || v > 1e8)
		return -ERANGE;
	*out = v;
	return 0;
}

int bk_parse_comm(const char *s, char comm[16])
{
	size_t n = strlen(s);

	if (!n)
		return -EINVAL;
	if (n > 15)
		return -ERANGE;
	memcpy(comm, s, n + 1);
	return 0;
}

void bk_parse_args_doc(int argc, char **argv, const struct argp_option *options,
		       argp_parser_t parser, const char *args_doc, const char *doc,
		       unsigned int mask)
{
	const struct argp argp = { options, parser, args_doc, doc, bk_opts_child(mask), NULL, NULL };

	/* Some tools read their target (a Go binary...) before bk_init. */
	bk_signals_early();
	if (argp_parse(&argp, argc, argv, 0, NULL, NULL))
		exit(BK_EXIT_USAGE);
}

void bk_parse_args(int argc, char **argv, const struct argp_option *options,
		   argp_parser_t parser, const char *doc, unsigned int mask)
{
	no_args = true;
	bk_parse_args_doc(argc, argv, options, parser, NULL, doc, mask);
}

void bk_usage(const struct argp_state *state, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", state ? state->name : bk_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see --help)\n");
	exit(BK_EXIT_USAGE);
}

void bk_parse_interval_arg(struct argp_state *state, const char *arg)
{
	long n;

	if (state->arg_num == 0) {
		if (bk_parse_seconds(arg, &bk_env.interval_s))
			bk_usage(state, "invalid interval '%s': want a number of seconds > 0", arg);
	} else if (state->arg_num == 1) {
		if (bk_parse_long(arg, 1, LONG_MAX, &n))
			bk_usage(state, "invalid count '%s': want a whole number > 0", arg);
		bk_env.count = n;
	} else {
		bk_usage(state, "unexpected argument '%s'", arg);
	}
}

error_t bk_parse_interval_only(int key, char *arg, struct argp_state *state)
{
	if (key != ARGP_KEY_ARG)
		return ARGP_ERR_UNKNOWN;
	bk_parse_interval_arg(state, arg);
	return 0;
}

void bk_parse_interval_pos(struct argp_state *state, const char *const *pos, int npos)
{
	long n;

	if (npos > 0 && bk_parse_seconds(pos[0], &bk_env.interval_s))
		bk_usage(state, "invalid interval '%s': want a number of seconds > 0", pos[0]);
	if (npos > 1) {
		if (bk_parse_long(pos[1], 1, LONG_MAX, &n))
			bk_usage(state, "invalid count '%s': want a whole number > 0", pos[1]);
		bk_env.count = n;
	}
	if (npos > 2)
		bk_usage(state, "unexpected argument '%s'", pos[2]);
}

/* Where the cgroup v2 hierarchy is mounted, as words for a message. */
static const char *cgroup2_where(char *buf, size_t len)
{
	char dir[256], type[32];
	FILE *f = fopen("/proc/self/mounts", "r");

	snprintf(buf, len, "which is not mounted here");
	while (f && fscanf(f, "%*s %255s %31s %*[^\n]", dir, type) == 2) {
		if (!strcmp(type, "cgroup2")) {
			snprintf(buf, len, "mounted here at %s", dir);
			break;
		}
	}
	if (f)
		fclose(f);
	return buf;
}

/* --cgroup: a directory of the cgroup v2 hierarchy, which the BPF filter needs. */
static void check_cgroup(const struct argp_state *state, const char *path)
{
	char where[300];
	struct statfs fs;
	struct stat st;

	if (!*path)
		bk_usage(state, "--cgroup wants the path of a cgroup v2 directory");
	if (stat(path, &st))
		bk_usage(state, "cannot use cgroup '%s': %s", path, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		bk_usage(state, "'%s' is not a directory: --cgroup wants a cgroup v2 directory", path);
	if (statfs(path, &fs))
		bk_usage(state, "cannot use cgroup '%s': %s", path, strerror(errno));
	if (fs.f_type == CGROUP_SUPER_MAGIC)
		bk_usage(state, "'%s' is a cgroup v1 directory; --cgroup wants one of the cgroup v2 "
			 "hierarchy, %s", path, cgroup2_where(where, sizeof(where)));
	if (fs.f_type != CGROUP2_SUPER_MAGIC)
		bk_usage(state, "'%s' is not a cgroup v2 directory (not on a cgroup2 file system)",
			 path);
}

static void set_unit(const struct argp_state *state, const char *opt, unsigned long long ns,
		     const char *name)
{
	if (unit_opt && strcmp(unit_opt, opt))
		bk_usage(state, "%s and %s ask for different units: give one", unit_opt, opt);
	unit_opt = opt;
	bk_env.unit_ns = ns;
	bk_env.unit = name;
}

static error_t parse_common(int key, char *arg, struct argp_state *state)
{
	int err;

	switch (key) {
	case ARGP_KEY_INIT:
		state->err_stream = one_line_errors();
		return ARGP_ERR_UNKNOWN;
	case ARGP_KEY_ARG:
		if (!no_args)
			return ARGP_ERR_UNKNOWN;
		bk_usage(state, "unexpected argument '%s'", arg);
	case 'p':
		if (bk_parse_pid(arg, &bk_env.pid))
			bk_usage(state, "invalid PID '%s': want a process id from 1 to %ld (pid_max)",
				 arg, pid_max() - 1);
		break;
	case 't':
		if (bk_parse_pid(arg, &bk_env.tid))
			bk_usage(state, "invalid TID '%s': want a thread id from 1 to %ld (pid_max)",
				 arg, pid_max() - 1);
		break;
	case 'u':
		if (bk_parse_uid(arg, &bk_env.uid))
			bk_usage(state, "invalid UID '%s': want a user id or an existing user name", arg);
		bk_env.uid_set = true;
		break;
	case 'n':
		err = bk_parse_comm(arg, bk_env.comm);
		if (err == -ERANGE)
			bk_usage(state, "command name '%s' is longer than 15 characters, the most the kernel keeps", arg);
		else if (err)
			bk_usage(state, "empty command name");
		break;
	case OPT_CGROUP:
		check_cgroup(state, arg);
		bk_env.cgroup = arg;
		break;
	case 'x':
		bk_env.failed_only = true;
		break;
	case 'T':
		bk_env.timestamp = true;
		break;
	case 'U':
		bk_env.uid_column = true;
		break;
	case 'd':
		if (bk_parse_seconds(arg, &bk_env.duration_s))
			bk_usage(state, "invalid duration '%s': want a number of seconds > 0", arg);
		break;
	case 'm':
		set_unit(state, "-m", 1000000, "msecs");
		bk_env.milliseconds = true;
		break;
	case OPT_US:
		set_unit(state, "--us", 1000, "usecs");
		break;
	case OPT_NS:
		set_unit(state, "--ns", 1, "nsecs");
		break;
	case 'P':
		bk_env.per_process = true;
		break;
	case 'L':
		bk_env.per_thread = true;
		break;
	case 'j':
		bk_env.json = true;
		break;
	case OPT_FORCE_PATH:
		bk_env.force_path = arg;
		break;
	case 'v':
		bk_verbose++;
		break;
	case OPT_BTF:
		if (!*arg)
			bk_usage(state, "--btf wants the path of a kernel BTF file");
		bk_env.btf_path = arg;
		break;
	case 'V':
		printf("%s (bpfkit) %s\n", state->name, BPFKIT_VERSION);
		exit(0);
	case 'h':
		argp_state_help(state, stdout, ARGP_HELP_STD_HELP);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static struct argp common_argp = { options, parse_common, NULL, NULL, NULL, NULL, NULL };
static struct argp_child children[2];

const struct argp_child *bk_opts_child(unsigned int mask)
{
	size_t i, n = 0;

	for (i = 0; i < N_OPTIONS; i++)
		if (!all_options[i].mask || (all_options[i].mask & mask))
			options[n++] = all_options[i].opt;
	memset(&options[n], 0, sizeof(options[n]));
	children[0] = (struct argp_child){ &common_argp, 0, "Common options:", 1 };
	return children;
}
