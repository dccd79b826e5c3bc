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
 * Mutex hold times, where the kernel has fentry or kprobes, and rwsem hold
 * times where it has fentry: from
 * the return of a lock function that took the lock (its stack is the
 * holder's key) to the unlock of that lock by the same task: mutex_unlock,
 * up_read, up_write. An rwsem has many readers at once, so a hold in
 * progress is keyed by lock and task (an up_read by another task than the
 * one that took it is not seen, nor a downgrade_write: that hold counts as
 * a write hold until its up_read).
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

struct hold_id {
	__u64 lock_addr;
	__u32 tid;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct hold_id);
	__type(value, struct hold);
} holds SEC(".maps");

/* A lock call of the kprobe path: its lock, stack and kind, until it returns. */
struct taking {
	__u64 lock_addr;
	__s32 kstack;
	__u32 flags;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);	/* tid */
	__type(value, struct taking);
} takings SEC(".maps");

#define HOLD_MUTEX KLOCKSTAT_F_MUTEX
#define HOLD_READ KLOCKSTAT_F_READ
#define HOLD_WRITE KLOCKSTAT_F_WRITE

/* The current task took the lock at lock_addr (a HOLD_* kind) with the stack kstack. */
static __always_inline void hold_begin(__u64 lock_addr, __s32 kstack, __u32 kind)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct hold_id hid = { .lock_addr = lock_addr, .tid = (__u32)id };
	struct hold h = {};

	h.ts = bpf_ktime_get_ns();
	h.key.lock_addr = lock_addr;
	h.key.tgid = id >> 32;
	h.key.kstack = kstack;
	h.key.flags = kind | KLOCKSTAT_F_HOLD;
	bpf_get_current_comm(h.key.comm, sizeof(h.key.comm));
	bk_starts_update(&holds, &hid, &h);
}

static __always_inline void hold_end(void *lock)
{
	struct hold_id hid = { .lock_addr = (__u64)lock, .tid = (__u32)bpf_get_current_pid_tgid() };
	struct hold *h = bpf_map_lookup_elem(&holds, &hid);

	if (!h)
		return;
	bk_wait_add(&waits, &h->key, bpf_ktime_get_ns() - h->ts);
	bpf_map_delete_elem(&holds, &hid);
}

/* fexit of a lock function: ok when it took the lock. */
static __always_inline void fexit_taken(void *ctx, void *lock, int ok, __u32 kind)
{
	__u64 id = bpf_get_current_pid_tgid();

	if (!ok || !(__u32)id || bk_filtered(id))
		return;
	hold_begin((__u64)lock, bk_stack_id(ctx, 0), kind);
}

/* kprobe path: the lock and stack at the call, the hold from the return. */
static __always_inline void kprobe_taking(void *ctx, void *lock, __u32 kind)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;
	struct taking t = {};

	if (!tid || bk_filtered(id))
		return;
	t.lock_addr = (__u64)lock;
	t.kstack = bk_stack_id(ctx, 0);
	t.flags = kind;
	bk_starts_update(&takings, &tid, &t);
}

static __always_inline void kretprobe_taken(int ok)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct taking *t = bpf_map_lookup_elem(&takings, &tid);

	if (!t)
		return;
	if (ok)
		hold_begin(t->lock_addr, t->kstack, t->flags);
	bpf_map_delete_elem(&takings, &tid);
}

/*
 * A lock function's programs: fexit (fentry path), kprobe and kretprobe
 * (kprobe path). NAME names them, FN is the function, KIND the hold's
 * (HOLD_*); the _RET forms take the lock only when FN returns OKRET.
 */
#define FEXIT_HOLD(name, fn, kind)						\
	SEC("fexit/" #fn)							\
	int BPF_PROG(hold_##name##_fexit, void *lock)				\
	{									\
		fexit_taken(ctx, lock, 1, kind);				\
		return 0;							\
	}

#define FEXIT_HOLD_RET(name, fn, kind, okret)					\
	SEC("fexit/" #fn)							\
	int BPF_PROG(hold_##name##_fexit, void *lock, int ret)			\
	{									\
		fexit_taken(ctx, lock, ret == okret, kind);			\
		return 0;							\
	}

#define KPROBE_TAKING(name, fn, kind)						\
	SEC("kprobe/" #fn)							\
	int BPF_KPROBE(hold_##name##_kprobe, void *lock)			\
	{									\
		kprobe_taking(ctx, lock, kind);					\
		return 0;							\
	}

#define HOLD(name, fn, kind)							\
	FEXIT_HOLD(name, fn, kind)						\
	KPROBE_TAKING(name, fn, kind)						\
	SEC("kretprobe/" #fn)							\
	int BPF_KRETPROBE(hold_##name##_kretprobe)				\
	{									\
		kretprobe_taken(1);						\
		return 0;							\
	}

#define HOLD_RET(name, fn, kind, okret)						\
	FEXIT_HOLD_RET(name, fn, kind, okret)					\
	KPROBE_TAKING(name, fn, kind)						\
	SEC("kretprobe/" #fn)							\
	int BPF_KRETPROBE(hold_##name##_kretprobe, int ret)			\
	{									\
		kretprobe_taken(ret == okret);					\
		return 0;							\
	}

/* An unlock function's: fentry, and kprobe (UNLOCK). */
#define FENTRY_UNLOCK(name, fn)							\
	SEC("fentry/" #fn)							\
	int BPF_PROG(hold_##name##_fentry, void *lock)				\
	{									\
		hold_end(lock);							\
		return 0;							\
	}

#define UNLOCK(name, fn)							\
	FENTRY_UNLOCK(name, fn)							\
	SEC("kprobe/" #fn)							\
	int BPF_KPROBE(hold_##name##_kprobe, void *lock)			\
	{									\
		hold_end(lock);							\
		return 0;							\
	}

HOLD(lock, mutex_lock, HOLD_MUTEX)
HOLD_RET(lock_intr, mutex_lock_interruptible, HOLD_MUTEX, 0)
HOLD_RET(lock_kill, mutex_lock_killable, HOLD_MUTEX, 0)
HOLD_RET(trylock, mutex_trylock, HOLD_MUTEX, 1)
UNLOCK(unlock, mutex_unlock)

/*
 * rwsems on the fentry path only: on the kprobe path their 16 more kprobes
 * took too long to attach in emulated VMs (over 30 s).
 */
FEXIT_HOLD(down_read, down_read, HOLD_READ)
FEXIT_HOLD_RET(down_read_intr, down_read_interruptible, HOLD_READ, 0)
FEXIT_HOLD_RET(down_read_kill, down_read_killable, HOLD_READ, 0)
FEXIT_HOLD_RET(down_read_try, down_read_trylock, HOLD_READ, 1)
FEXIT_HOLD(down_write, down_write, HOLD_WRITE)
FEXIT_HOLD_RET(down_write_kill, down_write_killable, HOLD_WRITE, 0)
FEXIT_HOLD_RET(down_write_try, down_write_trylock, HOLD_WRITE, 1)
FENTRY_UNLOCK(up_read, up_read)
FENTRY_UNLOCK(up_write, up_write)

char LICENSE[] SEC("license") = "Dual BSD/GPL";
