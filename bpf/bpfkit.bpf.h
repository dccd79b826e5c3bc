/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* The common includes and the in-kernel filters of every tool. */
#ifndef BPFKIT_BPF_H
#define BPFKIT_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "bpfkit.h"

const volatile struct bk_filter bk_filter = {};

/* --cgroup: the user side puts the cgroup's fd in slot 0. */
struct {
	__uint(type, BPF_MAP_TYPE_CGROUP_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} bk_cgroups SEC(".maps");

static __always_inline bool bk_comm_matches(const char *comm)
{
	for (int i = 0; i < BK_COMM_LEN; i++) {
		if (comm[i] != bk_filter.comm[i])
			return false;
		if (!comm[i])
			return true;
	}
	return true;
}

/*
 * True when the current task is filtered out by -p/-t/-u/-n/--cgroup. The
 * cheap checks come first; comm and cgroup only run when set.
 */
static __always_inline bool bk_filtered(__u64 pid_tgid)
{
	if (bk_filter.tgid && (__u32)(pid_tgid >> 32) != bk_filter.tgid)
		return true;
	if (bk_filter.tid && (__u32)pid_tgid != bk_filter.tid)
		return true;
	if (bk_filter.uid_set && (__u32)bpf_get_current_uid_gid() != bk_filter.uid)
		return true;
	if (bk_filter.comm[0]) {
		char comm[BK_COMM_LEN];

		bpf_get_current_comm(comm, sizeof(comm));
		if (!bk_comm_matches(comm))
			return true;
	}
	if (bk_filter.cgroup_set && !bpf_current_task_under_cgroup(&bk_cgroups, 0))
		return true;
	return false;
}

/*
 * The bytes a string read stored, NUL included, from the helper's result n:
 * 1 to size (an empty or unreadable string is its NUL). Some kernels (6.1)
 * count an empty string as 0 bytes although they store its NUL.
 */
static __always_inline __u32 bk_str_len(long n, __u32 size, __u32 *flags, int i)
{
	if (n < 0)
		*flags |= BK_STR_UNREADABLE(i);
	if (n <= 0)
		return 1;
	return n > size ? size : (__u32)n;
}

/*
 * Reads the string at src (user memory if `user`, else kernel memory) into
 * dst[size] (size a constant), setting BK_STR_CUT(i) in *flags when it went
 * on past the buffer and BK_STR_UNREADABLE(i) when it could not be read (dst
 * is then ""). Returns the bytes stored, NUL included: 1 to size, to send
 * only those.
 */
static __always_inline __u32 bk_read_str(char *dst, __u32 size, const char *src, __u32 *flags,
					  int i, bool user)
{
	long n = user ? bpf_probe_read_user_str(dst, size, src)
		      : bpf_probe_read_kernel_str(dst, size, src);
	char c = 0;

	if (n < 0)
		dst[0] = 0;
	/*
	 * A full buffer holds size - 1 bytes and the helper's NUL: the source
	 * was cut unless its own NUL is the byte at size - 1.
	 */
	if (n == size) {
		if (user)
			bpf_probe_read_user(&c, 1, src + size - 1);
		else
			bpf_probe_read_kernel(&c, 1, src + size - 1);
		if (c)
			*flags |= BK_STR_CUT(i);
	}
	return bk_str_len(n, size, flags, i);
}

#define bk_read_user_str(dst, size, src, flags, i) bk_read_str(dst, size, src, flags, i, true)
#define bk_read_kernel_str(dst, size, src, flags, i) bk_read_str(dst, size, src, flags, i, false)

/*
 * Calls in flight that could not be recorded because their table was full:
 * they will not be shown or timed. The loop reports this counter with the
 * drops (struct bk_loop's lost_starts), live and at exit.
 */
__u64 bk_lost_starts = 0;

/*
 * Records a call in flight (the per-thread `starts` map of an entry probe)
 * under `key`, counting a failure instead of losing the call silently. Use
 * a HASH map, not an LRU one: an LRU map never fails, it evicts another
 * call in flight without a word. Returns 0 or the helper's -errno.
 */
static __always_inline long bk_starts_update(void *starts, const void *key, const void *value)
{
	long err = bpf_map_update_elem(starts, key, value, BPF_ANY);

	if (err)
		__sync_fetch_and_add(&bk_lost_starts, 1);
	return err;
}

#endif
