/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * Go goroutines from uprobes placed by common/go/gouprobe.c: the current g,
 * its goid, and the pairing of a function's entry with its return.
 *
 * Thread ids are useless for pairing (goroutines migrate between threads
 * while blocked) and the g pointer alone fails for recursion and for g
 * structs the runtime recycles. The key here is (tgid, goid, depth) with
 * depth = g.stack.hi - SP: SP points at the return address both at the
 * first instruction and at each RET, and copystack keeps the distance from
 * the top of the stack when it moves a growing stack. Two calls in flight on
 * one goroutine never share a depth, so each recursion level has its own key.
 *
 * An entry whose key is already taken is one of two things:
 *  - the same call run again from its first instruction: a stack-growth check
 *    in the prologue called morestack, which grew (copied) the stack and
 *    jumped back to the entry. morestack left g.sched.pc inside this function
 *    (just after its call of morestack), so the start is kept: it is the real
 *    start, and the arguments are the same;
 *  - a call that never reached a RET (a panic unwound it, recovered above):
 *    its start is stale and the new call replaces it. A recovery reschedules
 *    the goroutine through mcall, which points g.sched.pc into the runtime.
 * A return whose start belongs to another function finds a stale start
 * left at that depth and drops it. Starts of goroutines that die inside a
 * call (runtime.Goexit, an unrecovered panic ends the process) are never
 * replaced: tools size `starts` well above the calls in flight.
 *
 * Starts go in plain hashes, never LRU ones (which evict live calls without
 * a word): an insert that fails because the table is full is counted in
 * bk_lost_starts (bpfkit.bpf.h), once per call, which the loop reports.
 */
#ifndef BPFKIT_GOROUTINE_BPF_H
#define BPFKIT_GOROUTINE_BPF_H

#include "bpfkit.bpf.h"
#include "goroutine.h"

/* Offset of goid in runtime.g (152 on Go 1.12-1.22, 160 on 1.23-1.24). */
const volatile __u32 go_goid_offset = 152;
/* Register ABI (Go >= 1.17 on amd64): g is in R14; else it is read from
 * TLS. arm64 keeps g in R28 under either ABI. */
const volatile __u32 go_regabi = 1;

/*
 * Registers of Go's ABIInternal, per architecture: the integer argument
 * and result registers in assignment order (amd64 RAX, RBX, RCX, RDI, RSI,
 * R8-R11; arm64 R0-R15), g (R14; R28 on arm64, where it is always there),
 * the stack pointer and the probed address. Volatile reads keep clang from
 * folding ctx + offset into a pointer the verifier refuses ("dereference
 * of modified ctx ptr").
 */
#if defined(__TARGET_ARCH_arm64)
#define GO_UREGS(ctx) ((const volatile struct user_pt_regs *)(ctx))
static __always_inline __u64 go_arg(struct pt_regs *ctx, int i)
{
	return i >= 0 && i < 16 ? GO_UREGS(ctx)->regs[i] : 0;
}
#define GO_G_REG(ctx) (GO_UREGS(ctx)->regs[28])
#define GO_SP(ctx) (GO_UREGS(ctx)->sp)
#define GO_IP(ctx) (GO_UREGS(ctx)->pc)
#else
#define GO_XREGS(ctx) ((const volatile struct pt_regs *)(ctx))
static __always_inline __u64 go_arg(struct pt_regs *ctx, int i)
{
	switch (i) {
	case 0: return GO_XREGS(ctx)->ax;
	case 1: return GO_XREGS(ctx)->bx;
	case 2: return GO_XREGS(ctx)->cx;
	case 3: return GO_XREGS(ctx)->di;
	case 4: return GO_XREGS(ctx)->si;
	case 5: return GO_XREGS(ctx)->r8;
	case 6: return GO_XREGS(ctx)->r9;
	case 7: return GO_XREGS(ctx)->r10;
	case 8: return GO_XREGS(ctx)->r11;
	}
	return 0;
}
#define GO_G_REG(ctx) (GO_XREGS(ctx)->r14)
#define GO_SP(ctx) (GO_XREGS(ctx)->sp)
#define GO_IP(ctx) (GO_XREGS(ctx)->ip)
#endif

/* runtime.g (amd64 and arm64, Go 1.5 and later): stack.lo at 0, stack.hi at
 * 8, sched (runtime.gobuf{sp, pc, ...}) at 56. */
#define GO_G_STACK_HI 8
#define GO_G_SCHED_PC 64
/* Words of g read at once from stack.hi on: up to a goid offset of 176. */
#define GO_G_HEAD_WORDS 22

#ifndef EEXIST
#define EEXIST 17
#endif


/*
 * Calls whose start did not fit, by key, until their return counts them as
 * not timed (bk_lost_starts). Counting at the return counts each call once:
 * its entry may run again after morestack, and fit then (the mark goes, the
 * call is timed after all). Allocated only while calls are lost; the user
 * side sizes it to twice `starts`; when it is full too, the entry counts
 * the call itself, unless g.sched.pc says it is such a re-run.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, GO_INFLIGHT_DEFAULT);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct go_call_key);
	__type(value, __u8);
} go_unfit SEC(".maps");
__u32 go_unfit_used = 0;

/*
 * The goids of the first goroutines seen (by g pointer), for the user
 * side's check that go_goid_offset reads real goroutine ids; the user side
 * sets go_goid_checked when it has seen enough.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, GO_GOID_SAMPLES);
	__type(key, __u64);	/* g */
	__type(value, __u64);	/* goid */
} go_goid_samples SEC(".maps");
__u32 go_goid_checked = 0;



