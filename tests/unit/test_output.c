// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* Escaping of untrusted strings for columns, and the JSON writer. */
#include <math.h>
#include <stdlib.h>
#include "core/json.h"
#include "core/output.h"
#include "unit.h"

static const char *esc(const char *s, size_t n, size_t dst)
{
	static char buf[256];

	bk_escape(buf, dst, s, n);
	return buf;
}

static void test_escape_plain(void)
{
	CHECK_STR(esc("/etc/passwd", 64, sizeof(char[256])), "/etc/passwd");
	CHECK_STR(esc("caf\xc3\xa9", 64, 256), "caf\xc3\xa9");
	CHECK_STR(esc("\xe2\x82\xac", 64, 256), "\xe2\x82\xac");
}

static void test_escape_controls(void)
{
	CHECK_STR(esc("a\x1b[2Jb", 64, 256), "a\\x1b[2Jb");
	CHECK_STR(esc("a\nb\tc\rd", 64, 256), "a\\nb\\tc\\rd");
	CHECK_STR(esc("back\\slash", 64, 256), "back\\\\slash");
	CHECK_STR(esc("del\x7f", 64, 256), "del\\x7f");
	/* C1 control CSI (U+009B), and invalid UTF-8: escaped byte by byte. */
	CHECK_STR(esc("x\xc2\x9by", 64, 256), "x\\xc2\\x9by");
	CHECK_STR(esc("\xff\xfe", 64, 256), "\\xff\\xfe");
	CHECK_STR(esc("\xc0\xaf", 64, 256), "\\xc0\\xaf"); /* overlong '/' */
	CHECK_STR(esc("\xed\xa0\x80", 64, 256), "\\xed\\xa0\\x80"); /* surrogate */
	CHECK_STR(esc("\xe2\x82", 64, 256), "\\xe2\\x82"); /* cut sequence */
}

static void test_escape_bounds(void)
{
	/* Not NUL-terminated within srclen: stops at srclen. */
	CHECK_STR(esc("abcdef", 3, 256), "abc");
	/* An escape is never cut in half by a small buffer. */
	CHECK_STR(esc("ab\x1b", 64, 6), "ab");
	CHECK_STR(esc("abcdefgh", 64, 4), "abc");
	CHECK_STR(esc("", 64, 256), "");
}

static void test_escape_arg(void)
{
	char buf[64];

	bk_escape_arg(buf, sizeof(buf), "plain", 64);
	CHECK_STR(buf, "plain");
	bk_escape_arg(buf, sizeof(buf), "two words", 64);
	CHECK_STR(buf, "\"two words\"");
	bk_escape_arg(buf, sizeof(buf), "say \"hi\"", 64);
	CHECK_STR(buf, "\"say \\\"hi\\\"\"");
	bk_escape_arg(buf, sizeof(buf), "", 64);
	CHECK_STR(buf, "\"\"");
}

/* Cut strings end in the mark; a dst too small cuts too; unreadable ones say so. */
static void test_escape_cut(void)
{
	char buf[16];

	bk_escape_cut(buf, sizeof(buf), "/etc/passwd", 64, false);
	CHECK_STR(buf, "/etc/passwd");
	bk_escape_cut(buf, sizeof(buf), "/etc/pass", 64, true);
	CHECK_STR(buf, "/etc/pass...");
	/* 15 bytes of room: 12 of the string, then the mark. */
	bk_escape_cut(buf, sizeof(buf), "/a/very/long/path", 64, false);
	CHECK_STR(buf, "/a/very/long...");
	bk_escape_cut(buf, sizeof(buf), "ab\x1b", 64, true);
	CHECK_STR(buf, "ab\\x1b...");
	bk_escape_str(buf, sizeof(buf), "x", 64, BK_STR_CUT(1), 1);
	CHECK_STR(buf, "x...");
	bk_escape_str(buf, sizeof(buf), "x", 64, BK_STR_CUT(0), 1);
	CHECK_STR(buf, "x");
	bk_escape_str(buf, sizeof(buf), "", 64, BK_STR_UNREADABLE(0), 0);
	CHECK_STR(buf, BK_UNREADABLE_MARK);
	bk_escape_cut(buf, 3, "abc", 64, false);
	CHECK_STR(buf, "");
}

static char *json_of(void (*fn)(struct bk_json *))
{
	static char *out;
	size_t len;
	FILE *f;
	struct bk_json j;

	free(out);
	f = open_memstream(&out, &len);
	bk_json_begin(&j, f);
	fn(&j);
	bk_json_end(&j);
	fclose(f);
	return out;
}

static void j_types(struct bk_json *j)
{
	bk_json_str(j, "comm", "cat", 16);
	bk_json_int(j, "fd", -1);
	bk_json_uint(j, "pid", 4294967295u);
	bk_json_bool(j, "ok", true);
	bk_json_null(j, "none");
	bk_json_array_begin(j, "args");
	bk_json_str(j, NULL, "a b", 8);
	bk_json_str(j, NULL, "", 8);
	bk_json_array_end(j);
}

