// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * flamegraph: folded stacks in, an interactive SVG flame graph out. Draws
 * the -f output of profile, offcputime and the other stack tools, or of
 * perf script piped through a stack collapser.
 */
#include <argp.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/log.h"
#include "core/opts.h"
#include "stacks/flame.h"

static struct bk_flame_opts fo;
static char **files;
static int nfiles;

const char argp_program_doc[] =
	"Draw folded stacks (one \"frame;frame;...;frame COUNT\" per line, root first)\n"
	"as an interactive SVG flame graph: click to zoom, Search to highlight.\n"
	"Frames ending in _[k] are kernel, _[j] JIT, _[i] inlined, _[w] a waker's.\n"
	"\n"
	"USAGE: flamegraph [--title TEXT] [--width PX] [--min-width PX] [--inverted]\n"
	"                  [--count-name UNIT] [--palette on-cpu|off-cpu] [FILE...]\n"
	"\n"
	"EXAMPLES:\n"
	"    profile -f -d 10 | flamegraph > cpu.svg       # CPU flame graph\n"
	"    offcputime -f -d 10 | flamegraph --count-name us --palette off-cpu \\\n"
	"        > off.svg                                  # off-CPU time\n"
	"    flamegraph --inverted --title Icicle < stacks.folded > icicle.svg";

enum { OPT_TITLE = 2000, OPT_SUBTITLE, OPT_WIDTH, OPT_MIN_WIDTH, OPT_INVERTED, OPT_COUNT_NAME,
       OPT_PALETTE };

static const struct argp_option options[] = {
	{ "title", OPT_TITLE, "TEXT", 0, "Title (default \"Flame Graph\")", 0 },
	{ "subtitle", OPT_SUBTITLE, "TEXT", 0, "A second line under the title", 0 },
	{ "width", OPT_WIDTH, "PX", 0, "Width of the image in pixels (default 1200)", 0 },
	{ "min-width", OPT_MIN_WIDTH, "PX", 0,
	  "Leave out frames narrower than PX pixels (default 0.1)", 0 },
	{ "inverted", OPT_INVERTED, NULL, 0, "Icicle graph: the root at the top", 0 },
	{ "count-name", OPT_COUNT_NAME, "UNIT", 0,
	  "What the counts are: samples (default), us, bytes, ...", 0 },
	{ "palette", OPT_PALETTE, "NAME", 0,
	  "Colours: on-cpu (default: warm user, orange kernel) or off-cpu (blues)", 0 },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	char *end;
	long n;
	double d;

	switch (key) {
	case OPT_TITLE:
		fo.title = arg;
		break;
	case OPT_SUBTITLE:
		fo.subtitle = arg;
		break;
	case OPT_WIDTH:
		if (bk_parse_long(arg, 100, 100000, &n))
			bk_usage(state, "invalid width '%s': want 100 to 100000 pixels", arg);
		fo.width = (int)n;
		break;
	case OPT_MIN_WIDTH:
		errno = 0;
		d = strtod(arg, &end);
		if (!*arg || *end || errno || d < 0 || d > 10000)
			bk_usage(state, "invalid minimum width '%s': want 0 to 10000 pixels", arg);
		fo.min_width = d;
		break;
	case OPT_INVERTED:
		fo.inverted = true;
		break;
	case OPT_COUNT_NAME:
		if (!*arg || strlen(arg) > 32)
			bk_usage(state, "--count-name wants 1 to 32 characters");
		fo.count_name = arg;
		break;
	case OPT_PALETTE:
		if (!strcmp(arg, "on-cpu"))
			fo.palette = BK_FLAME_ONCPU;
		else if (!strcmp(arg, "off-cpu"))
			fo.palette = BK_FLAME_OFFCPU;
		else
			bk_usage(state, "unknown palette '%s': want on-cpu or off-cpu", arg);
		break;
	case ARGP_KEY_ARG:
		files = realloc(files, (nfiles + 1) * sizeof(*files));
		if (!files)
			bk_usage(state, "out of memory");
		files[nfiles++] = arg;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* Adds every line of f; counts the lines that are not folded stacks. */
static int read_folded(struct bk_flame *fg, FILE *f, long *bad)
{
	char *line = NULL;
	size_t cap = 0;
	int err = 0;

	while (getline(&line, &cap, f) >= 0) {
		err = bk_flame_add_line(fg, line);
		if (err == -EINVAL) {
			(*bad)++;
			err = 0;
		} else if (err) {
			break;
		}
	}
	if (!err && ferror(f))
		err = -errno;
	free(line);
	return err;
}

int main(int argc, char **argv)
{
	struct bk_flame *fg = NULL;
	long bad = 0;
	int err, i;

	bk_flame_opts_default(&fo);
	bk_parse_args_doc(argc, argv, options, parse_arg, "[FILE...]", argp_program_doc, 0);
	bk_log_init("flamegraph");
	/* A closed stdout (| head) ends us with 0 below, not by a signal. */
	signal(SIGPIPE, SIG_IGN);

	err = bk_flame_new(&fg);
	if (err)
		goto cleanup;
	if (!nfiles)
		err = read_folded(fg, stdin, &bad);
	for (i = 0; i < nfiles && !err; i++) {
		FILE *f = strcmp(files[i], "-") ? fopen(files[i], "re") : stdin;

		if (!f) {
			bk_err("cannot read '%s': %s", files[i], strerror(errno));
			err = 1;
			goto cleanup;
		}
		err = read_folded(fg, f, &bad);
		if (f != stdin)
			fclose(f);
	}
	if (err) {
		bk_err("reading the folded stacks failed: %s", strerror(-err));
		err = 1;
		goto cleanup;
	}
	if (bad)
		bk_warn("%ld lines were not folded stacks (\"frame;...;frame COUNT\") and were skipped",
			bad);
	if (!bk_flame_total(fg)) {
		bk_err("no stacks with a count above zero in the input: nothing to draw");
		err = 1;
		goto cleanup;
	}
	errno = 0;
	err = bk_flame_write(fg, stdout, &fo);
	if (err && errno == EPIPE) {
		err = 0;
	} else if (err) {
		bk_err("writing the SVG failed: %s", strerror(errno ? errno : EIO));
		err = 1;
	}
cleanup:
	bk_flame_free(fg);
	free(files);
	return err ? 1 : 0;
}
