/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * libFuzzer target: gopclntab_parse and every lookup on the parsed table.
 * The first 8 input bytes choose the fallback text start and lookup PCs.
 */
#include <stdint.h>
#include <string.h>
#include "go/gobin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gopclntab pt;
	uint64_t text = 0x401000;
	size_t i, idx;

	if (size >= 8) {
		memcpy(&text, data, 8);
		text &= 0xffffffff;
		data += 8;
		size -= 8;
	}
	if (gopclntab_parse(data, size, text, &pt))
		return 0;
	for (i = 0; i < pt.nfunc && i < 512; i++) {
		struct gopcln_func f;
		const char *file;
		int line;

		if (gopclntab_func(&pt, i, &f))
			continue;
		/* names must be terminated inside the table */
		if (strlen(f.name) >= size)
			__builtin_trap();
		gopclntab_line(&pt, i, f.entry, &file, &line);
		gopclntab_line(&pt, i, f.entry + (f.end - f.entry) / 2, &file, &line);
		if (!gopclntab_find(&pt, f.entry, &idx) && idx >= pt.nfunc)
			__builtin_trap();
	}
	gopclntab_find(&pt, text + 0x40, &idx);
	return 0;
}
