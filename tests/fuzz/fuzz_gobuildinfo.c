/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * libFuzzer target: gobuildinfo_parse. Pointers of the pre-1.18 format
 * resolve into the input itself (vaddr 0x1000 = input offset 0).
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include "go/gobin.h"

struct mem {
	const uint8_t *data;
	size_t size;
};

static int rd(void *ctx, uint64_t vaddr, void *dst, size_t n)
{
	const struct mem *m = ctx;

	if (vaddr < 0x1000 || vaddr - 0x1000 > m->size || n > m->size - (vaddr - 0x1000))
		return -ENOENT;
	memcpy(dst, m->data + (vaddr - 0x1000), n);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mem m = { data, size };
	struct gobuildinfo bi;

	if (gobuildinfo_parse(data, size, rd, &m, &bi))
		return 0;
	if (strnlen(bi.version, sizeof(bi.version)) >= sizeof(bi.version) ||
	    strnlen(bi.module, sizeof(bi.module)) >= sizeof(bi.module) || !bi.version[0])
		__builtin_trap();
	return 0;
}
