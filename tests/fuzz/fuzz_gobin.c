/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * libFuzzer target: a whole file through gobin_open_mem (libelf, segment
 * and section lookup, the pclntab and buildinfo scans, wrappers), then the
 * lookups the tools make. Seeds: the test targets cut down to their tables.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "go/gobin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct godwarf_param p[8];
	struct gobin *gb;
	uint8_t *copy = malloc(size ? size : 1);
	size_t n, i;

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	if (!gobin_open_mem(copy, size, &gb)) {
		gobin_go_version(gb);
		gobin_goid_offset(gb);
		gobin_func_params(gb, "main.greet", p, 8, &n);
		for (i = 0; i < gobin_func_count(gb) && i < 64; i++) {
			struct gofunc f;
			const char *file;
			uint64_t rets[8], off;
			int line;

			if (gobin_func(gb, i, &f))
				continue;
			gobin_pc_info(gb, f.entry, NULL, &file, &line);
			gobin_vaddr_to_offset(gb, f.entry, &off);
			if (f.end - f.entry < 65536)
				gobin_ret_sites(gb, &f, rets, 8, &n);
		}
		gobin_close(gb);
	}
	free(copy);
	return 0;
}
