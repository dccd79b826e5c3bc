/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * What every tool that counts by stack shares on the user side: the stack
 * options, filling bk_stack_opts, the symbolizer and the report, the notices
 * of new processes, the lost-stack reports, and the flame graph at the end.
 *
 *	static const struct argp_option options[] = {
 *		{ ...the tool's own... },
 *		BK_STACK_ARGP_OPTIONS,
 *		{},
 *	};
 *	parse_arg(): default: return bk_stack_parse_opt(key, arg, state);
 *
 *	bk_stack_rodata(&skel->rodata->bk_stack_opts);            before load
 *	bk_stack_maps_size(skel->maps.stacks, skel->maps.counts, bk_stack_env.storage);
 *	... load, attach ...
 *	bk_stack_tool_init(&st, skel->maps.stacks, skel->maps.counts, "us", 1000, ...);
 *	bk_stack_tool_loop(&st, &loop, skel->maps.events, &skel->bss->bk_drops,
 *			   BK_STACK_LOST(skel));
 *	err = bk_run(&loop);
 *	err = err ?: bk_stack_tool_svg(&st, &svg_opts);
 *	bk_stack_tool_free(&st);
 */
#ifndef BPFKIT_STACKS_TOOL_H
#define BPFKIT_STACKS_TOOL_H

#include <argp.h>
#include <stdbool.h>
#include <bpf/libbpf.h>
#include "core/loop.h"
#include "core/setup.h"
#include "stacks/flame.h"
#include "stacks/report.h"
#include "stacks/stacks.h"
#include "bpfkit.h"
#include "stacks_abi.h"

enum {
	BK_STACK_OPT_USER_ONLY = 3000,
	BK_STACK_OPT_SVG,
	BK_STACK_OPT_STORAGE,
	BK_STACK_OPT_MIN_US,
	BK_STACK_OPT_MAX_US,
	BK_STACK_OPT_STATE,
};

/* The state of --state that means every state (no --state). */
#define BK_STACK_STATE_ANY (~0U)

/* --state STATE: for tools that time waits from sched_switch. */
#define BK_STACK_ARGP_STATE_OPTION                                             \
	{ "state", BK_STACK_OPT_STATE, "STATE", 0,                            \
	  "Only waits that began in this state: S (sleeping), D (uninterruptible), " \
	  "R (preempted), I (idle kernel thread), or a TASK_* bit mask", 0 }

/* -K, --user-only, -f, --svg FILE, --stack-storage N */
#define BK_STACK_ARGP_OPTIONS                                                  \
	{ "kernel-only", 'K', NULL, 0, "Kernel stacks only", 0 },             \
	{ "user-only", BK_STACK_OPT_USER_ONLY, NULL, 0,                       \
	  "User stacks only (no short letter: -U is the UID column everywhere)", 0 }, \
	BK_STACK_ARGP_OUTPUT_OPTIONS

/* -f, --svg FILE, --stack-storage N: for tools with user stacks only. */
#define BK_STACK_ARGP_OUTPUT_OPTIONS                                           \
	{ "folded", 'f', NULL, 0, "Folded output: comm;frame;...;frame COUNT, root first", 0 }, \
	{ "svg", BK_STACK_OPT_SVG, "FILE", 0, "Write a flame graph of the whole run to FILE", 0 }, \
	{ "stack-storage", BK_STACK_OPT_STORAGE, "N", 0,                      \
	  "Distinct stacks kept (default 16384): more makes lost stacks rarer", 0 }

/* --min-us US, --max-us US: for tools that sum waits (bk_stack_wait_rodata). */
#define BK_STACK_ARGP_WAIT_OPTIONS                                             \
	{ "min-us", BK_STACK_OPT_MIN_US, "US", 0,                             \
	  "Only waits of at least US microseconds (default 1)", 0 },          \
	{ "max-us", BK_STACK_OPT_MAX_US, "US", 0, "Only waits of at most US microseconds", 0 }

struct bk_stack_env {
	bool kernel_only, user_only, folded;
	const char *svg;
	long storage;
	long min_us, max_us;	/* max_us -1: none */
	__u32 state;		/* TASK_* bits (0: R); BK_STACK_STATE_ANY */
};

extern struct bk_stack_env bk_stack_env;

/*
 * The options above and [interval [count]]; ARGP_ERR_UNKNOWN for others.
 * Checks conflicts at ARGP_KEY_END.
 */
error_t bk_stack_parse_opt(int key, char *arg, struct argp_state *state);

/* Which stacks to record, per thread or not, notices on: before load. */
void bk_stack_rodata(volatile struct bk_stack_opts *o);

/* --min-us and --max-us in ns (max ~0 when not given): before load. */
void bk_stack_wait_rodata(volatile __u64 *min_ns, volatile __u64 *max_ns);

/*
 * Before load, for a skeleton whose object includes bpf/stacks.bpf.h with a
 * `counts` table: the filters, the stack options, the ring buffer of
 * notices (64 KB: 4,000 new processes) and the sizes of the stack map and
 * the table (--stack-storage). 0 or -errno (sentence set).
 */
#define BK_STACK_TOOL_PREPARE(skel)                                            \
	bk_stack_tool_prepare(&(skel)->rodata->bk_filter, &(skel)->rodata->bk_stack_opts, \
			      (skel)->maps.events, &(skel)->rodata->bk_wakeup,   \
			      (skel)->maps.stacks, (skel)->maps.counts)
int bk_stack_tool_prepare(volatile struct bk_filter *f, volatile struct bk_stack_opts *o,
			  struct bpf_map *events, volatile struct bk_wakeup *w,
			  struct bpf_map *stacks, struct bpf_map *counts);

/* "user and kernel stacks", "kernel stacks" or "user stacks". */
const char *bk_stack_what(void);

struct bk_stack_tool {
	struct bk_stacks *stacks;
	struct bk_stack_report rep;
	struct bk_flame *fg;
	struct bk_stack_losses losses;
};

/*
 * After load: the symbolizer on the stack map and the report of the count
 * table, in the output mode the options chose. unit names the value shown
 * (value counted / div). Returns 0 or -errno (sentence set).
 */
int bk_stack_tool_init(struct bk_stack_tool *t, struct bpf_map *stacks, struct bpf_map *counts,
		       const char *unit, __u64 div, const char *what);

/*
 * Sets the loop up: notices of new processes on `events`, the report each
 * interval and at the end ([interval [count]], -d), and lost stacks. `lost`
 * are the BPF side's bk_stack_lost_collision, _full and _counts.
 */
int bk_stack_tool_loop(struct bk_stack_tool *t, struct bk_loop *l, struct bpf_map *events,
		       volatile __u64 *drops, volatile __u64 *lost[3]);

/*
 * After load: bk_stack_tool_init() and bk_stack_tool_loop() on the skeleton's
 * maps, and its bk_lost_starts reported as `lost_what` ("waits of threads
 * were not timed"). 0 or -errno (sentence set).
 */
#define BK_STACK_TOOL_START(t, l, skel, unit, div, what, lost_what)            \
	bk_stack_tool_start(t, l, (skel)->maps.stacks, (skel)->maps.counts,      \
			    (skel)->maps.events, &(skel)->bss->bk_drops,          \
			    BK_STACK_LOST(skel), &(skel)->bss->bk_lost_starts, unit, \
			    div, what, lost_what)
int bk_stack_tool_start(struct bk_stack_tool *t, struct bk_loop *l, struct bpf_map *stacks,
			struct bpf_map *counts, struct bpf_map *events, volatile __u64 *drops,
			volatile __u64 *lost[3], volatile __u64 *lost_starts, const char *unit,
			__u64 div, const char *what, const char *lost_what);

/* The `lost` of a skeleton whose object includes bpf/stacks.bpf.h. */
#define BK_STACK_LOST(skel)                                                    \
	((volatile __u64 *[3]){ &(skel)->bss->bk_stack_lost_collision,           \
				&(skel)->bss->bk_stack_lost_full,                \
				&(skel)->bss->bk_stack_lost_counts })

/* With --svg: writes the flame graph of the whole run. 0 or -errno (sentence set). */
int bk_stack_tool_svg(struct bk_stack_tool *t, const struct bk_flame_opts *o);

/*
 * bk_stack_tool_svg() with the default options, this title, the stacks
 * recorded as subtitle, the report's unit as count name, this palette.
 */
int bk_stack_tool_flame(struct bk_stack_tool *t, const char *title, int palette);

void bk_stack_tool_free(struct bk_stack_tool *t);

#endif
