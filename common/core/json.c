// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "core/json.h"
#include "core/output.h"
#include "core/utf8.h"

void bk_json_string(FILE *f, const char *str, size_t maxlen)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n = strnlen(str, maxlen), i = 0, len;

	putc('"', f);
	while (i < n) {
		unsigned char c = s[i];

		if (c == '"' || c == '\\') {
			putc('\\', f);
			putc(c, f);
		} else if (c == '\n') {
			fputs("\\n", f);
		} else if (c == '\t') {
			fputs("\\t", f);
		} else if (c == '\r') {
			fputs("\\r", f);
		} else if (c < 0x20 || c == 0x7f) {
			fprintf(f, "\\u%04x", c);
		} else if (c >= 0x80) {
			unsigned int cp;

			len = bk_utf8_seq(s + i, n - i, &cp);
			if (len) {
				fwrite(s + i, 1, len, f);
				i += len;
				continue;
			}
			/* Not UTF-8: the byte as a lone surrogate (see json.h). */
			fprintf(f, "\\udc%02x", c);
		} else {
			putc(c, f);
		}
		i++;
	}
	putc('"', f);
}

/* The separator and key of the next value at the current depth. */
static void key(struct bk_json *j, const char *k)
{
	if (j->depth > 0 && j->n[j->depth - 1]++)
		putc(',', j->f);
	if (k) {
		bk_json_string(j->f, k, (size_t)-1);
		putc(':', j->f);
	}
}

static void push(struct bk_json *j, const char *k, char c)
{
	/* Deeper than BK_JSON_DEPTH is a bug in the tool. */
	if (j->depth == BK_JSON_DEPTH)
		abort();
	key(j, k);
	putc(c, j->f);
	j->n[j->depth] = 0;
	j->closer[j->depth++] = c == '{' ? '}' : ']';
}

static void pop(struct bk_json *j)
{
	if (j->depth > 0)
		putc(j->closer[--j->depth], j->f);
}

void bk_json_begin(struct bk_json *j, FILE *f)
{
	j->f = f;
	j->depth = 0;
	push(j, NULL, '{');
}

void bk_json_object_begin(struct bk_json *j, const char *k)
{
	push(j, k, '{');
}

void bk_json_object_end(struct bk_json *j)
{
	pop(j);
}

void bk_json_array_begin(struct bk_json *j, const char *k)
{
	push(j, k, '[');
}

void bk_json_array_end(struct bk_json *j)
{
	pop(j);
}

void bk_json_str(struct bk_json *j, const char *k, const char *s, size_t maxlen)
{
	key(j, k);
	bk_json_string(j->f, s, maxlen);
}

void bk_json_str_cut(struct bk_json *j, const char *k, const char *s, size_t maxlen, bool cut)
{
	char flag[128];

	bk_json_str(j, k, s, maxlen);
	snprintf(flag, sizeof(flag), "%s_truncated", k);
	bk_json_bool(j, flag, cut);
}

void bk_json_rec_str(struct bk_json *j, const char *k, const char *s, size_t maxlen, __u32 flags,
		     int i)
{
	char flag[128];

	if (flags & BK_STR_UNREADABLE(i)) {
		bk_json_null(j, k);
		snprintf(flag, sizeof(flag), "%s_truncated", k);
		bk_json_bool(j, flag, false);
		return;
	}
	bk_json_str_cut(j, k, s, maxlen, flags & BK_STR_CUT(i));
}

void bk_json_int(struct bk_json *j, const char *k, long long v)
{
	key(j, k);
	fprintf(j->f, "%lld", v);
}

void bk_json_double(struct bk_json *j, const char *k, double v)
{
	char buf[32];

	/* JSON has no NaN or infinities */
	if (isnan(v) || isinf(v)) {
		bk_json_null(j, k);
		return;
	}

	/* the shortest of these that reads back as v */
	snprintf(buf, sizeof(buf), "%.15g", v);
	if (strtod(buf, NULL) != v)
		snprintf(buf, sizeof(buf), "%.17g", v);
	key(j, k);
	fputs(buf, j->f);
}

void bk_json_uint(struct bk_json *j, const char *k, unsigned long long v)
{
	key(j, k);
	fprintf(j->f, "%llu", v);
}

void bk_json_bool(struct bk_json *j, const char *k, bool v)
{
	key(j, k);
	fputs(v ? "true" : "false", j->f);
}

void bk_json_null(struct bk_json *j, const char *k)
{
	key(j, k);
	fputs("null", j->f);
}

void bk_json_end(struct bk_json *j)
{
	/* What a tool left open is closed in order, so the line stays valid. */
	while (j->depth > 0)
		pop(j);
	putc('\n', j->f);
}

void bk_json_event(struct bk_json *j, FILE *f, __u64 ts_ns, __u32 tgid, __u32 tid, __u32 uid,
		   const char *comm)
{
	char t[48];

	bk_time_iso(t, sizeof(t), ts_ns);
	bk_json_begin(j, f);
	bk_json_str(j, "time", t, sizeof(t));
	bk_json_uint(j, "pid", tgid);
	bk_json_uint(j, "tid", tid);
	bk_json_uint(j, "uid", uid);
	bk_json_str(j, "comm", comm, 16);
}