/* The running g, 0 when it cannot be read. */
static __always_inline __u64 go_current_g(struct pt_regs *ctx)
{
#if defined(__TARGET_ARCH_arm64)
	return GO_G_REG(ctx);
#else
	struct task_struct *task;
	__u64 fsbase, g = 0;

	if (go_regabi)
		return GO_G_REG(ctx);
	/* ABI0 binaries keep g in the TLS slot just below the FS base. */
	task = (struct task_struct *)bpf_get_current_task();
	fsbase = BPF_CORE_READ(task, thread.fsbase);
	if (!fsbase || bpf_probe_read_user(&g, sizeof(g), (void *)(fsbase - 8)))
		return 0;
	return g;
#endif
}

/* Keeps g's goid for the user side's offset check, until it has enough. A
 * lookup first: it takes no lock, and a g already sampled is the common
 * case (an update with BPF_NOEXIST locks its bucket to fail). */
static __always_inline void go_goid_sample(__u64 g, __u64 goid)
{
	if (!go_goid_checked && !bpf_map_lookup_elem(&go_goid_samples, &g))
		bpf_map_update_elem(&go_goid_samples, &g, &goid, BPF_NOEXIST);
}

/* goid of g, 0 when unreadable (g0 and the signal g also say 0). */
static __always_inline __u64 go_goid(__u64 g)
{
	__u64 goid = 0;

	if (!g)
		return 0;
	bpf_probe_read_user(&goid, sizeof(goid), (void *)(g + go_goid_offset));
	go_goid_sample(g, goid);
	return goid;
}

/*
 * Fills the pairing key of the current call and *gp with the current g;
 * false when the goroutine cannot be read (then the probe does nothing).
 */
static __always_inline bool go_call_key(struct pt_regs *ctx, struct go_call_key *key, __u64 *gp)
{
	__u64 sp = GO_SP(ctx);
	__u64 g = go_current_g(ctx), hi = 0;
	__u64 head[GO_G_HEAD_WORDS];
	__u32 gw = go_goid_offset / 8 - 1;

	if (!g)
		return false;
	/* One read of g from stack.hi to goid (every release's goid offset
	 * lies within it) costs half of two reads: this runs at every entry
	 * and every RET. */
	if (!(go_goid_offset & 7) && gw < GO_G_HEAD_WORDS) {
		if (bpf_probe_read_user(head, sizeof(head), (void *)(g + GO_G_STACK_HI)))
			return false;
		hi = head[0];
		key->goid = head[gw];
		go_goid_sample(g, key->goid);
	} else {
		if (bpf_probe_read_user(&hi, sizeof(hi), (void *)(g + GO_G_STACK_HI)))
			return false;
		key->goid = go_goid(g);
	}
	key->depth = hi - sp;
	key->tgid = bpf_get_current_pid_tgid() >> 32;
	key->pad = 0;
	*gp = g;
	return true;
}

/* The cookie gouprobe_attach() gave this probe. */
static __always_inline __u64 go_cookie(struct pt_regs *ctx)
{
	return bpf_get_attach_cookie(ctx);
}

/* Whether g.sched.pc lies in the function entered at entry_ip: morestack left it there. */
static __always_inline bool go_sched_in(__u64 g, __u64 entry_ip, __u64 cookie)
{
	__u64 pc = 0;

	if (bpf_probe_read_user(&pc, sizeof(pc), (void *)(g + GO_G_SCHED_PC)))
		return false;
	return pc > entry_ip && pc - entry_ip < GO_COOKIE_SIZE(cookie);
}

/*
 * At an entry whose key holds start s: true when this is s's own call run
 * again after morestack (keep s), false when s is stale (replace it).
 */
static __always_inline bool go_rerun(const struct go_start *s, __u32 func, __u64 g, __u64 cookie)
{
	return s->func == func && go_sched_in(g, s->entry_ip, cookie);
}

/*
 * Stores start (whose first fields are a struct go_start). When `starts` is
 * full the call is marked in go_unfit, and its return counts it in
 * bk_lost_starts (go_start_missing()).
 */
static __always_inline void go_start_store(void *starts, const struct go_call_key *key,
					   const void *start, __u64 g, __u64 cookie)
{
	const struct go_start *s = start;
	__u8 one = 1;
	long err;

	if (bpf_map_update_elem(starts, key, start, BPF_ANY)) {
		go_unfit_used = 1;
		err = bpf_map_update_elem(&go_unfit, key, &one, BPF_NOEXIST);
		if (err && err != -EEXIST && !go_sched_in(g, s->entry_ip, cookie))
			__sync_fetch_and_add(&bk_lost_starts, 1);
	} else if (go_unfit_used) {
		/* The same call, run again after morestack, may fit now. */
		bpf_map_delete_elem(&go_unfit, key);
	}
}

/* At a return without a start: a call that did not fit was not timed. */
static __always_inline void go_start_missing(const struct go_call_key *key)
{
	if (go_unfit_used && !bpf_map_delete_elem(&go_unfit, key))
		__sync_fetch_and_add(&bk_lost_starts, 1);
}

#endif
