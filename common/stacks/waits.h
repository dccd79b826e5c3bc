/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * Printing a table of waits (bpf/waits_abi.h: struct bk_wait_val) keyed by a
 * tool's key that names a lock and a stack (futexctn, klockstat): each key
 * once, the longest total last, with its stack leaf first and a histogram,
 * as text or JSON. The tool says what its key is with three callbacks.
 */
#ifndef BPFKIT_STACKS_WAITS_H
#define BPFKIT_STACKS_WAITS_H
#include <stddef.h>
#include <stdio.h>
#include <linux/types.h>
#include "core/json.h"
#include "stacks/stacks.h"
#include "waits_abi.h"

struct bk_waits {
	int fd;			/* the table: key -> struct bk_wait_val */
	size_t key_size;	/* a multiple of 8 */
	size_t max_rows;
	const char *stack_name;	/* the JSON member of the stack: "ustack", "kstack" */
	struct bk_trace *t;
	/* The key's stack into t (bk_stacks_add_user or _kernel). */
	void (*stack)(void *ctx, struct bk_trace *t, const void *key);
	/* Text: the start of the key's line ("comm[pid] futex 0x..."), without newline. */
	void (*text)(void *ctx, FILE *f, const void *key);
	/* JSON: the key's members. */
	void (*json)(void *ctx, struct bk_json *j, const void *key);
	/* Text: what the key's count counts ("holds"); NULL: "waits". */
	const char *(*noun)(void *ctx, const void *key);
	void *ctx;
};

/* The trace t is made here; 0 or -ENOMEM. */
int bk_waits_init(struct bk_waits *w);
void bk_waits_free(struct bk_waits *w);

/*
 * Takes every key out of the table (bk_map_drain) and prints it: text (with
 * the time first when bk_env.interval_s), or JSON with -j. 0 or -errno.
 * A bk_loop on_interval callback with ctx a struct bk_waits.
 */
int bk_waits_print(void *ctx);

#endif
