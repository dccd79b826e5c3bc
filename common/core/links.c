// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#include <errno.h>
#include <stdlib.h>
#include "core/links.h"

size_t bk_links_held;

int bk_links_add(struct bk_links *l, struct bpf_link *link)
{
	struct bpf_link **p;

	if (!link)
		return errno ? -errno : -EINVAL;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;

		p = realloc(l->link, cap * sizeof(*p));
		if (!p) {
			bpf_link__destroy(link);
			return -ENOMEM;
		}
		l->link = p;
		l->cap = cap;
	}
	l->link[l->n++] = link;
	bk_links_held++;
	return 0;
}

void bk_links_destroy(struct bk_links *l)
{
	while (l->n > 0) {
		bpf_link__destroy(l->link[--l->n]);
		bk_links_held--;
	}
	free(l->link);
	l->link = NULL;
	l->cap = 0;
}
