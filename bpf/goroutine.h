/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * The bpf_cookie of a Go function probe, shared by common/go/gouprobe.c (which
 * attaches) and bpf/goroutine.bpf.h (which decodes): the function's index in
 * the tool's table in the low 32 bits, GO_COOKIE_RET on return probes.
 */
#ifndef BPFKIT_GOROUTINE_H
#define BPFKIT_GOROUTINE_H

#define GO_COOKIE_RET (1ULL << 32)
#define GO_COOKIE(index, is_ret) ((unsigned long long)(index) | ((is_ret) ? GO_COOKIE_RET : 0))
#define GO_COOKIE_INDEX(c) ((unsigned int)(c))
#define GO_COOKIE_IS_RET(c) (((c) & GO_COOKIE_RET) != 0)

/* Most functions one tool probes (sizes per-function maps). */
#define GO_MAX_FUNCS 1024

#endif
