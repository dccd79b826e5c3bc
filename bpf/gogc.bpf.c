// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * gogc: Go garbage-collection cycles and stop-the-world pauses.
 *
 * Plain uprobes on private runtime functions, resolved by name:
 *   runtime.gcStart(trigger gcTrigger) entry: the trigger kind (RAX), kept per
 *     goroutine, since gcStart may still return without starting a cycle;
 *   runtime.gcBgMarkStartWorkers() entry: called by gcStart only once it has
 *     won the right to start the cycle, on the same goroutine: the cycle begins;
 *   runtime.stopTheWorldWithSema entry and every RET of
 *     runtime.startTheWorldWithSema: one pause. Never a uretprobe, which
 *     crashes Go programs;
 *   every RET of runtime.gcControllerCommit, where the runtime's own clock of
 *     a mark termination stops (gcMarkTermination calls it just before it
 *     reads work.tEnd, then still wakes sweep waiters and flushes profiles
 *     before it starts the world): gctrace's third clock figure, and
 *     memstats' pause, end there, and so does gogc's mark termination.
 */
#include "events.bpf.h"
#include "goroutine.bpf.h"
#include "hist.bpf.h"
#include "gogc.h"

struct trigger_key {
	__u64 goid;
	__u32 tgid;
	__u32 pad;
};

/* gcStart's trigger, until its goroutine starts the cycle (or never does). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct trigger_key);
	__type(value, __s32);
} triggers SEC(".maps");

/* Cycles seen per process. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);	/* tgid */
	__type(value, __u64);
} cycles SEC(".maps");

struct stw_start {
	__u64 ts_ns;
	__u64 end_ns;		/* where the runtime's clock stopped, 0: at the start of the world */
	__u64 caller_pc;
	__u64 probe_ip;
	__u32 tid;		/* the thread that stopped the world */
	__u32 pad;
};

/*
 * Keyed by process: the world is stopped by one thread at a time (under
 * worldsema), and both functions run on g0, the thread's system stack, so
 * the stop and the start of one pause are always in the same process.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);	/* tgid */
	__type(value, struct stw_start);
} starts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct gogc_hist);
} hists SEC(".maps");

static __always_inline bool trigger_key(struct pt_regs *ctx, struct trigger_key *k)
{
	__u64 g = go_current_g(ctx);

	if (!g)
		return false;
	k->goid = go_goid(g);
	k->tgid = bpf_get_current_pid_tgid() >> 32;
	k->pad = 0;
	return true;
}

/* uprobe at runtime.gcStart entry: gcStart(trigger gcTrigger{kind, now, n}) */
SEC("uprobe")
int handle_gc_start(struct pt_regs *ctx)
{
	struct trigger_key k;
	__s32 kind = (__s32)go_arg(ctx, 0);

	if (bk_filtered(bpf_get_current_pid_tgid()) || !trigger_key(ctx, &k))
		return 0;
	bpf_map_update_elem(&triggers, &k, &kind, BPF_ANY);
	return 0;
}

/* uprobe at runtime.gcBgMarkStartWorkers entry: gcBgMarkStartWorkers() */
SEC("uprobe")
int handle_gc_cycle(struct pt_regs *ctx)
{
	__u64 id = bpf_get_current_pid_tgid(), one = 1, *n;
	__u32 tgid = id >> 32;
	struct trigger_key k;
	struct gc_event *e;
	__s32 *kind;

	if (bk_filtered(id) || !trigger_key(ctx, &k))
		return 0;
	/* No trigger: a second run of the entry after morestack, already counted. */
	kind = bpf_map_lookup_elem(&triggers, &k);
	if (!kind)
		return 0;
	n = bpf_map_lookup_elem(&cycles, &tgid);
	if (n)
		one = __sync_fetch_and_add(n, 1) + 1;
	else
		bpf_map_update_elem(&cycles, &tgid, &one, BPF_ANY);
	e = bk_reserve(sizeof(*e));
	if (e) {
		__builtin_memset(e, 0, sizeof(*e));
		e->ts_ns = bpf_ktime_get_ns();
		e->cycle = one;
		e->goid = k.goid;
		e->tgid = tgid;
		e->tid = (__u32)id;
		e->kind = GOGC_CYCLE;
		e->trigger = *kind;
		e->uid = (__u32)bpf_get_current_uid_gid();
		bpf_get_current_comm(e->comm, sizeof(e->comm));
		bk_submit(e);
	}
	bpf_map_delete_elem(&triggers, &k);
	return 0;
}

