// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * x86-64 instruction boundaries with zydis (libzydis, Debian's libzydis-dev),
 * in its minimal mode: lengths and mnemonics, no operands. It replaced a
 * hand-written length decoder that, measured on every function of four real
 * Go binaries against objdump, accepted an invalid VEX encoding in data
 * placed in .text and found a RET that was not one; zydis refused that
 * function and agreed with objdump everywhere else (tests/bench/README.md).
 */
#include <errno.h>
#include <Zydis/Zydis.h>
#include "go/x86_insn.h"

static int decode(const uint8_t *p, size_t n, ZydisDecodedInstruction *in)
{
	ZydisDecoder d;

	if (!p || !n)
		return -EINVAL;
	if (!ZYAN_SUCCESS(ZydisDecoderInit(&d, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64)) ||
	    !ZYAN_SUCCESS(ZydisDecoderEnableMode(&d, ZYDIS_DECODER_MODE_MINIMAL, ZYAN_TRUE)))
		return -EINVAL;
	if (!ZYAN_SUCCESS(ZydisDecoderDecodeInstruction(&d, NULL, p, n, in)))
		return -EINVAL;
	if (!in->length || in->length > X86_INSN_MAX || in->length > n)
		return -EINVAL;
	return in->length;
}

int x86_insn_len(const uint8_t *p, size_t n)
{
	ZydisDecodedInstruction in;

	return decode(p, n, &in);
}

int x86_insn_is_ret(const uint8_t *p, size_t len)
{
	ZydisDecodedInstruction in;

	return decode(p, len, &in) == (int)len && in.mnemonic == ZYDIS_MNEMONIC_RET;
}
