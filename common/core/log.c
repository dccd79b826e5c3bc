// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "core/log.h"

const char *bk_prog = "bpfkit";
int bk_verbose;

static bool held;
static char *held_buf;
static size_t held_len, held_cap;
static char err_buf[1024];
static bool usage_err;	/* err_buf explains a usage error */

static void hold_append(const char *s)
{
	size_t n = strlen(s);

	/* Keep the tail: the end of a verifier log is what explains it. */
	if (n > 65536)
		s += n - 65536, n = 65536;
	if (held_len + n + 1 > held_cap) {
		size_t cap = held_cap ? held_cap * 2 : 8192;
		char *p;

		while (cap < held_len + n + 1)
			cap *= 2;
		p = realloc(held_buf, cap);
		if (!p)
			return;
		held_buf = p, held_cap = cap;
	}
	memcpy(held_buf + held_len, s, n + 1);
	held_len += n;
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char *msg;

	if (level == LIBBPF_DEBUG && bk_verbose < 2)
		return 0;
	if (level == LIBBPF_INFO && bk_verbose < 1)
		return 0;
	if (level == LIBBPF_WARN && held && bk_verbose < 1) {
		/* A verifier log comes as one message: keep all of it. */
		if (vasprintf(&msg, fmt, ap) < 0)
			return 0;
		hold_append(msg);
		free(msg);
		return 0;
	}
	return vfprintf(stderr, fmt, ap);
}

void bk_log_init(const char *prog)
{
	bk_prog = prog;
	libbpf_set_print(libbpf_print);
}

void bk_log_hold(bool hold)
{
	held = hold;
	if (!hold && held_len) {
		fputs(held_buf, stderr);
		held_len = 0;
		held_buf[0] = 0;
	}
}

const char *bk_log_held(void)
{
	return held_buf ? held_buf : "";
}

static void vmsg(const char *kind, const char *fmt, va_list ap)
{
	char line[2048];

	vsnprintf(line, sizeof(line), fmt, ap);
	fprintf(stderr, "%s: %s%s\n", bk_prog, kind, line);
}

void bk_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
}

void bk_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("warning: ", fmt, ap);
	va_end(ap);
}

void bk_info(int level, const char *fmt, ...)
{
	va_list ap;

	if (bk_verbose < level)
		return;
	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
}

/* The sentence: `start` (a fixed beginning, or "") and then fmt's text. */
__attribute__((format(printf, 3, 0))) static void set_error(bool usage, const char *start,
							     const char *fmt, va_list ap)
{
	size_t n = strlen(start);

	memcpy(err_buf, start, n);
	vsnprintf(err_buf + n, sizeof(err_buf) - n, fmt, ap);
	usage_err = usage;
}

void bk_set_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_error(false, "", fmt, ap);
	va_end(ap);
}

void bk_set_usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_error(true, "", fmt, ap);
	va_end(ap);
}

int bk_set_unsupported(const char *fmt, ...)
{
	va_list ap;

	/* The start kernel_unsupported (tests/lib.sh) matches: keep the two the same. */
	va_start(ap, fmt);
	set_error(false, "this kernel has no ", fmt, ap);
	va_end(ap);
	return -ENOENT;
}

bool bk_error_is_usage(void)
{
	return usage_err && err_buf[0];
}

const char *bk_error(void)
{
	return err_buf;
}

void bk_report(const char *what, int err)
{
	if (err_buf[0])
		bk_err("%s", err_buf);
	else
		bk_err("%s: %s", what, strerror(err < 0 ? -err : err));
	err_buf[0] = 0;
}
