// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Go code's instructions for the readers of gobin.c (see goinsn.h): x86-64
 * with zydis's full decoder (operands), arm64 from the instruction words of
 * the few forms the Go compiler emits for what is looked for.
 */
#include <elf.h>
#include <errno.h>
#include <string.h>
#include <Zydis/Zydis.h>
#include "go/goinsn.h"

static void reset(struct goinsn *in)
{
	memset(in, 0, sizeof(*in));
	in->reg = in->reg2 = in->base = GOINSN_NONE;
	for (int i = 0; i < 4; i++)
		in->wregs[i] = GOINSN_NONE;
}

/* ---------------------------------------------------------------- x86 -- */

static int x86_reg(ZydisRegister r)
{
	if (r == ZYDIS_REGISTER_NONE)
		return GOINSN_NONE;
	return (int)ZydisRegisterGetLargestEnclosing(ZYDIS_MACHINE_MODE_LONG_64, r);
}

/* A memory operand at base + disp (no index, no segment but the default). */
static int x86_mem(const ZydisDecodedOperand *o, struct goinsn *in)
{
	if (o->type != ZYDIS_OPERAND_TYPE_MEMORY || o->mem.type != ZYDIS_MEMOP_TYPE_MEM ||
	    o->mem.index != ZYDIS_REGISTER_NONE ||
	    (o->mem.segment != ZYDIS_REGISTER_DS && o->mem.segment != ZYDIS_REGISTER_SS))
		return 0;
	in->base = o->mem.base == ZYDIS_REGISTER_RIP ? GOINSN_NONE : x86_reg(o->mem.base);
	in->disp = o->mem.disp.has_displacement ? o->mem.disp.value : 0;
	in->size = o->size / 8;
	return 1;
}

static int x86_decode(const uint8_t *p, size_t n, uint64_t pc, struct goinsn *in)
{
	ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
	ZydisDecodedInstruction d;
	ZydisDecoder dec;
	const ZydisDecodedOperand *a, *b;
	int nw = 0;

	if (!ZYAN_SUCCESS(ZydisDecoderInit(&dec, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64)) ||
	    !ZYAN_SUCCESS(ZydisDecoderDecodeFull(&dec, p, n, &d, ops)) || !d.length)
		return -EINVAL;
	in->len = d.length;
	a = &ops[0];
	b = &ops[1];
	switch (d.mnemonic) {
	case ZYDIS_MNEMONIC_RET:
		in->op = GI_RET;
		return in->len;
	case ZYDIS_MNEMONIC_CALL:
		if (a->type == ZYDIS_OPERAND_TYPE_IMMEDIATE && a->imm.is_relative) {
			in->op = GI_CALL;
			in->target = pc + d.length + (uint64_t)a->imm.value.s;
		} else if (a->type == ZYDIS_OPERAND_TYPE_REGISTER) {
			in->op = GI_CALL_REG;
			in->reg = x86_reg(a->reg.value);
		} else if (x86_mem(a, in)) {
			in->op = GI_CALL_MEM;
		} else {
			in->op = GI_OTHER;
			in->wregs[0] = GOINSN_CLOBBER;
		}
		return in->len;
	case ZYDIS_MNEMONIC_JMP:
		in->op = GI_JMP;
		if (a->type == ZYDIS_OPERAND_TYPE_IMMEDIATE && a->imm.is_relative)
			in->target = pc + d.length + (uint64_t)a->imm.value.s;
		return in->len;
	case ZYDIS_MNEMONIC_MOV:
		if (a->type == ZYDIS_OPERAND_TYPE_REGISTER && x86_mem(b, in)) {
			in->op = GI_LOAD;
			in->reg = x86_reg(a->reg.value);
			return in->len;
		}
		if (b->type == ZYDIS_OPERAND_TYPE_REGISTER && x86_mem(a, in)) {
			in->op = GI_STORE;
			in->reg = x86_reg(b->reg.value);
			return in->len;
		}
		if (a->type == ZYDIS_OPERAND_TYPE_REGISTER && b->type == ZYDIS_OPERAND_TYPE_REGISTER &&
		    a->size == 64) {
			in->op = GI_MOV;
			in->reg = x86_reg(a->reg.value);
			in->reg2 = x86_reg(b->reg.value);
			return in->len;
		}
		break;
	case ZYDIS_MNEMONIC_INC:
		if (x86_mem(a, in)) {
			in->op = GI_INC_MEM;
			return in->len;
		}
		break;
	case ZYDIS_MNEMONIC_ADD:
		if (b->type == ZYDIS_OPERAND_TYPE_IMMEDIATE && b->imm.value.s == 1 && x86_mem(a, in)) {
			in->op = GI_INC_MEM;
			return in->len;
		}
		break;
	default:
		break;
	}
	/* Anything else: the registers it writes (flags are not registers here). */
	in->op = GI_OTHER;
	in->base = GOINSN_NONE;
	for (int i = 0; i < d.operand_count; i++) {
		const ZydisDecodedOperand *o = &ops[i];

		if (o->type != ZYDIS_OPERAND_TYPE_REGISTER ||
		    !(o->actions & ZYDIS_OPERAND_ACTION_MASK_WRITE) ||
		    o->reg.value == ZYDIS_REGISTER_RFLAGS || o->reg.value == ZYDIS_REGISTER_EFLAGS ||
		    o->reg.value == ZYDIS_REGISTER_FLAGS)
			continue;
		if (nw == 4) {
			in->wregs[0] = GOINSN_CLOBBER;
			break;
		}
		in->wregs[nw++] = x86_reg(o->reg.value);
	}
	return in->len;
}

