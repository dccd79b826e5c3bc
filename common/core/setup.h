/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * The set-up steps of a tool between argument parsing and the event loop,
 * each failing with one sentence a person can act on (left with
 * bk_set_error(); the tool prints it with bk_report()).
 */
#ifndef BPFKIT_SETUP_H
#define BPFKIT_SETUP_H

#include <bpf/libbpf.h>
#include <linux/types.h>
#include "bpfkit.h"

/*
 * Logging, then the checks every tool needs before opening its object: root
 * or CAP_BPF + CAP_PERFMON, kernel BTF (or --btf). Returns 0 or -errno.
 */
int bk_init(const char *prog);

/* Open options for a skeleton's __open_opts(): --btf and the object name. */
const struct bpf_object_open_opts *bk_open_opts(void);

/* Fills the common in-kernel filters from bk_env. */
void bk_filter_fill(volatile struct bk_filter *f);

/*
 * Sizes the `events` ring buffer (a power of two of at least a page) and sets
 * the wake-up policy to match. Call between open and load.
 */
int bk_events_size(struct bpf_map *events, volatile struct bk_wakeup *w, size_t bytes);

/* Loads the skeleton's object; a verifier rejection is explained. */
int bk_load(struct bpf_object_skeleton *s);

/*
 * After load: puts --cgroup into bk_cgroups, then attaches every program
 * that is loaded and names its hook in its section (uprobes without a target
 * are left to the tool). Links land in the skeleton, destroyed with it.
 * It prints -v's "attached via" line, which tests wait for before they
 * start a trigger: a tool that attaches probes of its own (uprobes, perf
 * events) calls it after them, never bk_start() before them.
 */
int bk_attach(struct bpf_object_skeleton *s);

/* After a skeleton's __open_opts(): 0, or -errno with the sentence set. */
int bk_opened(const void *skel);

/* bk_load() then bk_attach(), for tools with nothing to do in between. */
int bk_start(struct bpf_object_skeleton *s);

/*
 * The exit status for a tool's result: 0; 64 for a usage error found after
 * parsing (bk_set_usage_error(): an unknown --force-path); otherwise 1,
 * after printing the sentence that explains a -errno.
 */
int bk_exit(int err);

/* Makes sure tracefs is mounted, mounting it if this process may. */
int bk_tracefs(void);

#endif
