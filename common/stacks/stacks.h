/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * Stacks from a BPF stack map (bpf/stacks.bpf.h), symbolized into traces.
 *
 *	struct bk_stacks *s;
 *	struct bk_trace *t;
 *
 *	bk_stacks_new(bpf_map__fd(skel->maps.stacks), &s);   after load
 *	bk_stacks_pid_seen(s, tgid);          at a process's first event
 *	t = bk_trace_new();
 *	bk_trace_reset(t);
 *	bk_stacks_add_user(s, t, tgid, key.ustack);           root first
 *	bk_stacks_add_kernel(s, t, key.kstack);
 *	bk_trace_fold(t, comm, buf, sizeof(buf));             "comm;main;f;g_[k]"
 *
 * A trace holds frames root first (the order of folded output). Kernel
 * symbols are read at the first kernel frame (ksyms.h); user symbols come
 * from usyms.h. Stack ids below zero are the bpf_get_stackid() error:
 * -EFAULT (no such stack: a kernel thread has no user stack, a sample in user
 * mode no kernel stack) adds nothing, any other (lost to a collision or a
 * full map) adds the BK_FRAME_MISSING_* placeholder.
 *
 * Not thread-safe. Functions return 0 or -errno and print nothing, except
 * that the first kernel frame shown as an address when kallsyms is
 * restricted warns once (bk_warn) why.
 */
#ifndef BPFKIT_STACKS_STACKS_H
#define BPFKIT_STACKS_STACKS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <linux/types.h>
#include "stacks/frames.h"

#define BK_TRACE_MAX_FRAMES 1024

struct bk_stacks;

struct bk_trace {
	struct bk_frame f[BK_TRACE_MAX_FRAMES];
	int n;
	bool truncated;		/* frames beyond BK_TRACE_MAX_FRAMES were left out */
	size_t used;		/* of arena */
	char arena[1 << 16];	/* names made up for this trace ("[unknown] (...)") */
};

/* stack_map_fd: the BPF_MAP_TYPE_STACK_TRACE map, or -1 for addresses given directly. */
int bk_stacks_new(int stack_map_fd, struct bk_stacks **out);
void bk_stacks_free(struct bk_stacks *s);
/* The stack map given to bk_stacks_new(). */
int bk_stacks_map_fd(const struct bk_stacks *s);

/* Reads kallsyms from this file instead of /proc/kallsyms (tests). */
void bk_stacks_set_kallsyms(struct bk_stacks *s, const char *path);

/* A process's first event: read its maps and symbols while it is alive. */
void bk_stacks_pid_seen(struct bk_stacks *s, pid_t tgid);
/* It exec'd or exited for good: what is cached about it is stale. */
void bk_stacks_pid_gone(struct bk_stacks *s, pid_t tgid);

struct bk_trace *bk_trace_new(void);
void bk_trace_free(struct bk_trace *t);
void bk_trace_reset(struct bk_trace *t);
/* Appends a frame; name is copied when copy is set. */
void bk_trace_push(struct bk_trace *t, const char *name, const char *module, __u64 offset,
		   int kind, bool copy);

/*
 * Appends stack `id` of the stack map, root first. User stacks resolve in
 * tgid. Returns the number of frames appended.
 */
int bk_stacks_add_user(struct bk_stacks *s, struct bk_trace *t, pid_t tgid, __s32 id);
int bk_stacks_add_kernel(struct bk_stacks *s, struct bk_trace *t, __s32 id);
/* The same for addresses already read (leaf first, as the kernel gives them). */
int bk_stacks_add_user_ips(struct bk_stacks *s, struct bk_trace *t, pid_t tgid, const __u64 *ips,
			   int n);
int bk_stacks_add_kernel_ips(struct bk_stacks *s, struct bk_trace *t, const __u64 *ips, int n);

/* Reads stack `id` of the stack map into ips (leaf first): the number of frames, or -errno. */
int bk_stacks_read(struct bk_stacks *s, __s32 id, __u64 *ips, int max);

/*
 * Writes "comm;frame;...;frame" (root first, kernel frames with "_[k]" and
 * the like, see frames.h) into buf, NUL-terminated: the folded form without
 * the count. ';' in a name becomes ':', and control bytes and invalid UTF-8
 * are escaped as \xHH, so that a line is always one line of valid UTF-8
 * with one ';' between frames. Returns the length; a line that does not fit
 * ends with a "[...]" frame.
 */
size_t bk_trace_fold(const struct bk_trace *t, const char *comm, char *buf, size_t len);

#endif
