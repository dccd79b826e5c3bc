// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * klockstat: kernel lock contention: the time tasks wait for kernel locks
 * (mutexes, rwsems, spinlocks, rwlocks...), by lock and the kernel stack
 * that waited.
 *
 * lock:contention_begin fires when a task finds a lock taken and starts to
 * wait (spin or sleep), lock:contention_end when it stops: the time between
 * them goes to a histogram of the lock and stack. Stable tracepoint records
 * (Linux 5.19 and later): no CO-RE relocation.
 *
 * Mutex hold times, where the kernel has fentry or kprobes: from the return
 * of a mutex_lock function that took the lock (its stack is the holder's
 * key) to the mutex_unlock of that lock. A mutex has one owner at a time,
 * so the lock's address is the key of a hold in progress.
 */
#include "waits.bpf.h"
#include "klockstat.h"

struct contention_begin_record {
	__u64 common;
	__u64 lock_addr;
	__u32 flags;
};

struct contention_end_record {
	__u64 common;
	__u64 lock_addr;
	int ret;
};

struct start {
	__u64 ts;
	struct klockstat_key key;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);	/* tid */
	__type(value, struct start);
} starts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);	/* sized by the user side before load */
	__type(key, struct klockstat_key);
	__type(value, struct bk_wait_val);
} waits SEC(".maps");

/* tracepoint lock:contention_begin(void *lock, unsigned int flags) */
SEC("tracepoint/lock/contention_begin")
int handle_begin(struct contention_begin_record *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;
	struct start s = {};

	/* The idle task and interrupts on it have no task to blame. */
	if (!tid || bk_filtered(id))
		return 0;
	s.ts = bpf_ktime_get_ns();
	s.key.lock_addr = ctx->lock_addr;
	s.key.tgid = id >> 32;
	s.key.kstack = bk_stack_id(ctx, 0);
	s.key.flags = ctx->flags;
	bpf_get_current_comm(s.key.comm, sizeof(s.key.comm));
	bk_starts_update(&starts, &tid, &s);
	return 0;
}

/* tracepoint lock:contention_end(void *lock, int ret) */
SEC("tracepoint/lock/contention_end")
int handle_end(struct contention_end_record *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct start *s;
	__u64 delta;

	s = bpf_map_lookup_elem(&starts, &tid);
	/* Another lock's end (an interrupt's, nested): leave this wait be. */
	if (!s || s->key.lock_addr != ctx->lock_addr)
		return 0;
	delta = bpf_ktime_get_ns() - s->ts;
	bk_wait_add(&waits, &s->key, delta);
	bpf_map_delete_elem(&starts, &tid);
	return 0;
}

struct hold {
	__u64 ts;
	struct klockstat_key key;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u64);	/* lock address */
	__type(value, struct hold);
} holds SEC(".maps");

/* A mutex lock call of the kprobe path: its lock and stack, until it returns. */
struct taking {
	__u64 lock_addr;
	__s32 kstack;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);	/* tid */
	__type(value, struct taking);
} takings SEC(".maps");

/* The current task took the mutex at lock_addr with the stack kstack. */
static __always_inline void hold_begin(__u64 lock_addr, __s32 kstack)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct hold h = {};

	h.ts = bpf_ktime_get_ns();
	h.key.lock_addr = lock_addr;
	h.key.tgid = id >> 32;
	h.key.kstack = kstack;
	h.key.flags = KLOCKSTAT_F_MUTEX | KLOCKSTAT_F_HOLD;
	bpf_get_current_comm(h.key.comm, sizeof(h.key.comm));
	bk_starts_update(&holds, &lock_addr, &h);
}

static __always_inline void hold_end(__u64 lock_addr)
{
	struct hold *h = bpf_map_lookup_elem(&holds, &lock_addr);

	if (!h)
		return;
	bk_wait_add(&waits, &h->key, bpf_ktime_get_ns() - h->ts);
	bpf_map_delete_elem(&holds, &lock_addr);
}

/* fexit of a lock function: ok when it took the lock. */
static __always_inline void fexit_taken(void *ctx, void *lock, int ok)
{
	__u64 id = bpf_get_current_pid_tgid();

	if (!ok || !(__u32)id || bk_filtered(id))
		return;
	hold_begin((__u64)lock, bk_stack_id(ctx, 0));
}

SEC("fexit/mutex_lock")
int BPF_PROG(hold_lock_fexit, void *lock)
{
	fexit_taken(ctx, lock, 1);
	return 0;
}

SEC("fexit/mutex_lock_interruptible")
int BPF_PROG(hold_lock_intr_fexit, void *lock, int ret)
{
	fexit_taken(ctx, lock, ret == 0);
	return 0;
}

SEC("fexit/mutex_lock_killable")
int BPF_PROG(hold_lock_kill_fexit, void *lock, int ret)
{
	fexit_taken(ctx, lock, ret == 0);
	return 0;
}

SEC("fexit/mutex_trylock")
int BPF_PROG(hold_trylock_fexit, void *lock, int ret)
{
	fexit_taken(ctx, lock, ret == 1);
	return 0;
}

SEC("fentry/mutex_unlock")
int BPF_PROG(hold_unlock_fentry, void *lock)
{
	hold_end((__u64)lock);
	return 0;
}

/* kprobe path: the lock and stack at the call, the hold from the return. */
static __always_inline void kprobe_taking(void *ctx, void *lock)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;
	struct taking t = {};

	if (!tid || bk_filtered(id))
		return;
	t.lock_addr = (__u64)lock;
	t.kstack = bk_stack_id(ctx, 0);
	bk_starts_update(&takings, &tid, &t);
}

static __always_inline void kretprobe_taken(int ok)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct taking *t = bpf_map_lookup_elem(&takings, &tid);

	if (!t)
		return;
	if (ok)
		hold_begin(t->lock_addr, t->kstack);
	bpf_map_delete_elem(&takings, &tid);
}

SEC("kprobe/mutex_lock")
int BPF_KPROBE(hold_lock_kprobe, void *lock)
{
	kprobe_taking(ctx, lock);
	return 0;
}

SEC("kretprobe/mutex_lock")
int BPF_KRETPROBE(hold_lock_kretprobe)
{
	kretprobe_taken(1);
	return 0;
}

SEC("kprobe/mutex_lock_interruptible")
int BPF_KPROBE(hold_lock_intr_kprobe, void *lock)
{
	kprobe_taking(ctx, lock);
	return 0;
}

SEC("kretprobe/mutex_lock_interruptible")
int BPF_KRETPROBE(hold_lock_intr_kretprobe, int ret)
{
	kretprobe_taken(ret == 0);
	return 0;
}

SEC("kprobe/mutex_lock_killable")
int BPF_KPROBE(hold_lock_kill_kprobe, void *lock)
{
	kprobe_taking(ctx, lock);
	return 0;
}

SEC("kretprobe/mutex_lock_killable")
int BPF_KRETPROBE(hold_lock_kill_kretprobe, int ret)
{
	kretprobe_taken(ret == 0);
	return 0;
}

SEC("kprobe/mutex_trylock")
int BPF_KPROBE(hold_trylock_kprobe, void *lock)
{
	kprobe_taking(ctx, lock);
	return 0;
}

SEC("kretprobe/mutex_trylock")
int BPF_KRETPROBE(hold_trylock_kretprobe, int ret)
{
	kretprobe_taken(ret == 1);
	return 0;
}

SEC("kprobe/mutex_unlock")
int BPF_KPROBE(hold_unlock_kprobe, void *lock)
{
	hold_end((__u64)lock);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
