/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * One frame of a symbolized stack, and the kinds of frames. The kind picks
 * the frame's annotation in folded output and its colour in flame graphs:
 *
 *	kind			folded suffix	flame graph colour
 *	BK_FRAME_USER		(none)		red to yellow
 *	BK_FRAME_KERNEL		_[k]		orange
 *	BK_FRAME_JIT		_[j]		green
 *	BK_FRAME_INLINED	_[i]		aqua
 *	BK_FRAME_WAKER		_[w]		purple (a waker's stack, offwaketime)
 *	BK_FRAME_UNKNOWN	(none)		grey ("[unknown] (...)")
 *	BK_FRAME_MARK		(none)		grey (separators and placeholders)
 *
 * These are the annotations perf and the common flame graph tools use.
 * Off-CPU graphs draw user and kernel frames in blues (bk_flame's
 * BK_FLAME_OFFCPU palette).
 */
#ifndef BPFKIT_STACKS_FRAMES_H
#define BPFKIT_STACKS_FRAMES_H

#include <linux/types.h>

enum bk_frame_kind {
	BK_FRAME_USER,
	BK_FRAME_KERNEL,
	BK_FRAME_JIT,
	BK_FRAME_INLINED,
	BK_FRAME_WAKER,
	BK_FRAME_UNKNOWN,
	BK_FRAME_MARK,
};

struct bk_frame {
	const char *name;	/* function, or "[unknown] (...)", or a mark */
	const char *module;	/* the file it is in as its process sees it; NULL if none */
	__u64 offset;		/* address - function start; for unknown: file offset or address */
	int kind;		/* enum bk_frame_kind */
};

/* The folded-output suffix of a kind: "_[k]", ... or "". */
const char *bk_frame_suffix(int kind);
/* The kind an annotated folded frame name has, and its length without the suffix. */
int bk_frame_kind_of(const char *name, size_t len, size_t *base_len);

/* Separators and placeholders, as folded output and flame graphs show them. */
#define BK_FRAME_SEP_KERNEL "-"		/* between a user stack and a kernel stack */
#define BK_FRAME_SEP_WAKER "--"		/* between a blocked stack and its waker's */
#define BK_FRAME_MISSING_USER "[missing user stack]"
#define BK_FRAME_MISSING_KERNEL "[missing kernel stack]"

#endif
