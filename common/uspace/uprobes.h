/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * Links of uprobes and USDT probes that a tool attaches itself (their
 * sections name no target, so bk_attach() leaves them alone): attach by
 * function name through elfsym, keep every link, destroy them all at the end.
 */
#ifndef BPFKIT_UPROBES_H
#define BPFKIT_UPROBES_H

#include <stdbool.h>
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

#endif
