// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * klockstat: kernel lock contention: the time tasks wait for kernel locks
 * (mutexes, rwsems, spinlocks, rwlocks...), by lock and the kernel stack
 * that waited.
 *
 * lock:contention_begin fires when a task finds a lock taken and starts to
 * wait (spin or sleep), lock:contention_end when it stops: the time between
 * them goes to a histogram of the lock and stack. Hold times would need
 * fentry or kprobes on each lock function, which this tool leaves out.
 * Stable tracepoint records (Linux 5.19 and later): no CO-RE relocation.
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

char LICENSE[] SEC("license") = "Dual BSD/GPL";
