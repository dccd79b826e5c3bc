/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Capability numbers and their names, as in <linux/capability.h>. */
#ifndef BPFKIT_CAPNAMES_H
#define BPFKIT_CAPNAMES_H

/* "CAP_CHOWN" for 0, ..., or NULL for a number this table does not know. */
const char *bk_cap_name(int cap);

#endif
