/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * Messages to the person running a tool: one line each, on stderr, prefixed
 * with the tool's name. Library code in common/ never prints: it returns
 * -errno and may leave a sentence with bk_set_error() for bk_report().
 */
#ifndef BPFKIT_LOG_H
#define BPFKIT_LOG_H

#include <stdbool.h>

extern const char *bk_prog;	/* the tool's name */
extern int bk_verbose;		/* -v count */

/* Routes libbpf's messages: warnings always, info with -v, debug with -vv. */
void bk_log_init(const char *prog);

__attribute__((format(printf, 1, 2))) void bk_err(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void bk_warn(const char *fmt, ...);
__attribute__((format(printf, 2, 3))) void bk_info(int level, const char *fmt, ...);

/*
 * While set up is under way libbpf's warnings are held back: a failure is
 * explained in one sentence instead of a dump; on success they are printed.
 */
void bk_log_hold(bool hold);
const char *bk_log_held(void);

/* The sentence that explains the last failure of a common/ function. */
__attribute__((format(printf, 1, 2))) void bk_set_error(const char *fmt, ...);
/* The same for a failure that is the user's input (bk_exit() then exits 64). */
__attribute__((format(printf, 1, 2))) void bk_set_usage_error(const char *fmt, ...);
/*
 * The sentence for a kernel (or machine) that has nothing a tool can use,
 * where the tool can do nothing at all: "TOOL: this kernel has no WHAT", WHAT
 * naming what is missing (and why, after a colon); the tool exits 1. Returns
 * -ENOENT. The test harness recognises the case by that start on the line and
 * exit status 1 (kernel_unsupported in tests/lib.sh): every such refusal goes
 * through here. Not for a refused option or --force-path: the tool could do
 * something else.
 */
__attribute__((format(printf, 1, 2))) int bk_set_unsupported(const char *fmt, ...);
const char *bk_error(void);
/* Whether the sentence set last is a usage error. */
bool bk_error_is_usage(void);
/* Prints the last failure: its sentence, or strerror(-err) after `what`. */
void bk_report(const char *what, int err);

#endif
