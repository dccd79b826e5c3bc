// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * gospawn: every `go` statement of Go programs, with the function the new
 * goroutine runs, the statement's PC and both goroutine ids.
 *
 * runtime.newproc1 creates every goroutine. Its arguments arrive in the
 * registers of ABIInternal (Go >= 1.18 has this signature); its result, the
 * new g, is read at each of its RET instructions with plain uprobes: never a
 * uretprobe, which crashes Go programs.
 */
#include "events.bpf.h"
#include "goroutine.bpf.h"
#include "gospawn.h"

/* -c: count in `counts` at the entry only; no events, no RET probes. */
const volatile __u32 targ_count = 0;
/* -s: walk the spawning goroutine's frame pointers. */
const volatile __u32 targ_stack = 0;
/* runtime.newproc1's link-time address: the load bias of a PIE is the
 * probe's address less it, page-aligned. */
const volatile __u64 targ_newproc1 = 0;
/* newproc1's callergp then callerpc: arguments 1, 2 (Go 1.18+) or 3, 4 (1.17). */
const volatile __u32 targ_gp_arg = 1;

/* runtime.g (amd64 and arm64, Go 1.5 and later): stack.lo 0, stack.hi 8, sched at 56
 * as gobuf{sp, pc, g, ctxt, ret, lr, bp}: sched.bp at 104. */
#define GO_G_STACK_LO 0
#define GO_G_SCHED_BP 104

/*
 * newproc1 runs on g0, the thread's system stack (newproc calls it through
 * systemstack), and never yields: from its entry to its RET the thread runs
 * nothing else, so the thread id pairs them. (Goroutines migrate between
 * threads only while they are parked, and g0 is never parked.)
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);	/* tid */
	__type(value, struct spawn_event);
} starts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, GOSPAWN_MAX_COUNTS);
	__type(key, struct spawn_key);
	__type(value, struct spawn_count);
} counts SEC(".maps");

/* go-statement wrappers that call a function value, by link-time address. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, GOSPAWN_MAX_WRAPPERS);
	__type(key, __u64);
	__type(value, struct gospawn_wrapper);
} wrappers SEC(".maps");

BK_SCRATCH(scratch, struct spawn_event);

/* -c: spawns not counted, their row not fitting in `counts`. */
__u64 count_misses = 0;

/*
 * The parent's return addresses by frame pointers (Go keeps them on amd64
 * since 1.7 and on arm64 since 1.12, as {saved FP, return address} records). systemstack saved the parent's BP in g.sched.bp: newproc's
 * frame, whose return address is the go statement's, then its callers.
 */
static __always_inline __u32 walk_stack(__u64 g, __u64 *stack)
{
	__u64 lo = 0, hi = 0, bp = 0, frame[2];
	__u32 n = 0;

	if (bpf_probe_read_user(&lo, sizeof(lo), (void *)(g + GO_G_STACK_LO)) ||
	    bpf_probe_read_user(&hi, sizeof(hi), (void *)(g + GO_G_STACK_HI)) ||
	    bpf_probe_read_user(&bp, sizeof(bp), (void *)(g + GO_G_SCHED_BP)))
		return 0;
	for (int i = 0; i < GOSPAWN_STACK_MAX; i++) {
		/* Stay on the goroutine's own stack: a bad BP ends the walk. */
		if (bp < lo || bp + sizeof(frame) > hi)
			break;
		if (bpf_probe_read_user(frame, sizeof(frame), (void *)bp) || !frame[1])
			break;
		stack[i] = frame[1];
		n = i + 1;
		if (frame[0] <= bp)	/* frames go up the stack: stops loops */
			break;
		bp = frame[0];
	}
	return n;
}

/*
 * The code a go-statement wrapper starting at start_pc will call through a
 * function value held in its closure fn (a func variable, a method value,
 * an interface's method), or 0: no such wrapper, or unreadable.
 */
static __always_inline __u64 wrapped_target(struct pt_regs *ctx, __u64 fn, __u64 start_pc)
{
	__u64 link = start_pc - ((GO_IP(ctx) - targ_newproc1) & ~0xfffULL), v = fn;
	struct gospawn_wrapper *w = bpf_map_lookup_elem(&wrappers, &link);

	if (!w)
		return 0;
	for (int i = 0; i < GOSPAWN_WRAP_LOADS; i++) {
		if (i >= w->nloads)
			break;
		if (bpf_probe_read_user(&v, sizeof(v), (void *)(v + w->loads[i])))
			return 0;
	}
	return v;
}

/* uprobe at runtime.newproc1 entry: newproc1(fn *funcval, callergp *g, callerpc uintptr) *g */
SEC("uprobe")
int handle_spawn(struct pt_regs *ctx)
{
	__u64 id = bpf_get_current_pid_tgid(), fn = go_arg(ctx, 0), start_pc = 0;
	/* Each register read on its own: a select between two ctx offsets
	 * would be a computed ctx pointer, which the verifier refuses. */
	__u64 a1 = go_arg(ctx, 1), a2 = go_arg(ctx, 2), a3 = go_arg(ctx, 3), a4 = go_arg(ctx, 4);
	__u64 parent = targ_gp_arg == 3 ? a3 : a1, caller_pc = targ_gp_arg == 3 ? a4 : a2;
	__u32 tid = (__u32)id;
	struct spawn_event *e;

	if (bk_filtered(id))
		return 0;
	/* A funcval's first word is the code pointer. */
	bpf_probe_read_user(&start_pc, sizeof(start_pc), (void *)fn);
	if (targ_count) {
		struct spawn_key key = { .start_pc = start_pc, .caller_pc = caller_pc,
					 .tgid = id >> 32 };
		struct spawn_count *c, init = { .count = 1, .probe_ip = GO_IP(ctx) };

		key.target_pc = wrapped_target(ctx, fn, start_pc);
		c = bpf_map_lookup_elem(&counts, &key);
		if (c)
			__sync_fetch_and_add(&c->count, 1);
		else if (bpf_map_update_elem(&counts, &key, &init, BPF_NOEXIST)) {
			/* Another CPU inserted it first, or the map is full: counted. */
			if ((c = bpf_map_lookup_elem(&counts, &key)))
				__sync_fetch_and_add(&c->count, 1);
			else
				__sync_fetch_and_add(&count_misses, 1);
		}
		return 0;
	}
	e = bk_scratch(&scratch);
	if (!e)
		return 0;
	e->start_pc = start_pc;
	e->target_pc = wrapped_target(ctx, fn, start_pc);
	e->caller_pc = caller_pc;
	e->probe_ip = GO_IP(ctx);
	e->parent_goid = go_goid(parent);
	e->goid = 0;
	e->tgid = id >> 32;
	e->tid = tid;
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->nframes = targ_stack ? walk_stack(parent, e->stack) : 0;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_map_update_elem(&starts, &tid, e, BPF_ANY);
	return 0;
}

/* uprobe at each RET of runtime.newproc1 -> *g (RAX, R0): the new goroutine */
SEC("uprobe")
int handle_spawn_exit(struct pt_regs *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid(), n;
	struct spawn_event *e = bpf_map_lookup_elem(&starts, &tid);

	if (!e)
		return 0;
	e->ts_ns = bpf_ktime_get_ns();
	e->goid = go_goid(go_arg(ctx, 0));
	n = e->nframes;
	if (n > GOSPAWN_STACK_MAX)
		n = GOSPAWN_STACK_MAX;
	/* Only the frames that were read. */
	bk_output(e, offsetof(struct spawn_event, stack) + n * sizeof(__u64));
	bpf_map_delete_elem(&starts, &tid);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
