// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * futexctn: user-space lock contention: the time threads wait in futex
 * waits, by futex address and the user stack that waited.
 *
 * The syscall tracepoints of futex() and futex_waitv(): the entry of a wait
 * (FUTEX_WAIT, _WAIT_BITSET, _LOCK_PI, _LOCK_PI2, _WAIT_REQUEUE_PI, and
 * futex_waitv's first futex) notes the time, the address and the user stack;
 * the exit adds the wait to a histogram of that address and stack. Stable
 * tracepoint records: no CO-RE relocation.
 */
#include "waits.bpf.h"
#include "futexctn.h"
#include "sysrec.bpf.h"

#define FUTEX_WAIT 0
#define FUTEX_LOCK_PI 6
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAIT_REQUEUE_PI 11
#define FUTEX_LOCK_PI2 13
#define FUTEX_CMD_MASK 0x7f	/* ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME) */

struct start {
	__u64 ts;
	struct futexctn_key key;
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
	__type(key, struct futexctn_key);
	__type(value, struct bk_wait_val);
} waits SEC(".maps");

static __always_inline int enter(void *ctx, __u64 uaddr)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;
	struct start s = {};

	if (bk_filtered(id))
		return 0;
	s.ts = bpf_ktime_get_ns();
	s.key.uaddr = uaddr;
	s.key.tgid = id >> 32;
	s.key.ustack = bk_stack_id(ctx, BPF_F_USER_STACK);
	bpf_get_current_comm(s.key.comm, sizeof(s.key.comm));
	bk_starts_update(&starts, &tid, &s);
	/* Now, while the process is surely alive (it is about to sleep): its maps are read. */
	bk_stack_seen(s.key.tgid);
	return 0;
}

static __always_inline int leave(void)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct start *s;
	__u64 delta;

	s = bpf_map_lookup_elem(&starts, &tid);
	if (!s)
		return 0;
	delta = bpf_ktime_get_ns() - s->ts;
	bk_wait_add(&waits, &s->key, delta);
	bpf_map_delete_elem(&starts, &tid);
	return 0;
}

/* tracepoint syscalls:sys_enter_futex(u32 *uaddr, int op, u32 val, struct __kernel_timespec *utime, u32 *uaddr2, u32 val3) */
SEC("tracepoint/syscalls/sys_enter_futex")
int handle_futex(struct bk_sys_enter *ctx)
{
	int cmd = (int)ctx->args[1] & FUTEX_CMD_MASK;

	if (cmd != FUTEX_WAIT && cmd != FUTEX_WAIT_BITSET && cmd != FUTEX_LOCK_PI &&
	    cmd != FUTEX_LOCK_PI2 && cmd != FUTEX_WAIT_REQUEUE_PI)
		return 0;
	return enter(ctx, ctx->args[0]);
}

/* tracepoint syscalls:sys_enter_futex_waitv(struct futex_waitv *waiters, unsigned int nr_futexes, unsigned int flags, struct __kernel_timespec *timeout, clockid_t clockid) */
SEC("tracepoint/syscalls/sys_enter_futex_waitv")
int handle_futex_waitv(struct bk_sys_enter *ctx)
{
	__u64 uaddr = 0;

	/* struct futex_waitv { __u64 val; __u64 uaddr; __u32 flags; __u32 __reserved; } */
	bpf_probe_read_user(&uaddr, sizeof(uaddr), (void *)(ctx->args[0] + 8));
	return enter(ctx, uaddr);
}

/* tracepoint syscalls:sys_exit_futex(long ret), sys_exit_futex_waitv(long ret) */
SEC("tracepoint/syscalls/sys_exit_futex")
int handle_futex_exit(struct bk_sys_exit *ctx)
{
	return leave();
}

SEC("tracepoint/syscalls/sys_exit_futex_waitv")
int handle_futex_waitv_exit(struct bk_sys_exit *ctx)
{
	return leave();
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
