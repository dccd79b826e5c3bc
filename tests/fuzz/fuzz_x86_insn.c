/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * libFuzzer target: linear sweep with x86_insn_len; every length must be
 * 1..15 and inside the input.
 */
#include <stdint.h>
#include "go/x86_insn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t pos = 0;

	while (pos < size) {
		int l = x86_insn_len(data + pos, size - pos);

		if (l < 0) {
			pos++;
			continue;
		}
		if (l < 1 || l > 15 || (size_t)l > size - pos)
			__builtin_trap();
		x86_insn_is_ret(data + pos, (size_t)l);
		pos += (size_t)l;
	}
	return 0;
}
