/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * Counting by stack: the `stacks` map (BPF_MAP_TYPE_STACK_TRACE), a count
 * table keyed by struct bk_stack_key, and the counters of what was lost.
 *
 *	BK_STACK_COUNTS(counts);                  the table, in the tool
 *	...
 *	struct bk_stack_key key = {};
 *	bk_stack_key_fill(ctx, &key, id);        tgid, comm, stack ids
 *	bk_stack_add(&counts, &key, 1);          samples; or a time, bytes
 *
 * Stacks are lost, never miscounted: a stack whose hash bucket holds another
 * stack (-EEXIST: the map has no BPF_F_REUSE_STACKID, which would silently
 * replace a stack others still count) or that finds the map full (-ENOMEM)
 * is counted in bk_stack_lost_collision / bk_stack_lost_full and shown as
 * a placeholder; a key that finds the count table full is counted in
 * bk_stack_lost_counts and its value is lost. The user side reports all
 * three live and at exit (common/stacks/report.h).
 *
 * A tool that streams stacks in its records uses bk_get_stack() instead.
 *
 * User stacks are symbolized in user space, from the process's maps and
 * binaries. So that a process that exits before the tool prints is still
 * named, bk_stack_seen() sends a bk_stack_seen record on `events` the first
 * time a process is counted (with bk_stack_opts.notify), and the user side
 * reads the process while it lives; a tool attaches bk_stack_exec() to
 * sched_process_exec so that a process that execs is read again.
 */
#ifndef BPFKIT_STACKS_BPF_H
#define BPFKIT_STACKS_BPF_H

#include "events.bpf.h"
#include "stacks_abi.h"

#ifndef EFAULT
#define EFAULT 14
#endif
#ifndef EEXIST
#define EEXIST 17
#endif
#ifndef ENOMEM
#define ENOMEM 12
#endif

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, BK_STACK_DEPTH * sizeof(__u64));
	__uint(max_entries, 1024);	/* sized by the user side before load */
} stacks SEC(".maps");

const volatile struct bk_stack_opts bk_stack_opts = { .user = 1, .kernel = 1 };

__u64 bk_stack_lost_collision = 0;	/* another stack had the hash bucket */
__u64 bk_stack_lost_full = 0;		/* the stack map was full */
__u64 bk_stack_lost_counts = 0;	/* the count table was full: value lost */

/* Processes already reported to user space (LRU: one evicted is just reported again). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, __u32);
	__type(value, __u8);
} bk_stack_pids SEC(".maps");

/* Reports tgid to user space the first time it is counted. */
static __always_inline void bk_stack_seen(__u32 tgid)
{
	struct bk_stack_seen *e;
	__u8 one = 1;

	if (!bk_stack_opts.notify || !tgid || bpf_map_lookup_elem(&bk_stack_pids, &tgid))
		return;
	if (bpf_map_update_elem(&bk_stack_pids, &tgid, &one, BPF_NOEXIST))
		return;	/* another CPU reports it */
	e = bk_reserve(sizeof(*e));
	if (!e) {
		/* Try again at its next sample. */
		bpf_map_delete_elem(&bk_stack_pids, &tgid);
		return;
	}
	e->tgid = tgid;
	e->pad = 0;
	bk_submit(e);
}

/* At exec: the process has new binaries, report it again. */
static __always_inline void bk_stack_exec(void)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;

	bpf_map_delete_elem(&bk_stack_pids, &tgid);
}

/*
 * The tool's handle_exec program, bk_stack_exec() at every exec:
 * tracepoint sched:sched_process_exec(filename, pid, old_pid).
 */
#define BK_STACK_EXEC_PROG()                                                   \
	SEC("tracepoint/sched/sched_process_exec")                           \
	int handle_exec(void *ctx)                                            \
	{                                                                     \
		bk_stack_exec();                                              \
		return 0;                                                     \
	}

/* A count table keyed by stack: name -> __u64, sized by the user side. */
#define BK_STACK_COUNTS(name)                                                  \
	struct {                                                              \
		__uint(type, BPF_MAP_TYPE_HASH);                              \
		__uint(max_entries, 10240);                                   \
		__type(key, struct bk_stack_key);                             \
		__type(value, __u64);                                         \
	} name SEC(".maps")

/* The id of the current stack (flags: 0 or BPF_F_USER_STACK), or -errno. */
static __always_inline __s32 bk_stack_id(void *ctx, __u64 flags)
{
	long id = bpf_get_stackid(ctx, &stacks, flags);

	if (id == -EEXIST)
		__sync_fetch_and_add(&bk_stack_lost_collision, 1);
	else if (id == -ENOMEM)
		__sync_fetch_and_add(&bk_stack_lost_full, 1);
	return (__s32)id;
}

/*
 * Fills a key for the current task: tgid, tid (with per_thread), comm and
 * the stacks bk_stack_opts asks for (-EFAULT for those it does not).
 */
static __always_inline void bk_stack_key_fill(void *ctx, struct bk_stack_key *key, __u64 pid_tgid)
{
	key->tgid = pid_tgid >> 32;
	key->tid = bk_stack_opts.per_thread ? (__u32)pid_tgid : 0;
	key->ustack = bk_stack_opts.user ? bk_stack_id(ctx, BPF_F_USER_STACK) : -EFAULT;
	key->kstack = bk_stack_opts.kernel ? bk_stack_id(ctx, 0) : -EFAULT;
	bpf_get_current_comm(key->comm, sizeof(key->comm));
}

/*
 * Adds v to the count of key (a struct bk_stack_key, or a tool's key made of
 * them), counting a loss when the table is full.
 */
static __always_inline void bk_stack_add(void *map, const void *key, __u64 v)
{
	__u64 *p = bpf_map_lookup_elem(map, key), zero = 0;

	if (!p) {
		/* NOEXIST: another CPU may have added it meanwhile; then use theirs. */
		bpf_map_update_elem(map, key, &zero, BPF_NOEXIST);
		p = bpf_map_lookup_elem(map, key);
		if (!p) {
			__sync_fetch_and_add(&bk_stack_lost_counts, 1);
			return;
		}
	}
	__sync_fetch_and_add(p, v);
}

/*
 * Copies the current stack into buf (size bytes, a multiple of 8) for a
 * streamed record: the number of frames, 0 when there is none.
 */
static __always_inline __u32 bk_get_stack(void *ctx, __u64 *buf, __u32 size, __u64 flags)
{
	long n = bpf_get_stack(ctx, buf, size, flags);

	return n > 0 ? (__u32)(n / sizeof(__u64)) : 0;
}

#endif
