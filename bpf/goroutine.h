/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * The bpf_cookie of a Go function probe, shared by common/go/gouprobe.c (which
 * attaches) and bpf/goroutine.bpf.h (which decodes): the function's index in
 * the tool's table in the low 32 bits, GO_COOKIE_RET on return probes, and
 * the function's code size above that (which tells a re-run of the entry
 * after a stack growth from a new call, see goroutine.bpf.h).
 */
#ifndef BPFKIT_GOROUTINE_H
#define BPFKIT_GOROUTINE_H

#define GO_COOKIE_RET (1ULL << 32)
#define GO_COOKIE_SIZE_SHIFT 33
#define GO_COOKIE_SIZE_MAX ((1ULL << 31) - 1)
#define GO_COOKIE(index, is_ret, size)                                                      \
	((unsigned long long)(unsigned int)(index) | ((is_ret) ? GO_COOKIE_RET : 0) |       \
	 ((unsigned long long)((size) < GO_COOKIE_SIZE_MAX ? (size) : GO_COOKIE_SIZE_MAX)   \
	  << GO_COOKIE_SIZE_SHIFT))
#define GO_COOKIE_INDEX(c) ((unsigned int)(c))
#define GO_COOKIE_IS_RET(c) (((c) & GO_COOKIE_RET) != 0)
#define GO_COOKIE_SIZE(c) ((c) >> GO_COOKIE_SIZE_SHIFT)

/*
 * The key of a call in flight and the first fields of every start a tool
 * keeps (bpf/goroutine.bpf.h); the user side reads them at the end. The
 * includer provides __u32/__u64.
 */
struct go_call_key {
	__u64 goid;
	__u64 depth;	/* g.stack.hi - SP at entry and at return */
	__u32 tgid;
	__u32 pad;
};

/* The first fields of every start a tool keeps. */
struct go_start {
	__u64 ts_ns;
	__u64 entry_ip;	/* where the entry probe fired */
	__u32 func;	/* the tool's function index (GO_COOKIE_INDEX) */
	__u32 pad;
};

/* Most functions one tool probes (sizes per-function maps). */
#define GO_MAX_FUNCS 1024

/* Calls in flight tracked at once by default (--max-inflight). */
#define GO_INFLIGHT_DEFAULT 65536

/* The first goroutines whose ids a tool samples, to check the goid offset. */
#define GO_GOID_SAMPLES 64

#endif
