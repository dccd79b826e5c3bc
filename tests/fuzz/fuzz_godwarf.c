/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * libFuzzer target: godwarf_member_offset and godwarf_func_params through
 * libdw. Input: an ELF image with DWARF sections (the seeds are the test
 * target's .debug_info and .debug_abbrev, compressed and not).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <gelf.h>
#include "go/godwarf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct godwarf_param p[8];
	char *copy;
	int64_t off;
	size_t n;
	Dwarf *dw;
	Elf *elf;

	elf_version(EV_CURRENT);
	/* libdw may decompress sections in place: a private copy. */
	copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	elf = elf_memory(copy, size);
	dw = elf ? dwarf_begin_elf(elf, DWARF_C_READ, NULL) : NULL;
	if (dw) {
		if (!godwarf_member_offset(dw, "runtime.g", "goid", &off) &&
		    (off < 0 || off > INT32_MAX))
			__builtin_trap();
		if (!godwarf_func_params(dw, "main.greet", p, 8, &n) &&
		    (n > 8 || (n && (memchr(p[n - 1].name, 0, sizeof(p[0].name)) == NULL ||
				     memchr(p[n - 1].type, 0, sizeof(p[0].type)) == NULL))))
			__builtin_trap();
		dwarf_end(dw);
	}
	if (elf)
		elf_end(elf);
	free(copy);
	return 0;
}
