/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * Go goroutines from uprobes placed by common/go/gouprobe.c: the current g,
 * its goid, and a key that pairs a function's entry with its return.
 *
 * Thread ids are useless for pairing (goroutines migrate between threads
 * while blocked) and the g pointer alone fails for recursion and for g
 * structs the runtime recycles. The key here is (tgid, goid, depth, function)
 * with depth = g.stack.hi - SP: SP points at the return address both at the
 * first instruction and at each RET, and copystack keeps the distance from
 * the top of the stack when it moves a growing stack. Each recursion level
 * has its own depth.
 *
 * Entries without returns happen (panics, runtime.Goexit, os.Exit): tools
 * keep starts in LRU hashes so they cannot fill up, and insert them with
 * BPF_NOEXIST because a stack-growth check in the prologue calls morestack
 * and re-runs the function from its first instruction, firing the entry
 * probe again with the same key: the first time is the real start.
 */
#ifndef BPFKIT_GOROUTINE_BPF_H
#define BPFKIT_GOROUTINE_BPF_H

#include "bpfkit.bpf.h"
#include "goroutine.h"

/* Offset of goid in runtime.g (152 on Go 1.12-1.22, 160 on 1.23-1.24). */
const volatile __u32 go_goid_offset = 152;
/* Register ABI (Go >= 1.17): g is in R14; else it is read from TLS. */
const volatile __u32 go_regabi = 1;

/* runtime.g: stack.lo at 0, stack.hi at 8 (amd64). */
#define GO_G_STACK_HI 8

struct go_call_key {
	__u64 goid;
	__u64 depth;	/* g.stack.hi - SP at entry and at return */
	__u32 tgid;
	__u32 func;	/* the tool's function index (GO_COOKIE_INDEX) */
};

/* The running g, 0 when it cannot be read. */
static __always_inline __u64 go_current_g(struct pt_regs *ctx)
{
	struct task_struct *task;
	__u64 fsbase, g = 0;

	/* A volatile read keeps clang from folding ctx + 8 into a pointer
	 * the verifier refuses ("dereference of modified ctx ptr"). */
	if (go_regabi)
		return *(volatile unsigned long *)&ctx->r14;
	/* ABI0 binaries keep g in the TLS slot just below the FS base. */
	task = (struct task_struct *)bpf_get_current_task();
	fsbase = BPF_CORE_READ(task, thread.fsbase);
	if (!fsbase || bpf_probe_read_user(&g, sizeof(g), (void *)(fsbase - 8)))
		return 0;
	return g;
}

/* goid of g, 0 when unreadable (g0 and the signal g also say 0). */
static __always_inline __u64 go_goid(__u64 g)
{
	__u64 goid = 0;

	if (g)
		bpf_probe_read_user(&goid, sizeof(goid), (void *)(g + go_goid_offset));
	return goid;
}

/*
 * Fills the pairing key of the current call of function func; false when
 * the goroutine cannot be read (then the probe should do nothing).
 */
static __always_inline bool go_call_key(struct pt_regs *ctx, __u32 func,
					struct go_call_key *key)
{
	__u64 sp = *(volatile unsigned long *)&PT_REGS_SP(ctx);
	__u64 g = go_current_g(ctx), hi = 0;

	if (!g || bpf_probe_read_user(&hi, sizeof(hi), (void *)(g + GO_G_STACK_HI)))
		return false;
	key->goid = go_goid(g);
	key->depth = hi - sp;
	key->tgid = bpf_get_current_pid_tgid() >> 32;
	key->func = func;
	return true;
}

/* The cookie gouprobe_attach() gave this probe. */
static __always_inline __u64 go_cookie(struct pt_regs *ctx)
{
	return bpf_get_attach_cookie(ctx);
}

#endif
