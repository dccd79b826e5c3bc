/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * Choosing how to attach, by probing this kernel, never by version numbers.
 *
 * A tool lists, in order of preference, the variants of its hooks: a stable
 * tracepoint or tp_btf first, then fentry, then kprobe. Each variant names
 * the programs it needs and the ones it uses when the kernel has their hook.
 * bk_choose() takes the first variant whose hooks this kernel has (tracefs
 * for tracepoints, BTF for tp_btf/raw_tp/fentry, a test load for fentry,
 * kallsyms and the kprobe PMU for kprobes) and turns autoload off for every
 * program of the other variants, before the object is loaded.
 */
#ifndef BPFKIT_ATTACH_H
#define BPFKIT_ATTACH_H

#include <stdbool.h>
#include <bpf/libbpf.h>

#define BK_VARIANT_PROGS 16

struct bk_variant {
	const char *name;	/* "tracepoint", "tp_btf", "raw_tp", "fentry", "kprobe" */
	struct bpf_program *progs[BK_VARIANT_PROGS];	/* all needed */
	struct bpf_program *optional[BK_VARIANT_PROGS];	/* used where the hook exists */
};

/*
 * Returns the index of the chosen variant, or -errno: -ENOENT when the kernel
 * has none (the sentence names what it lacks), -EINVAL when `force` names no
 * variant of this tool (a usage error: bk_exit() exits 64). `force`
 * (--force-path) may be NULL.
 */
int bk_choose(struct bk_variant *v, int n, const char *force);

/* Whether this kernel has kprobes at all (the kprobe PMU or kprobe_events). */
bool bk_kprobes_available(void);

/* The name of the chosen variant, for -v and the test matrix. */
extern const char *bk_attach_path;

/* Whether this kernel has the hook a program's section names (1/0), -errno. */
int bk_hook_available(const char *sec, char *why, size_t whylen);

#endif
