/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * libFuzzer target: godwarf_member_offset and godwarf_func_params. Input: u32 length of the
 * .debug_abbrev bytes that follow, then .debug_info.
 */
#include <stdint.h>
#include <string.h>
#include "go/gobin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct godwarf_param p[8];
	uint32_t alen;
	int64_t off;
	size_t n;

	if (size < 4)
		return 0;
	memcpy(&alen, data, 4);
	data += 4;
	size -= 4;
	if (alen > size)
		alen = (uint32_t)size;
	if (!godwarf_member_offset(data + alen, size - alen, data, alen, "runtime.g", "goid",
				   &off) &&
	    (off < 0 || off > INT32_MAX))
		__builtin_trap();
	if (!godwarf_func_params(data + alen, size - alen, data, alen, "main.greet", p, 8, &n) &&
	    (n > 8 || (n && (memchr(p[n - 1].name, 0, sizeof(p[0].name)) == NULL ||
			     memchr(p[n - 1].type, 0, sizeof(p[0].type)) == NULL))))
		__builtin_trap();
	return 0;
}
