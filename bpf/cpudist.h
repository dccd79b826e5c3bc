/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * cpudist's maps: the histograms are bpf/taskhist_abi.h's; `runs` holds
 * when each task got the CPU (or, with -O, left it).
 */
#ifndef CPUDIST_H
#define CPUDIST_H

#include "taskhist_abi.h"

#define CPUDIST_RUNS 32768

#endif
