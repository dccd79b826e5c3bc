// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#include <stdio.h>
#include "kernel/flags.h"

char *bk_flags_str(char *buf, size_t len, unsigned long long v, const struct bk_flag *table)
{
	size_t o = 0;

	if (!len)
		return buf;
	buf[0] = 0;
	for (const struct bk_flag *f = table; f->name && o < len; f++) {
		if (!f->mask || (v & f->mask) != f->mask)
			continue;
		o += snprintf(buf + o, len - o, "%s%s", o ? "|" : "", f->name);
		v &= ~f->mask;
	}
	if (o < len && (v || !o))
		snprintf(buf + o, len - o, o ? "|%#llx" : (v ? "%#llx" : "0"), v);
	return buf;
}

char *bk_dfd_str(char *buf, size_t len, long long dfd)
{
	if (dfd == -100)
		snprintf(buf, len, "AT_FDCWD");
	else
		snprintf(buf, len, "%lld", dfd);
	return buf;
}
