// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#include <string.h>
#include "json.h"

static size_t utf8_seq(const unsigned char *s, size_t n)
{
	size_t len, i;
	unsigned int cp;

	if ((s[0] & 0xe0) == 0xc0)
		len = 2, cp = s[0] & 0x1f;
	else if ((s[0] & 0xf0) == 0xe0)
		len = 3, cp = s[0] & 0x0f;
	else if ((s[0] & 0xf8) == 0xf0)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

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
			len = utf8_seq(s + i, n - i);
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
