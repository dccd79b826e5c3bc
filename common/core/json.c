// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
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
			fprintf(f, "\\u%04x", c);
		} else {
			putc(c, f);
		}
		i++;
	}
	putc('"', f);
}

static void key(struct bk_json *j, const char *k)
{
	if (j->n++)
		putc(',', j->f);
	bk_json_string(j->f, k, (size_t)-1);
	putc(':', j->f);
}

void bk_json_begin(struct bk_json *j, FILE *f)
{
	j->f = f;
	j->n = 0;
	putc('{', f);
}

void bk_json_str(struct bk_json *j, const char *k, const char *s, size_t maxlen)
{
	key(j, k);
	bk_json_string(j->f, s, maxlen);
}

void bk_json_int(struct bk_json *j, const char *k, long long v)
{
	key(j, k);
	fprintf(j->f, "%lld", v);
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

static int array_n;

void bk_json_array_begin(struct bk_json *j, const char *k)
{
	key(j, k);
	putc('[', j->f);
	array_n = 0;
}

void bk_json_array_str(struct bk_json *j, const char *s, size_t maxlen)
{
	if (array_n++)
		putc(',', j->f);
	bk_json_string(j->f, s, maxlen);
}

void bk_json_array_end(struct bk_json *j)
{
	putc(']', j->f);
}

void bk_json_end(struct bk_json *j)
{
	fputs("}\n", j->f);
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
