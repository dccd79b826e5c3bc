/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * runqlat's maps: the histograms are bpf/taskhist_abi.h's; `waits` holds the
 * tasks waiting on a run queue, or running with a wait not yet added.
 */
#ifndef RUNQLAT_H
#define RUNQLAT_H

#include "taskhist_abi.h"

#define RUNQLAT_WAITS 32768

#endif
