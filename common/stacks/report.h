/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * Printing a count table of bpf/stacks.bpf.h (struct bk_stack_key -> __u64)
 * in the forms every stack tool offers, and reporting stacks lost.
 *
 *	text (default)	one block per key, hottest last: kernel frames leaf
 *			first, "--", user frames, "-  comm (pid)", the value
 *	folded (-f)	"comm;user;...;-;kernel_[k];... VALUE" per line, root
 *			first, identical stacks merged, sorted by stack; user
 *			and kernel parts separated by a "-" frame when both
 *			are there; a lost stack shows as [missing user stack]
 *			or [missing kernel stack]
 *	JSON (-j)	one object per key: pid, comm, the value under the
 *			unit's name, "ustack" and "kstack" arrays leaf first
 *	flame graph	every stack printed is also added to a bk_flame, or
 *			only added (BK_STACK_NONE), for --svg
 *
 * Values are shown divided by `div` (ns counted, us shown).
 *
 * With `waker` (offwaketime), a key is two struct bk_stack_key, the blocked
 * thread's and its waker's: text shows the waker's block after "woken by:",
 * folded lines go on with "--" and the waker's frames from the wake-up
 * outwards (leaf first, "_[w]"), then its comm; JSON has "blocked" and
 * "waker" objects and the value.
 */
#ifndef BPFKIT_STACKS_REPORT_H
#define BPFKIT_STACKS_REPORT_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/types.h>
#include "stacks/flame.h"
#include "stacks/stacks.h"

enum bk_stack_mode {
	BK_STACK_TEXT,
	BK_STACK_FOLDED,
	BK_STACK_JSON,
	BK_STACK_NONE,		/* only the flame graph */
};

struct bk_stack_report {
	int counts_fd;		/* the BK_STACK_COUNTS table */
	struct bk_stacks *stacks;
	const char *unit;	/* name of the value shown: "samples", "us", "bytes" */
	__u64 div;		/* value shown = value counted / div; 0 means 1 */
	int mode;		/* enum bk_stack_mode */
	bool per_thread;	/* keys carry tids: show them */
	bool clear;		/* delete the stacks printed (interval mode) */
	bool waker;		/* keys are a blocked stack's and its waker's */
	struct bk_flame *flame;	/* or NULL */
};

/*
 * Takes the table's stacks out (bk_map_drain), prints them (and adds them to
 * r->flame) and, with r->clear, deletes their stacks from the stack map for
 * the next interval. Returns the number of keys, or -errno.
 */
int bk_stack_report_print(struct bk_stack_report *r, FILE *f);

/* The counters of stacks and values lost (bpf/stacks.bpf.h's .bss). */
struct bk_stack_losses {
	volatile __u64 *collision, *full, *counts;
	const char *what;	/* what a count table value is: "samples", "blocked intervals" */
	__u64 seen[3];		/* reported so far */
};

/*
 * Warns when the counters grew (live) and gives the totals at the end
 * (final): a bk_loop on_check callback with ctx a struct bk_stack_losses.
 */
void bk_stack_losses_check(void *ctx, bool final);

/*
 * Sizes the stack map and the count table before load: `entries` each (the
 * stack map gets twice as many hash slots, to make collisions rarer).
 */
int bk_stack_maps_size(struct bpf_map *stacks, struct bpf_map *counts, __u32 entries);

#endif