/* Objects in arrays in objects, and values of every kind without keys. */
static void j_nested(struct bk_json *j)
{
	bk_json_object_begin(j, "args");
	bk_json_int(j, "n", -2);
	bk_json_array_begin(j, "empty");
	bk_json_array_end(j);
	bk_json_object_end(j);
	bk_json_array_begin(j, "ret");
	bk_json_uint(j, NULL, 7);
	bk_json_bool(j, NULL, false);
	bk_json_null(j, NULL);
	bk_json_object_begin(j, NULL);
	bk_json_uint(j, "len", 3);
	bk_json_uint(j, "cap", 4);
	bk_json_object_end(j);
	bk_json_array_begin(j, NULL);
	bk_json_array_end(j);
	bk_json_array_end(j);
	bk_json_str_cut(j, "path", "/a", 8, true);
	bk_json_str_cut(j, "name", "b", 8, false);
	bk_json_rec_str(j, "p0", "c", 8, BK_STR_CUT(0) | BK_STR_UNREADABLE(1), 0);
	bk_json_rec_str(j, "p1", "", 8, BK_STR_CUT(0) | BK_STR_UNREADABLE(1), 1);
}

/* What a tool leaves open is closed by bk_json_end(): the line stays valid. */
/* Doubles: the shortest text that reads back; NaN and infinities are null. */
static void j_doubles(struct bk_json *j)
{
	bk_json_double(j, "a", 1.5);
	bk_json_double(j, "b", -2.25);
	bk_json_double(j, "c", 0.1);
	bk_json_double(j, "d", 1e300);
	bk_json_double(j, "e", NAN);
	bk_json_double(j, "f", -INFINITY);
}

static void j_left_open(struct bk_json *j)
{
	bk_json_array_begin(j, "a");
	bk_json_object_begin(j, NULL);
	bk_json_int(j, "x", 1);
}

static void j_hostile(struct bk_json *j)
{
	bk_json_str(j, "path", "q\"b\\s\n\x01\x1b\x7f", 64);
	bk_json_str(j, "bad", "\xff\xc3\xa9\xc3", 64);
}

/* Typed text: a backslash stays one, control bytes are escaped, cuts marked. */
static void test_escape_typed(void)
{
	char buf[32];

	bk_escape_typed(buf, sizeof(buf), "echo a\\b \\e[31m", 64, false);
	CHECK_STR(buf, "echo a\\b \\e[31m");
	bk_escape_typed(buf, sizeof(buf), "x\x1b\ty", 64, false);
	CHECK_STR(buf, "x\\x1b\\ty");
	bk_escape_typed(buf, sizeof(buf), "a\\", 64, true);
	CHECK_STR(buf, "a\\...");
}

static void test_json(void)
{
	CHECK_STR(json_of(j_types),
		  "{\"comm\":\"cat\",\"fd\":-1,\"pid\":4294967295,\"ok\":true,\"none\":null,"
		  "\"args\":[\"a b\",\"\"]}\n");
	CHECK_STR(json_of(j_hostile),
		  "{\"path\":\"q\\\"b\\\\s\\n\\u0001\\u001b\\u007f\","
		  "\"bad\":\"\\udcff\xc3\xa9\\udcc3\"}\n");
	CHECK_STR(json_of(j_nested),
		  "{\"args\":{\"n\":-2,\"empty\":[]},\"ret\":[7,false,null,{\"len\":3,\"cap\":4},[]],"
		  "\"path\":\"/a\",\"path_truncated\":true,\"name\":\"b\",\"name_truncated\":false,"
		  "\"p0\":\"c\",\"p0_truncated\":true,\"p1\":null,\"p1_truncated\":false}\n");
	CHECK_STR(json_of(j_left_open), "{\"a\":[{\"x\":1}]}\n");
	CHECK_STR(json_of(j_doubles),
		  "{\"a\":1.5,\"b\":-2.25,\"c\":0.1,\"d\":1e+300,\"e\":null,\"f\":null}\n");
}

static void j_reversible(struct bk_json *j)
{
	bk_json_str(j, "byte", "\xff", 8);
	bk_json_str(j, "char", "\xc3\xbf", 8);	/* U+00FF */
}

/* Byte 0xff and the character U+00FF must not give the same JSON. */
static void test_json_reversible(void)
{
	CHECK_STR(json_of(j_reversible), "{\"byte\":\"\\udcff\",\"char\":\"\xc3\xbf\"}\n");
}

int main(void)
{
	RUN(test_escape_plain);
	RUN(test_escape_controls);
	RUN(test_escape_bounds);
	RUN(test_escape_arg);
	RUN(test_escape_cut);
	RUN(test_escape_typed);
	RUN(test_json);
	RUN(test_json_reversible);
	UNIT_EXIT();
}
