/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* pidpersec's counters, shared by bpf/pidpersec.bpf.c and tools/pidpersec.c. */
#ifndef PIDPERSEC_H
#define PIDPERSEC_H

/* Keys of the per-CPU `counts` array. */
#define PIDPERSEC_PROCESSES 0	/* new processes (fork, vfork, clone without CLONE_THREAD) */
#define PIDPERSEC_THREADS 1	/* new threads (CLONE_THREAD) */
#define PIDPERSEC_KEYS 2

#endif