/* uprobe at runtime.stopTheWorldWithSema entry (Go 1.19: no arguments) */
SEC("uprobe")
int handle_stw(struct pt_regs *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tgid = id >> 32;
	struct stw_start s = {};

	if (bk_filtered(id))
		return 0;
	s.ts_ns = bpf_ktime_get_ns();
	s.probe_ip = GO_IP(ctx);
	s.tid = (__u32)id;
	/* At the first instruction the return address is in LR on arm64, at
	 * SP on amd64. */
#if defined(__TARGET_ARCH_arm64)
	s.caller_pc = GO_UREGS(ctx)->regs[30];
#else
	bpf_probe_read_user(&s.caller_pc, sizeof(s.caller_pc), (void *)GO_SP(ctx));
#endif
	bpf_map_update_elem(&starts, &tgid, &s, BPF_ANY);
	return 0;
}

/* uprobe at each RET of runtime.gcControllerCommit() */
SEC("uprobe")
int handle_stw_mark_end(struct pt_regs *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tgid = id >> 32;
	struct stw_start *s = bpf_map_lookup_elem(&starts, &tgid);

	/* Only inside a pause, on the thread that stopped the world: the
	 * runtime also commits the pacer outside pauses (debug.SetGCPercent). */
	if (s && s->tid == (__u32)id && !s->end_ns)
		s->end_ns = bpf_ktime_get_ns();
	return 0;
}

/* uprobe at each RET of runtime.startTheWorldWithSema -> int64 */
SEC("uprobe")
int handle_stw_exit(struct pt_regs *ctx)
{
	__u64 id = bpf_get_current_pid_tgid(), delta, now, ret;
	__u32 tgid = id >> 32, zero = 0;
	struct gogc_hist *h;
	struct stw_start *s;
	struct gc_event *e;

	s = bpf_map_lookup_elem(&starts, &tgid);
	if (!s)
		return 0;
	/*
	 * startTheWorldWithSema returns the nanotime() it read once the Ps
	 * were restarted, before it wakes an idle P (which can take long on a
	 * busy machine): the end of the runtime's own clock of the pause (the
	 * monotonic clock, as bpf_ktime_get_ns). Mark termination ended
	 * earlier (end_ns).
	 */
	now = bpf_ktime_get_ns();
	ret = go_arg(ctx, 0);
	if (s->end_ns)
		delta = s->end_ns - s->ts_ns;
	else if (ret > s->ts_ns && ret <= now)
		delta = ret - s->ts_ns;
	else
		delta = now - s->ts_ns;
	h = bpf_map_lookup_elem(&hists, &zero);
	if (h) {
		__sync_fetch_and_add(&h->count, 1);
		__sync_fetch_and_add(&h->total_ns, delta);
		__sync_fetch_and_add(&h->slots[bk_log2_slot(delta / 1000)], 1);
		if (delta > h->max_ns)
			h->max_ns = delta;	/* pauses of one process never overlap */
	}
	e = bk_reserve(sizeof(*e));
	if (e) {
		__builtin_memset(e, 0, sizeof(*e));
		e->ts_ns = s->ts_ns + delta;
		e->pause_ns = delta;
		e->caller_pc = s->caller_pc;
		e->probe_ip = s->probe_ip;
		e->tgid = tgid;
		e->tid = (__u32)id;
		e->kind = GOGC_STW;
		e->trigger = -1;
		e->uid = (__u32)bpf_get_current_uid_gid();
		bpf_get_current_comm(e->comm, sizeof(e->comm));
		bk_submit(e);
	}
	bpf_map_delete_elem(&starts, &tgid);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
