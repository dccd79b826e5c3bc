/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Programs made in pairs, one for each attach path a tool offers. */
#ifndef BPFKIT_ATTACH_BPF_H
#define BPFKIT_ATTACH_BPF_H

#include "bpfkit.bpf.h"

/*
 * The fentry and the kprobe program on the entry of kernel function `func`,
 * handle_<name>_fentry and handle_<name>_kprobe, both running `body` on its
 * first arguments, declared after it as in BPF_PROG() and BPF_KPROBE(): for
 * the tools that choose between the two at start (bk_choose()).
 *
 *	BK_FENTRY_KPROBE(filemap_fault, fault, fault(vmf), struct vm_fault *vmf)
 */
#define BK_FENTRY_KPROBE(func, name, body, ...)                                \
	SEC("fentry/" #func)                                                   \
	int BPF_PROG(handle_##name##_fentry, __VA_ARGS__)                      \
	{                                                                      \
		body;                                                          \
		return 0;                                                      \
	}                                                                      \
	SEC("kprobe/" #func)                                                   \
	int BPF_KPROBE(handle_##name##_kprobe, __VA_ARGS__)                    \
	{                                                                      \
		body;                                                          \
		return 0;                                                      \
	}

#endif
