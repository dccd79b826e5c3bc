/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * One JSON object per line (-j). Valid JSON for any bytes: control characters
 * are escaped, valid UTF-8 is kept, and each byte of invalid UTF-8 becomes the
 * code point of the same value (\u00XX), so nothing is dropped.
 */
#ifndef BPFKIT_JSON_H
#define BPFKIT_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <linux/types.h>

struct bk_json {
	FILE *f;
	int n;		/* members written so far */
};

void bk_json_begin(struct bk_json *j, FILE *f);
/*
 * Begins an event object with the members every event has: time (ISO 8601),
 * pid, tid, uid and comm.
 */
void bk_json_event(struct bk_json *j, FILE *f, __u64 ts_ns, __u32 tgid, __u32 tid, __u32 uid,
		   const char *comm);
void bk_json_str(struct bk_json *j, const char *key, const char *s, size_t maxlen);
void bk_json_int(struct bk_json *j, const char *key, long long v);
void bk_json_uint(struct bk_json *j, const char *key, unsigned long long v);
void bk_json_bool(struct bk_json *j, const char *key, bool v);
void bk_json_null(struct bk_json *j, const char *key);
/* An array of strings: the key, then bk_json_array_str for each, then _end. */
void bk_json_array_begin(struct bk_json *j, const char *key);
void bk_json_array_str(struct bk_json *j, const char *s, size_t maxlen);
void bk_json_array_end(struct bk_json *j);
void bk_json_end(struct bk_json *j);

/* Writes `s` (at most maxlen bytes, stops at NUL) as a quoted JSON string. */
void bk_json_string(FILE *f, const char *s, size_t maxlen);

#endif
