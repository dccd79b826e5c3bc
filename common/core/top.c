// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* The screen of a top-style tool, see top.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/log.h"
#include "core/loop.h"
#include "core/maps.h"
#include "core/opts.h"
#include "core/output.h"
#include "core/top.h"

error_t bk_top_parse_opt(struct bk_top *t, int key, char *arg, struct argp_state *state)
{
	int i;

	switch (key) {
	case 'C':
		t->no_clear = true;
		break;
	case 'r':
		if (bk_parse_long(arg, 1, t->max_rows, &t->rows))
			bk_usage(state, "invalid --rows '%s': want 1 to %ld", arg, t->max_rows);
		break;
	case 'S':
		for (i = 0; t->sort_keys[i] && strcmp(arg, t->sort_keys[i]); i++)
			;
		if (!t->sort_keys[i])
			bk_usage(state, "invalid --sort '%s': want %s", arg, t->sort_want);
		t->sort = i;
		break;
	case ARGP_KEY_ARG:
		bk_parse_interval_arg(state, arg);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

void bk_top_args(struct bk_top *t)
{
	if (bk_env.interval_s == 0)
		bk_env.interval_s = 1;
	t->clear = !t->no_clear && !bk_env.json && isatty(STDOUT_FILENO);
}

int bk_top_refresh(void *top)
{
	struct bk_top *t = top;
	char when[40];
	void *rows;
	long n;

	n = bk_map_drain_rows(t->fd, t->key_size, t->value_size, t->value_off, t->row_size, t->cap,
			      &rows);
	if (n < 0)
		return (int)n;
	if (t->prepare)
		t->prepare(t->ctx, rows, n);
	qsort(rows, n, t->row_size, t->cmp);
	if (bk_env.json) {
		bk_time_iso(when, sizeof(when), bk_now_ns());
	} else {
		if (t->clear)
			printf("\033[H\033[2J");
		else if (t->printed && !t->blank_after)
			printf("\n");
		bk_time_hms(when, sizeof(when), bk_now_ns());
		t->head(t->ctx, when, n);
	}
	for (long i = 0; i < n && (i < t->rows || (bk_env.json && t->json_all)); i++)
		t->print_row(t->ctx, (const char *)rows + i * t->row_size, when);
	if (!bk_env.json && t->blank_after)
		printf("\n");
	free(rows);
	t->printed++;
	return 0;
}
