/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * The kernel features a tool's BPF object needs, read from the object itself
 * (the map types it creates, the BPF helpers its programs call), and the
 * first one this kernel lacks, named with the Linux release that brought it.
 * bk_load() asks when the kernel refuses the object, so that a tool on a
 * kernel too old for it says what is missing in one sentence; nothing is
 * probed when the load succeeds.
 */
#ifndef BPFKIT_FEATURES_H
#define BPFKIT_FEATURES_H

#include <stddef.h>
#include <bpf/libbpf.h>

/* The Linux release ("5.15") that brought BPF helper `id` or map type
 * `type`, or NULL when older than 5.5 or unknown. */
const char *bk_helper_since(int id);
const char *bk_map_type_since(enum bpf_map_type type);
/* The helper's name without its bpf_ prefix ("get_attach_cookie"), or NULL. */
const char *bk_helper_name(int id);

/*
 * The first map type or helper of obj's autoloaded programs that this
 * kernel lacks, as a phrase: "the BPF helper bpf_get_attach_cookie (Linux
 * 5.15)". 1 and `why` set when one is missing, 0 when none is (or the kernel
 * cannot be asked).
 */
int bk_missing_feature(const struct bpf_object *obj, char *why, size_t len);

/*
 * The newest of those features obj uses, whether this kernel has it or not:
 * its release ("5.15"), and in `what` the feature ("the BPF helper
 * bpf_get_attach_cookie"); NULL when it uses nothing newer than Linux 5.5.
 * The man pages' kernel floors are checked against it (tests/docs.sh).
 */
const char *bk_object_floor(const struct bpf_object *obj, char *what, size_t len);

#endif
