// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "core/opts.h"
#include "core/output.h"
#include "core/utf8.h"

/* Length of a printable UTF-8 sequence at s: 1 for ASCII, 0 if invalid or a C1 control. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned int cp;
	size_t len;

	if (s[0] < 0x80)
		return 1;
	len = bk_utf8_seq(s, n, &cp);
	return len && cp >= 0xa0 ? len : 0;
}

static size_t escape(char *dst, size_t dstlen, const char *src, size_t srclen, bool quote,
		     bool *all, bool keep_backslash)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t n = strnlen(src, srclen), o = 0, i = 0, k;
	char tmp[8];

	if (all)
		*all = n == 0;
	if (!dstlen)
		return 0;
	if (quote) {
		quote = n == 0;
		for (k = 0; k < n && !quote; k++)
			quote = s[k] == ' ' || s[k] == '\t' || s[k] == '"' || s[k] == '\'';
		if (dstlen < 3)
			quote = false;
	}
	if (quote)
		dst[o++] = '"';
	while (i < n) {
		unsigned char c = s[i];
		size_t len = utf8_len(s + i, n - i);

		if (len == 1 && c >= 0x20 && c != 0x7f && (c != '\\' || keep_backslash) &&
		    !(quote && c == '"')) {
			tmp[0] = c, k = 1;
		} else if (len > 1) {
			memcpy(tmp, s + i, len), k = len;
		} else {
			len = 1;
			switch (c) {
			case '\n': k = snprintf(tmp, sizeof(tmp), "\\n"); break;
			case '\t': k = snprintf(tmp, sizeof(tmp), "\\t"); break;
			case '\r': k = snprintf(tmp, sizeof(tmp), "\\r"); break;
			case '\\': k = snprintf(tmp, sizeof(tmp), "\\\\"); break;
			case '"': k = snprintf(tmp, sizeof(tmp), "\\\""); break;
			default: k = snprintf(tmp, sizeof(tmp), "\\x%02x", c); break;
			}
		}
		if (o + k + (quote ? 1 : 0) >= dstlen)
			break;
		memcpy(dst + o, tmp, k);
		o += k;
		i += len;
	}
	if (quote)
		dst[o++] = '"';
	dst[o] = 0;
	if (all)
		*all = i >= n;
	return o;
}

size_t bk_escape(char *dst, size_t dstlen, const char *src, size_t srclen)
{
	return escape(dst, dstlen, src, srclen, false, NULL, false);
}

size_t bk_escape_arg(char *dst, size_t dstlen, const char *src, size_t srclen)
{
	return escape(dst, dstlen, src, srclen, true, NULL, false);
}

static size_t escape_cut(char *dst, size_t dstlen, const char *src, size_t srclen, bool cut,
			 bool keep_backslash)
{
	size_t mark = sizeof(BK_CUT_MARK) - 1, o;
	bool all;

	if (dstlen <= mark)
		return bk_escape(dst, dstlen, "", 0);
	/* Room for the mark is kept; a dst too small for all of src cuts it too. */
	o = escape(dst, dstlen - mark, src, srclen, false, &all, keep_backslash);
	if (cut || !all) {
		memcpy(dst + o, BK_CUT_MARK, mark + 1);
		o += mark;
	}
	return o;
}

size_t bk_escape_cut(char *dst, size_t dstlen, const char *src, size_t srclen, bool cut)
{
	return escape_cut(dst, dstlen, src, srclen, cut, false);
}

size_t bk_escape_typed(char *dst, size_t dstlen, const char *src, size_t srclen, bool cut)
{
	return escape_cut(dst, dstlen, src, srclen, cut, true);
}

size_t bk_escape_str(char *dst, size_t dstlen, const char *src, size_t srclen, __u32 flags, int i)
{
	if (flags & BK_STR_UNREADABLE(i)) {
		snprintf(dst, dstlen, "%s", BK_UNREADABLE_MARK);
		return strnlen(dst, dstlen);
	}
	return bk_escape_cut(dst, dstlen, src, srclen, flags & BK_STR_CUT(i));
}

/* Wall-clock time of a monotonic timestamp, from one pair of clock readings. */
static void to_realtime(__u64 ts_ns, struct timespec *out)
{
	static long long offset_ns;
	static bool have;
	struct timespec mono, real;
	long long r;

	if (!have) {
		clock_gettime(CLOCK_REALTIME, &real);
		clock_gettime(CLOCK_MONOTONIC, &mono);
		offset_ns = (real.tv_sec - mono.tv_sec) * 1000000000LL + (real.tv_nsec - mono.tv_nsec);
		have = true;
	}
	r = (long long)ts_ns + offset_ns;
	out->tv_sec = r / 1000000000LL;
	out->tv_nsec = r % 1000000000LL;
}

void bk_time_hms(char *buf, size_t len, __u64 ts_ns)
{
	struct timespec ts;
	struct tm tm;

	to_realtime(ts_ns, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(buf, len, "%H:%M:%S", &tm);
}

void bk_time_iso(char *buf, size_t len, __u64 ts_ns)
{
	struct timespec ts;
	struct tm tm;
	char date[32], zone[8];

	to_realtime(ts_ns, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
	strftime(zone, sizeof(zone), "%z", &tm);
	snprintf(buf, len, "%s.%06ld%.3s:%s", date, ts.tv_nsec / 1000, zone, zone + 3);
}

void bk_print_prefix_header(void)
{
	if (bk_env.timestamp)
		printf("%-*s ", BK_W_TIME, "TIME");
	if (bk_env.uid_column)
		printf("%-*s ", BK_W_UID, "UID");
}

void bk_print_prefix(__u64 ts_ns, __u32 uid)
{
	char t[32];

	if (bk_env.timestamp) {
		bk_time_hms(t, sizeof(t), ts_ns);
		printf("%-*s ", BK_W_TIME, t);
	}
	if (bk_env.uid_column)
		printf("%-*u ", BK_W_UID, uid);
}
