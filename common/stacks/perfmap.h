/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * JIT symbol maps: /tmp/perf-PID.map, which JIT runtimes (Node.js with
 * --perf-basic-prof, the JVM with perf-map-agent, LuaJIT, .NET, ...) write
 * with one line per compiled function:
 *
 *	START SIZE NAME        (START and SIZE in hex, with or without 0x)
 *
 * A later line for the same START replaces an earlier one (code recompiled
 * in place). Malformed lines are skipped.
 *
 * Functions return 0 or -errno and print nothing.
 */
#ifndef BPFKIT_STACKS_PERFMAP_H
#define BPFKIT_STACKS_PERFMAP_H

#include <stddef.h>
#include <sys/types.h>
#include <linux/types.h>

struct bk_perfmap;

/* Reads a perf map file. -ENOENT when there is none. */
int bk_perfmap_load(const char *path, struct bk_perfmap **out);
/*
 * The map of a process, read through /proc/PID/root with the pid the
 * process has in its own namespace (NSpid in /proc/PID/status), so a
 * process in a container finds its /tmp/perf-<its pid>.map.
 */
int bk_perfmap_load_pid(pid_t pid, struct bk_perfmap **out);
void bk_perfmap_free(struct bk_perfmap *m);

size_t bk_perfmap_count(const struct bk_perfmap *m);

/* The function containing addr: its name and addr - its start. -ENOENT. */
int bk_perfmap_find(const struct bk_perfmap *m, __u64 addr, const char **name, __u64 *offset);

/* The pid of a process in its innermost pid namespace (last NSpid field). */
int bk_ns_pid(pid_t pid, pid_t *nspid);

#endif
