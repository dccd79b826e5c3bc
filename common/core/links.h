/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * Links a tool attaches itself (uprobes at computed offsets, one per matched
 * function, USDT, kprobe.multi), kept together and destroyed together before
 * the skeleton. The skeleton's own links stay in the skeleton.
 */
#ifndef BPFKIT_LINKS_H
#define BPFKIT_LINKS_H

#include <stddef.h>
#include <bpf/libbpf.h>

struct bk_links {
	struct bpf_link **link;
	size_t n, cap;
};

/* How many links any bk_links holds, for the "attached via" line of -v. */
extern size_t bk_links_held;

/*
 * Keeps a link just returned by a libbpf attach call: NULL means that call
 * failed, and its -errno is returned. On -ENOMEM the link is destroyed.
 */
int bk_links_add(struct bk_links *l, struct bpf_link *link);

/* Destroys every link, newest first, and frees the array. */
void bk_links_destroy(struct bk_links *l);

#endif
