/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * Kernel functions in modules: bk_hook_available() looks in the kernel's own
 * BTF only; functions of a module (xfs_file_read_iter, md_flush_request) are
 * in /sys/kernel/btf/MODULE, which libbpf also searches when it attaches.
 */
#ifndef BPFKIT_KFUNC_H
#define BPFKIT_KFUNC_H

#include <stdbool.h>
#include <stddef.h>

/* Whether `func` is in the kernel's BTF (or --btf's) or in `module`'s (may be NULL). */
bool bk_kfunc_in_btf(const char *func, const char *module);

/*
 * Whether fentry can hook `func` of `module`: in BTF, and this kernel makes
 * BPF trampolines (tried on a kernel function when `func` is a module's).
 * 1, or 0 with why set.
 */
int bk_kfunc_fentry_ok(const char *func, const char *module, char *why, size_t len);

#endif
