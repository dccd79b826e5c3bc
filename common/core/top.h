/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * The screen of a top-style tool: every interval the entries the BPF side
 * counted in a hash map are taken out (core/maps.h), sorted busiest first,
 * and the first ROWS shown under a title line, the screen cleared between
 * refreshes on a terminal; with -j, one JSON object per row.
 *
 *	static struct bk_top top = { .rows = 20, .sort_keys = ..., .cmp = ..., ... };
 *	static const struct argp_option options[] = {
 *		{ ...the tool's own... },
 *		BK_TOP_ARGP_OPTIONS("files", "FIELD", "Sort by ..."),
 *		{},
 *	};
 *	parse_arg(): default: return bk_top_parse_opt(&top, key, arg, state);
 *	bk_parse_args_doc(...); bk_top_args(&top);
 *	... load, attach ...
 *	top.fd = bpf_map__fd(skel->maps.counts);
 *	bk_summary(&loop, bk_top_refresh, &top);
 */
#ifndef BPFKIT_TOP_H
#define BPFKIT_TOP_H

#include <argp.h>
#include <stdbool.h>
#include <stddef.h>

/* The layout of rows of struct `type` { key `k`; ...; value `v`; ... } (struct bk_top). */
#define BK_TOP_ROW(type, k, v)                                                 \
	.key_size = sizeof(((type *)0)->k), .value_size = sizeof(((type *)0)->v), \
	.value_off = offsetof(type, v), .row_size = sizeof(type)

/* -C, --no-clear; -r, --rows ROWS, with its help. */
#define BK_TOP_ARGP_SCREEN(rows_doc)                                           \
	{ "no-clear", 'C', NULL, 0, "Do not clear the screen between refreshes", 0 }, \
	{ "rows", 'r', "ROWS", 0, rows_doc, 0 }

/* -C, --no-clear; -r, --rows ROWS; -S, --sort KEY. */
#define BK_TOP_ARGP_OPTIONS(rows_what, sort_arg, sort_doc)                     \
	BK_TOP_ARGP_SCREEN("Show at most ROWS " rows_what " per refresh (default 20)"), \
	{ "sort", 'S', sort_arg, 0, sort_doc, 0 }

struct bk_top {
	/* The options: the tool's defaults, then what bk_top_parse_opt() read. */
	long rows;			/* -r: rows shown per refresh */
	int sort;			/* -S: an index into sort_keys */
	bool no_clear;			/* -C */
	/* What the tool allows. */
	long max_rows;			/* -r's upper bound */
	const char *const *sort_keys;	/* -S's names, NULL-terminated (NULL: no -S) */
	const char *sort_want;		/* for a bad -S: "rx, tx or all" */
	/* The table: rows of struct { key; value; }, taken out of the map at `fd`. */
	int fd;
	size_t key_size, value_size, value_off, row_size;
	size_t cap;			/* rows taken at most per refresh */
	int (*cmp)(const void *a, const void *b);	/* busiest first */
	/* Computed fields, totals, warnings: after the take, before the sort. May be NULL. */
	void (*prepare)(void *ctx, void *rows, long n);
	/* The title line(s) and the column header; hms is the time of day. */
	void (*head)(void *ctx, const char *hms, long n);
	/* One row, in columns or with -j in JSON (time in ISO 8601). */
	void (*print_row)(void *ctx, const void *row, const char *time);
	void *ctx;
	/* A blank line after each refresh, instead of before each but the first. */
	bool blank_after;
	/* With -j, every row, not only the first ROWS. */
	bool json_all;
	/* Set by bk_top_args(); refreshes printed. */
	bool clear;
	long printed;
};

/* -C, -r, -S and [interval [count]]; ARGP_ERR_UNKNOWN for the others. */
error_t bk_top_parse_opt(struct bk_top *t, int key, char *arg, struct argp_state *state);

/* After parsing: one second by default; clearing only on a terminal without -j. */
void bk_top_args(struct bk_top *t);

/* One refresh (a bk_summary() function): 0, or -errno with the sentence set. */
int bk_top_refresh(void *top);

#endif