/* -------------------------------------------------------------- arm64 -- */

static int64_t sext(uint64_t v, int bits)
{
	return (int64_t)(v << (64 - bits)) >> (64 - bits);
}

static int arm64_decode(const uint8_t *p, size_t n, uint64_t pc, struct goinsn *in)
{
	uint32_t w;
	int rt, rn;

	if (n < 4 || pc % 4)
		return -EINVAL;
	w = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
	in->len = 4;
	rt = w & 31;
	rn = (w >> 5) & 31;
	if ((w & 0xffc00000) == 0xf9400000 || (w & 0xffc00000) == 0xf9000000) {
		/* LDR/STR Xt, [Xn|SP, #imm12 * 8] */
		in->op = (w & 0x00400000) ? GI_LOAD : GI_STORE;
		in->reg = rt;
		in->base = rn;
		in->disp = (int64_t)((w >> 10) & 0xfff) * 8;
		in->size = 8;
	} else if ((w & 0xffe00c00) == 0xf8400000 || (w & 0xffe00c00) == 0xf8000000) {
		/* LDUR/STUR Xt, [Xn|SP, #simm9] */
		in->op = (w & 0x00400000) ? GI_LOAD : GI_STORE;
		in->reg = rt;
		in->base = rn;
		in->disp = sext((w >> 12) & 0x1ff, 9);
		in->size = 8;
	} else if ((w & 0xff800000) == 0x91000000) {
		/* ADD Xd|SP, Xn|SP, #imm12 {, LSL #12} */
		in->op = GI_ADD_IMM;
		in->reg = rt;
		in->reg2 = rn;
		in->imm = (int64_t)((w >> 10) & 0xfff) << ((w & 0x00400000) ? 12 : 0);
		if (in->imm == 0)
			in->op = GI_MOV;
	} else if ((w & 0xffe0ffe0) == 0xaa0003e0) {
		/* MOV Xd, Xm (ORR Xd, XZR, Xm) */
		in->op = GI_MOV;
		in->reg = rt;
		in->reg2 = (w >> 16) & 31;
	} else if ((w & 0xfc000000) == 0x94000000) {
		in->op = GI_CALL;
		in->target = pc + (uint64_t)(sext(w & 0x3ffffff, 26) * 4);
	} else if ((w & 0xfc000000) == 0x14000000) {
		in->op = GI_JMP;
		in->target = pc + (uint64_t)(sext(w & 0x3ffffff, 26) * 4);
	} else if ((w & 0xfffffc1f) == 0xd63f0000) {
		in->op = GI_CALL_REG;
		in->reg = rn;
	} else if ((w & 0xfffffc1f) == 0xd65f0000) {
		in->op = GI_RET;
	} else if ((w & 0xfffffc1f) == 0xd61f0000) {
		in->op = GI_JMP;	/* BR Xn */
	} else if ((w & 0x3fc00000) == 0x39400000 || (w & 0x3f800000) == 0x39800000) {
		/* LDR W, LDRB, LDRH, LDRS* (unsigned offset) */
		in->op = GI_OTHER;
		in->wregs[0] = rt;
	} else if ((w & 0xffc00000) == 0xa9400000) {
		/* LDP Xt, Xt2, [Xn|SP, #simm7 * 8] */
		in->op = GI_LOAD2;
		in->reg = rt;
		in->reg2 = (w >> 10) & 31;
		in->base = rn;
		in->disp = sext((w >> 15) & 0x7f, 7) * 8;
		in->size = 8;
	} else if ((w & 0xffe00400) == 0xf8000400 || (w & 0xff800000) == 0xa9800000 ||
		   (w & 0xff800000) == 0xa8800000) {
		/* STR, STP with a pre- or post-index: the base moves */
		in->op = GI_OTHER;
		in->wregs[0] = rn;
	} else if ((w & 0xffc00000) == 0xa9000000 || (w & 0x3fc00000) == 0x39000000 ||
		   (w & 0xff000010) == 0x54000000 || (w & 0x7e000000) == 0x34000000 ||
		   (w & 0x7e000000) == 0x36000000 || w == 0xd503201f ||
		   ((w & 0x7f800000) == 0x71000000 && rt == 31)) {
		/* STP, STR/STRB/STRH (unsigned offset), B.cond, CBZ, TBZ, NOP, CMP */
		in->op = GI_OTHER;
	} else if (((w >> 26) & 7) == 4 || ((w >> 25) & 7) == 5) {
		/* Other data processing (immediate, register): writes Rd. */
		in->op = GI_OTHER;
		in->wregs[0] = rt;
	} else {
		/* Anything else may write any register. */
		in->op = GI_OTHER;
		in->wregs[0] = GOINSN_CLOBBER;
	}
	return 4;
}

int goinsn_decode(int machine, const uint8_t *p, size_t n, uint64_t pc, struct goinsn *in)
{
	if (!p || !in || !n)
		return -EINVAL;
	reset(in);
	switch (machine) {
	case EM_X86_64:
		return x86_decode(p, n, pc, in);
	case EM_AARCH64:
		return arm64_decode(p, n, pc, in);
	}
	return -ENOTSUP;
}

int goinsn_sp(int machine)
{
	return machine == EM_X86_64 ? x86_reg(ZYDIS_REGISTER_RSP) : GOINSN_SP;
}

int goinsn_ctxt(int machine)
{
	return machine == EM_X86_64 ? x86_reg(ZYDIS_REGISTER_RDX) : 26;
}

int goinsn_greg(int machine)
{
	return machine == EM_X86_64 ? x86_reg(ZYDIS_REGISTER_R14) : 28;
}
