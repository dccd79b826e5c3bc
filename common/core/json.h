/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * One JSON object per line (-j), written through this API only: no tool
 * prints JSON punctuation by hand.
 *
 * A line is bk_json_begin() (or bk_json_event()), members, bk_json_end().
 * Members may be objects and arrays, nested up to BK_JSON_DEPTH levels:
 * bk_json_object_begin/_end and bk_json_array_begin/_end. Every value
 * function takes a key; inside an array the key is NULL.
 *
 *	bk_json_begin(&j, stdout);
 *	bk_json_str(&j, "func", name, (size_t)-1);
 *	bk_json_array_begin(&j, "ret");
 *	bk_json_uint(&j, NULL, 42);
 *	bk_json_object_begin(&j, NULL);
 *	bk_json_uint(&j, "len", 3);
 *	bk_json_object_end(&j);
 *	bk_json_array_end(&j);
 *	bk_json_end(&j);	// {"func":"...","ret":[42,{"len":3}]}
 *
 * Strings: valid JSON for any bytes, and reversible. Valid UTF-8 is kept as
 * it is; '"', '\\' and control characters are escaped; each byte that is not
 * part of valid UTF-8 becomes the lone surrogate escape \udcXX, XX being the
 * byte (0x80-0xff). No valid UTF-8 text can give a surrogate, so a reader
 * gets the exact bytes back: in Python, json.loads() then
 * s.encode("utf-8", "surrogateescape"); byte 0xff is "\udcff" while the
 * character U+00FF is "ÿ". (jq turns lone surrogates into U+FFFD.)
 *
 * Strings that were cut to fit a record (see bpf/bpfkit.h, "Strings that do
 * not fit") are written with bk_json_str_cut() or bk_json_rec_str(): the
 * member KEY and a member KEY_truncated (true/false) next to it, in every
 * record; KEY is null for a string that could not be read.
 */
#ifndef BPFKIT_JSON_H
#define BPFKIT_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <linux/types.h>

#define BK_JSON_DEPTH 8

struct bk_json {
	FILE *f;
	int depth;			/* objects and arrays open */
	unsigned int n[BK_JSON_DEPTH];	/* values written at each depth */
	char closer[BK_JSON_DEPTH];	/* '}' or ']' */
};

/* Begins a line: its top-level object. */
void bk_json_begin(struct bk_json *j, FILE *f);
/*
 * Begins an event object with the members every event has: time (ISO 8601),
 * pid, tid, uid and comm.
 */
void bk_json_event(struct bk_json *j, FILE *f, __u64 ts_ns, __u32 tgid, __u32 tid, __u32 uid,
		   const char *comm);
/* Ends the line: closes whatever is still open, then the newline. */
void bk_json_end(struct bk_json *j);

/* Nested values; `key` is NULL for a value inside an array. */
void bk_json_object_begin(struct bk_json *j, const char *key);
void bk_json_object_end(struct bk_json *j);
void bk_json_array_begin(struct bk_json *j, const char *key);
void bk_json_array_end(struct bk_json *j);

/* `s`: at most maxlen bytes, up to its NUL. */
void bk_json_str(struct bk_json *j, const char *key, const char *s, size_t maxlen);
/* `s` as above, and KEY_truncated: whether it was cut to fit. */
void bk_json_str_cut(struct bk_json *j, const char *key, const char *s, size_t maxlen, bool cut);
/*
 * String i of a record whose str_flags are `flags` (bpf/bpfkit.h): KEY (null
 * when it could not be read) and KEY_truncated.
 */
void bk_json_rec_str(struct bk_json *j, const char *key, const char *s, size_t maxlen,
		     __u32 flags, int i);
void bk_json_int(struct bk_json *j, const char *key, long long v);
void bk_json_uint(struct bk_json *j, const char *key, unsigned long long v);
void bk_json_bool(struct bk_json *j, const char *key, bool v);
/* A number; NaN and infinities (not in JSON) as null. */
void bk_json_double(struct bk_json *j, const char *key, double v);
void bk_json_null(struct bk_json *j, const char *key);

/* Writes `s` (at most maxlen bytes, stops at NUL) as a quoted JSON string. */
void bk_json_string(FILE *f, const char *s, size_t maxlen);

#endif
