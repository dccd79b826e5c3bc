/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * Column output. Strings that come from the traced system (comm, paths, argv,
 * typed commands) are untrusted: a file name holding terminal escape
 * sequences must not be able to forge or hide output.
 */
#ifndef BPFKIT_OUTPUT_H
#define BPFKIT_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <linux/types.h>
#include "bpfkit.h"

/*
 * Copies at most `srclen` bytes of `src` (stopping at NUL) into `dst` with
 * control bytes, DEL, backslash and invalid UTF-8 escaped (\n, \t, \\, \xHH),
 * and C1 controls escaped too; valid printable UTF-8 is kept. `dst` is always
 * NUL-terminated and an escape is never cut in half. Returns the length.
 */
size_t bk_escape(char *dst, size_t dstlen, const char *src, size_t srclen);

/* As bk_escape, also putting double quotes around strings with spaces or quotes. */
size_t bk_escape_arg(char *dst, size_t dstlen, const char *src, size_t srclen);

/*
 * Strings cut to fit (see "Strings that do not fit" in bpf/bpfkit.h) end in
 * BK_CUT_MARK in columns; one that could not be read shows as
 * BK_UNREADABLE_MARK. In JSON, bk_json_rec_str() says the same exactly.
 */
#define BK_CUT_MARK "..."
#define BK_UNREADABLE_MARK "[unreadable]"

/*
 * As bk_escape, with BK_CUT_MARK after the string when `cut`, or when dst
 * is too small for all of it: never silently short.
 */
size_t bk_escape_cut(char *dst, size_t dstlen, const char *src, size_t srclen, bool cut);

/*
 * As bk_escape_cut, but a backslash stays one backslash: for text a person
 * typed (a command line), shown as typed. Control bytes are still escaped,
 * so a typed backslash-t and a tab both show as \t.
 */
size_t bk_escape_typed(char *dst, size_t dstlen, const char *src, size_t srclen, bool cut);

/* String i of a record whose str_flags are `flags`, for a column. */
size_t bk_escape_str(char *dst, size_t dstlen, const char *src, size_t srclen, __u32 flags, int i);

/* Wall-clock HH:MM:SS of a bpf_ktime_get_ns() timestamp. */
void bk_time_hms(char *buf, size_t len, __u64 ts_ns);
/* Wall-clock ISO 8601 with microseconds (UTC offset included), for JSON. */
void bk_time_iso(char *buf, size_t len, __u64 ts_ns);

/* The optional leading columns of -T and -U: their headings, and their values. */
void bk_print_prefix_header(void);
void bk_print_prefix(__u64 ts_ns, __u32 uid);

/* Column widths; header and row printers use the same macros. */
#define BK_W_TIME 8
#define BK_W_PID 7
#define BK_W_COMM 16
#define BK_W_UID 6

#endif
