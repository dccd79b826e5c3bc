/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Signal numbers and their names, as the kernel numbers them (x86, arm64). */
#ifndef BPFKIT_SIGNAMES_H
#define BPFKIT_SIGNAMES_H

#include <stddef.h>

/*
 * "SIGUSR1" for 10; real-time signals as "SIGRTMIN+N" counted from the
 * kernel's first one (32: the C library keeps 32 and 33 for itself, so its
 * SIGRTMIN+0 is the kernel's SIGRTMIN+2); other numbers as "SIG<n>".
 * Writes into buf when it has to build the name.
 */
const char *bk_signal_name(int sig, char *buf, size_t len);

/*
 * "SIGUSR1", "USR1", "usr1", "10", "SIGRTMIN+3" or "RTMIN+3": 0 and the
 * number (1 to 64) in *sig, or -EINVAL.
 */
int bk_parse_signal(const char *s, int *sig);

#endif
