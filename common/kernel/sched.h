/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * The attach paths of bpf/sched.bpf.h's programs, as bk_choose() variants,
 * preferred first: tp_btf, raw_tp, tracepoint. `p` is a skeleton's progs.
 */
#ifndef BPFKIT_SCHED_H
#define BPFKIT_SCHED_H

#include "core/attach.h"

#define BK_SCHED_NPATHS 3

/* sched_switch, sched_wakeup and sched_wakeup_new (BK_SCHED_SWITCH, BK_SCHED_WAKEUP). */
#define BK_SCHED_WAKEUP_VARIANTS(p)                                                             \
	{                                                                                       \
		{ "tp_btf", { (p).handle_switch, (p).handle_wakeup, (p).handle_wakeup_new } },  \
		{ "raw_tp", { (p).handle_switch_raw, (p).handle_wakeup_raw,                     \
			      (p).handle_wakeup_new_raw } },                                    \
		{ "tracepoint", { (p).handle_switch_tp, (p).handle_wakeup_tp,                   \
				  (p).handle_wakeup_new_tp } },                                 \
	}

/*
 * sched_switch, sched_waking and sched_process_free (BK_SCHED_SWITCH,
 * BK_SCHED_WAKING, BK_SCHED_FREE), and one more program on every path.
 */
#define BK_SCHED_WAKING_VARIANTS(p, more)                                                       \
	{                                                                                       \
		{ "tp_btf", { (p).handle_switch, (p).handle_waking, (p).handle_free, more } },  \
		{ "raw_tp", { (p).handle_switch_raw, (p).handle_waking_raw, (p).handle_free_raw, \
			      more } },                                                         \
		{ "tracepoint", { (p).handle_switch_tp, (p).handle_waking_tp,                   \
				  (p).handle_free_tp, more } },                                 \
	}

/* sched_switch alone (BK_SCHED_SWITCH). */
#define BK_SCHED_SWITCH_VARIANTS(p)                                                             \
	{                                                                                       \
		{ "tp_btf", { (p).handle_switch } },                                            \
		{ "raw_tp", { (p).handle_switch_raw } },                                        \
		{ "tracepoint", { (p).handle_switch_tp } },                                     \
	}

#endif
