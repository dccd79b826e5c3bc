/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * Flame graphs: folded stacks in, one interactive SVG out (SVG 1.1 with an
 * ECMAScript part), written from the format's description.
 *
 *	struct bk_flame *fg;
 *
 *	bk_flame_new(&fg);
 *	bk_flame_add(fg, "comm;main;work;burn", 42);     or bk_flame_add_line()
 *	bk_flame_write(fg, f, &opts);
 *	bk_flame_free(fg);
 *
 * Layout: one box per frame, its width proportional to its count, a parent
 * under its children (or above them when inverted: an icicle graph),
 * siblings in alphabetical order, so the x axis is not time. Stacks are
 * merged frame by frame from the root, so identical paths add up; boxes
 * narrower than min_width pixels are left out with everything above them.
 * The root box, "all", spans the whole width.
 *
 * In a browser: a click zooms into a frame (its ancestors span the width,
 * frames outside its subtree are hidden), "Reset Zoom" undoes it; "Search"
 * asks for a regular expression, highlights the frames it matches and shows
 * the share of the total they cover (nested matches counted once); every
 * box has a tooltip with its name, count and share. The same actions from
 * the URL: FILE.svg?s=REGEX searches, ?x=X&y=Y clicks the frame whose box
 * has that top-left corner (as written in the file), for scripted checks.
 *
 * Colours are deterministic: the hue range comes from the frame's kind
 * (frames.h: its "_[k]"-like suffix) and the palette, the shade from a hash
 * of its name, so a function has the same colour in every graph.
 *
 * Functions return 0 or -errno and print nothing.
 */
#ifndef BPFKIT_STACKS_FLAME_H
#define BPFKIT_STACKS_FLAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <linux/types.h>

enum bk_flame_palette {
	BK_FLAME_ONCPU,		/* user warm, kernel orange, JIT green, inlined aqua */
	BK_FLAME_OFFCPU,	/* blues: time blocked */
};

struct bk_flame_opts {
	const char *title;	/* "Flame Graph" */
	const char *subtitle;	/* a second line under the title, or NULL */
	const char *count_name;	/* "samples"; "us" for times, "bytes" ... */
	int width;		/* pixels; 1200 */
	double min_width;	/* pixels; 0.1 */
	bool inverted;		/* icicle: the root at the top */
	int palette;		/* enum bk_flame_palette */
};

/* The defaults above, for a struct the caller then changes. */
void bk_flame_opts_default(struct bk_flame_opts *o);

struct bk_flame;

int bk_flame_new(struct bk_flame **out);
void bk_flame_free(struct bk_flame *fg);

/* Adds a stack "a;b;c" (root first, len bytes) with its count. */
int bk_flame_add(struct bk_flame *fg, const char *stack, size_t len, __u64 count);
/*
 * Adds one line of folded input, "a;b;c COUNT" (a decimal count after the
 * last space; a trailing CR is ignored). Empty lines and lines starting with
 * '#' are skipped (0). -EINVAL for a line without a count.
 */
int bk_flame_add_line(struct bk_flame *fg, const char *line);

/* The sum of all counts added. */
__u64 bk_flame_total(const struct bk_flame *fg);

/* Writes the SVG. -EIO when writing failed. */
int bk_flame_write(struct bk_flame *fg, FILE *f, const struct bk_flame_opts *o);

#endif
