/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * Probe patterns shared by funccount and funclatency: parsing, expanding a
 * glob into the probes it matches, listing them (--list), and attaching one
 * BPF program to every probe with its index as the BPF cookie.
 *
 * The syntax (the same for tracing and for --list):
 *   PATH:GLOB, LIB:GLOB, p:LIB:GLOB  functions of a binary or library (uprobes;
 *                                    the target as common/uspace/uprobe_target.h
 *                                    resolves it)
 *   t:CATEGORY:NAME                  tracepoints, globs in either part
 *   u:PATH:GLOB, u:PATH:PROV:GLOB    USDT probes (listed only)
 *   GLOB                             kernel functions (kprobes)
 * GLOB is an fnmatch(3) pattern. Every function returns 0 or -errno and
 * leaves a sentence for bk_report(); none prints, except probe_list() to
 * the stream it is given and probespec_parse_opt() (argp's usage errors).
 */
#ifndef BPFKIT_PROBESPEC_H
#define BPFKIT_PROBESPEC_H

#include <argp.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <bpf/libbpf.h>
#include "core/links.h"

enum probespec_kind {
	PROBESPEC_UFUNC,	/* functions of a binary */
	PROBESPEC_TRACEPOINT,
	PROBESPEC_KFUNC,	/* kernel functions */
	PROBESPEC_USDT,
};

struct probespec {
	int kind;			/* enum probespec_kind */
	char target[PATH_MAX];		/* PATH or LIB as typed (UFUNC, USDT) */
	char group[256];		/* tracepoint category or USDT provider glob */
	char glob[1024];		/* function, tracepoint or USDT name glob */
};

/* One probe a pattern matched. */
struct probe {
	/*
	 * As a FUNC column shows it: f_a, sched:sched_switch. Functions at one
	 * address (aliases, IFUNCs resolving to one implementation) are one
	 * probe, their names joined with '/': cfree/free, memcpy/memmove.
	 */
	char *name;
	uint64_t offset;	/* uprobe file offset (UFUNC) */
	/* UFUNC of an IFUNC: the implementation probed (__strlen_avx2), or
	 * its offset in hex when the symbol tables do not name it; else NULL */
	char *impl;
	/* UFUNC: the kernel refused to probe its first instruction */
	bool unprobed;
};

struct probe_set {
	int kind;			/* enum probespec_kind */
	char path[PATH_MAX];		/* the resolved binary (UFUNC, USDT) */
	struct probe *p;		/* sorted by name */
	size_t n;
	/* IFUNCs a glob matched whose implementation could not be found (the
	 * vDSO's gettimeofday, a library no process has loaded): how many,
	 * and why for the first */
	size_t ifunc_skipped;
	char ifunc_why[256];
};

/* Parses a pattern. -EINVAL malformed, -ENAMETOOLONG a part too long. */
int probespec_parse(const char *s, struct probespec *ps);

/*
 * The arguments of a tool that traces a pattern: --list PATTERN, or
 * --max-probes N and PATTERN [interval [count]].
 */
enum { PROBESPEC_OPT_LIST = 2000, PROBESPEC_OPT_MAX_PROBES };

/* --list PATTERN, --max-probes N; `probes` says what N counts ("probes"). */
#define PROBESPEC_ARGP_OPTIONS(probes)                                          \
	{ "list", PROBESPEC_OPT_LIST, "PATTERN", 0,                             \
	  "Print the probes PATTERN matches, one a line, and exit", 0 },        \
	{ "max-probes", PROBESPEC_OPT_MAX_PROBES, "N", 0,                       \
	  "Refuse a pattern matching more than N " probes " (default 1000)", 0 }

struct probespec_args {
	const char *list;		/* --list PATTERN */
	long max_probes;		/* --max-probes N: the tool's default until given */
	const char *pattern;		/* PATTERN, parsed into ps */
	struct probespec ps;
	const char *pos[3];		/* PATTERN [interval [count]] as given */
	int npos;
};

/*
 * argp's parser of the options above and the arguments, into a; at
 * ARGP_KEY_END, unless --list, PATTERN parsed into a->ps (`missing`: the
 * usage sentence without one). The tool's parser then checks what it can
 * trace of a->ps and ends with bk_parse_interval_pos(state, a->pos + 1,
 * a->npos - 1). ARGP_ERR_UNKNOWN for other keys.
 */
error_t probespec_parse_opt(struct probespec_args *a, const char *missing, int key, char *arg,
			    struct argp_state *state);

/*
 * probe_set_match() of a->ps with a->max_probes, for process pid; more than
 * that many leaves the sentence naming the pattern, how many `what` it
 * matches ("probes", "functions") and --max-probes.
 */
int probespec_match(const struct probespec_args *a, pid_t pid, const char *what,
		    struct probe_set *set);

/*
 * The probes ps matches, for process pid when pid > 0 (it resolves LIB
 * through the process's mappings). -ENOENT when nothing matches, -E2BIG when
 * more than max do (set->n is then how many do, set->p is NULL).
 *
 * An IFUNC symbol is probed at the implementation the process uses (see
 * uspace/ifunc.h); one that cannot be resolved fails the match when the
 * pattern names it without a glob, and is skipped (ifunc_skipped) otherwise.
 */
int probe_set_match(const struct probespec *ps, pid_t pid, size_t max, struct probe_set *set);
void probe_set_free(struct probe_set *set);

/*
 * Writes probe i of set in the pattern syntax ("t:sched:sched_switch"), one
 * line per name of the probe.
 */
void probe_print(FILE *f, const struct probe_set *set, size_t i);

/*
 * --list: writes every probe the pattern matches to f, one a line, in the
 * pattern syntax. Returns how many, or -errno (-ENOENT: none).
 */
long probe_list(FILE *f, const char *pattern, pid_t pid);

/*
 * For the person running the tool (stderr): which IFUNCs are probed where
 * (with -v, each; else one line when there are any), the IFUNCs a glob had
 * to skip, and (after attaching) the functions left unprobed.
 */
void probe_set_notes(const struct probe_set *set);

/*
 * Attaches prog to every probe of set, cookie = the probe's index (pid > 0:
 * uprobes of that process only). Functions of a binary go through one
 * multi-uprobe link when prog was made for one (bk_uprobe_multi_use() in
 * uspace/uprobes.h), else one uprobe each. Kernel functions go through one kprobe.multi
 * link when prog is a kprobe.multi program, through fentry/fexit when it is a
 * tracing program (one function, its target set before load), else one
 * kprobe each; kernel functions that cannot be kprobed are skipped (-ENOENT
 * when none can).
 * retprobe: return probes (UFUNC, KFUNC).
 *
 * A function whose first instruction the kernel refuses to probe (x86
 * uprobes refuse some AVX instructions) is left out and marked unprobed,
 * and not tried again by a later call; -ENOTSUP when all are.
 */
int probe_set_attach(struct probe_set *set, struct bpf_program *prog, pid_t pid,
		     bool retprobe, struct bk_links *l);

#endif
