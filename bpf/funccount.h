/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* funccount's maps ABI, shared by bpf/funccount.bpf.c and tools/funccount.c. */
#ifndef FUNCCOUNT_H
#define FUNCCOUNT_H

/* The default cap on the probes of one pattern (--max-probes). */
#define FUNCCOUNT_MAX_PROBES 1000

#endif
