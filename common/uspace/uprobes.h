/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * Links of uprobes and USDT probes that a tool attaches itself (their
 * sections name no target, so bk_attach() leaves them alone): attach by
 * function name through elfsym, or at many file offsets at once, keep every
 * link, destroy them all at the end.
 *
 * Many uprobes: one multi-uprobe link (BPF_TRACE_UPROBE_MULTI, Linux 6.6)
 * holds any number of them, each with its BPF cookie, and is detached in one
 * grace period. Without it each uprobe is a perf event of its own, whose
 * detach costs a grace period (about 0.1 s, one after another: a minute for
 * 600 probes). libbpf 1.1 knows no such link, so the bpf() call is made
 * here. The program must be told before load (bk_uprobe_multi_use()); then
 * bpf_get_attach_cookie() gives the cookie as with single uprobes. Typical use:
 *
 *	if (bk_uprobe_multi_available())
 *		bk_uprobe_multi_use(skel->progs.handle_entry);     before load
 *	... load ...
 *	err = bk_uprobes_attach(&links, skel->progs.handle_entry, pid, path,
 *				offsets, cookies, n, false);
 *	... run ...
 *	bk_links_destroy(&links);
 */
#ifndef BPFKIT_UPROBES_H
#define BPFKIT_UPROBES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <bpf/libbpf.h>
#include "core/links.h"

/*
 * Attaches prog at the entry (or, with retprobe, the return) of function
 * func of the ELF file path, for process pid only when pid > 0. -ENOENT when
 * the file has no such function, -E2BIG when the set is full; the sentence
 * for bk_report() names the file and the function.
 */
int bk_uprobe_attach(struct bk_links *l, struct bpf_program *prog, pid_t pid,
		     const char *path, const char *func, bool retprobe);

/* Attaches prog to USDT provider:name of path (pid > 0: that process only). */
int bk_usdt_attach(struct bk_links *l, struct bpf_program *prog, pid_t pid,
		   const char *path, const char *provider, const char *name);

/*
 * Whether this kernel has multi-uprobe links that filter by process (a
 * test load and two failing link attempts, once; the first kernels with
 * these links filtered by thread, which would lose a process's other
 * threads, and count as having none).
 */
bool bk_uprobe_multi_available(void);

/*
 * Before load: makes prog a multi-uprobe program, so that bk_uprobes_attach()
 * gives it one link. -EOPNOTSUPP when the kernel has no such links, -EBUSY
 * after load. Such a program cannot be attached as a single uprobe.
 */
int bk_uprobe_multi_use(struct bpf_program *prog);

/* Whether prog was made a multi-uprobe program. */
bool bk_uprobe_multi_used(const struct bpf_program *prog);

/*
 * Attaches prog at the n file offsets of path, with cookies[i] (NULL: i) as
 * the BPF cookie of offsets[i]; return probes with retprobe; for process pid
 * only when pid > 0. A program made multi gets one link for all of them,
 * others one uprobe per offset. The sentence for bk_report() names the file
 * (and the offset of a single uprobe that failed).
 */
int bk_uprobes_attach(struct bk_links *l, struct bpf_program *prog, pid_t pid, const char *path,
		      const uint64_t *offsets, const uint64_t *cookies, size_t n, bool retprobe);

/*
 * The same, leaving out the offsets whose instruction the kernel cannot
 * probe (x86 uprobes refuse some, such as the AVX instruction that begins
 * glibc's __strchr_avx2): skipped[i] is set for those, and 0 is returned as
 * long as one offset was attached. One refused offset fails a whole
 * multi-uprobe link, so the refused ones are found by halving: each failed
 * try costs the kernel a grace period, about 0.1 s.
 */
int bk_uprobes_attach_some(struct bk_links *l, struct bpf_program *prog, pid_t pid,
			   const char *path, const uint64_t *offsets, const uint64_t *cookies,
			   size_t n, bool retprobe, bool *skipped);

#endif
