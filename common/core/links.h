/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * Links a tool attaches itself (uprobes at computed offsets, one per matched
 * function, USDT, kprobe.multi, multi-uprobe links), kept together and
 * destroyed together before the skeleton. The skeleton's own links stay in
 * the skeleton.
 *
 * Detaching a uprobe or kprobe attached through a perf event costs the kernel
 * a grace period (about 0.1 s), one link after another, also when the process
 * is killed (its exit closes them the same way). When that adds up to more
 * than a second, bk_links_destroy() says how long it will take. A second
 * SIGINT or SIGTERM (the first one ended the tracing) then ends the tool at
 * once, leaving the rest of the detaching to a child process in the
 * background.
 */
#ifndef BPFKIT_LINKS_H
#define BPFKIT_LINKS_H

#include <stddef.h>
#include <bpf/libbpf.h>

struct bk_links {
	struct bpf_link **link;
	size_t n, cap;
	/* Links made by a bpf(BPF_LINK_CREATE) of our own, which libbpf 1.1
	 * has no type for (multi-uprobe links): their fds. */
	int *fd;
	size_t nfd, fdcap;
};

/* How many links any bk_links holds, for the "attached via" line of -v. */
extern size_t bk_links_held;

/*
 * Keeps a link just returned by a libbpf attach call: NULL means that call
 * failed, and its -errno is returned. On -ENOMEM the link is destroyed.
 */
int bk_links_add(struct bk_links *l, struct bpf_link *link);

/*
 * Keeps the fd of a link made by bpf(BPF_LINK_CREATE): a negative fd means
 * that call failed, and -errno is returned. On -ENOMEM the fd is closed.
 */
int bk_links_add_fd(struct bk_links *l, int fd);

/* Destroys every link, newest first, and frees the arrays. */
void bk_links_destroy(struct bk_links *l);

#endif
