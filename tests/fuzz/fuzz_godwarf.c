/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * libFuzzer target: godwarf_member_offset. Input: u32 length of the
 * .debug_abbrev bytes that follow, then .debug_info.
 */
#include <stdint.h>
#include <string.h>
#include "gobin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t alen;
	int64_t off;

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
	return 0;
}
