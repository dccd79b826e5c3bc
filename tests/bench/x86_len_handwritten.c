/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * The x86-64 length decoder bpfkit had before it moved to zydis (see
 * tests/bench/README.md), kept only so that x86_decoders.c can compare them.
 * Only the length matters here, so the
 * tables below record, per opcode, whether a ModRM byte follows and how big
 * the immediate is; operand semantics are ignored.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
int handwritten_insn_len(const uint8_t *p, size_t n);
int handwritten_insn_is_ret(const uint8_t *p, size_t len);

#define X86_INSN_MAX 15

/* Immediate kinds for the one-byte and 0F maps. */
enum {
	I_NONE,
	I_8,	/* ib */
	I_16,	/* iw */
	I_Z,	/* iw with 66, else id */
	I_V,	/* imm64 with REX.W (B8-BF), else like I_Z */
	I_MOFFS, /* moffs: 8 bytes, 4 with 67 */
	I_ENTER, /* iw + ib */
	I_REL8,
	I_REL32,
	I_GRP3,	/* F6/F7: immediate only for /0 and /1 */
	I_BAD,	/* invalid in 64-bit mode, or a prefix handled elsewhere */
};

#define M 0x80 /* ModRM follows */

/* One-byte opcode map: M | immediate kind. */
static const uint8_t map1[256] = {
	/* 00 */ M, M, M, M, I_8, I_Z, I_BAD, I_BAD,
	/* 08 */ M, M, M, M, I_8, I_Z, I_BAD, I_BAD,
	/* 10 */ M, M, M, M, I_8, I_Z, I_BAD, I_BAD,
	/* 18 */ M, M, M, M, I_8, I_Z, I_BAD, I_BAD,
	/* 20 */ M, M, M, M, I_8, I_Z, I_BAD, I_BAD,
	/* 28 */ M, M, M, M, I_8, I_Z, I_BAD, I_BAD,
	/* 30 */ M, M, M, M, I_8, I_Z, I_BAD, I_BAD,
	/* 38 */ M, M, M, M, I_8, I_Z, I_BAD, I_BAD,
	/* 40 REX, handled as prefixes */
	I_BAD, I_BAD, I_BAD, I_BAD, I_BAD, I_BAD, I_BAD, I_BAD,
	I_BAD, I_BAD, I_BAD, I_BAD, I_BAD, I_BAD, I_BAD, I_BAD,
	/* 50 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	/* 60 */ I_BAD, I_BAD, I_BAD, M, I_BAD, I_BAD, I_BAD, I_BAD,
	/* 68 */ I_Z, M | I_Z, I_8, M | I_8, 0, 0, 0, 0,
	/* 70 */ I_REL8, I_REL8, I_REL8, I_REL8, I_REL8, I_REL8, I_REL8, I_REL8,
	/* 78 */ I_REL8, I_REL8, I_REL8, I_REL8, I_REL8, I_REL8, I_REL8, I_REL8,
	/* 80 */ M | I_8, M | I_Z, I_BAD, M | I_8, M, M, M, M,
	/* 88 */ M, M, M, M, M, M, M, M,
	/* 90 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, I_BAD, 0, 0, 0, 0, 0,
	/* A0 */ I_MOFFS, I_MOFFS, I_MOFFS, I_MOFFS, 0, 0, 0, 0,
	/* A8 */ I_8, I_Z, 0, 0, 0, 0, 0, 0,
	/* B0 */ I_8, I_8, I_8, I_8, I_8, I_8, I_8, I_8,
	/* B8 */ I_V, I_V, I_V, I_V, I_V, I_V, I_V, I_V,
	/* C0 */ M | I_8, M | I_8, I_16, 0, I_BAD, I_BAD, M | I_8, M | I_Z,
	/* C8 */ I_ENTER, 0, I_16, 0, 0, I_8, I_BAD, 0,
	/* D0 */ M, M, M, M, I_BAD, I_BAD, I_BAD, 0,
	/* D8 */ M, M, M, M, M, M, M, M,
	/* E0 */ I_REL8, I_REL8, I_REL8, I_REL8, I_8, I_8, I_8, I_8,
	/* E8 */ I_REL32, I_REL32, I_BAD, I_REL8, 0, 0, 0, 0,
	/* F0 */ I_BAD, 0, I_BAD, I_BAD, 0, 0, M | I_GRP3, M | I_GRP3,
	/* F8 */ 0, 0, 0, 0, 0, 0, M, M,
};

/* Two-byte map (0F xx). 38 and 3A escape to the three-byte maps. */
static const uint8_t map2[256] = {
	/* 00 */ M, M, M, M, I_BAD, 0, 0, 0,
	/* 08 */ 0, 0, I_BAD, 0, I_BAD, M, 0, M | I_8 /* 3DNow! */,
	/* 10 */ M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
	/* 20 */ M, M, M, M, I_BAD, I_BAD, I_BAD, I_BAD,
	/* 28 */ M, M, M, M, M, M, M, M,
	/* 30 */ 0, 0, 0, 0, 0, 0, I_BAD, 0,
	/* 38 */ I_BAD, I_BAD, I_BAD, I_BAD, I_BAD, I_BAD, I_BAD, I_BAD,
	/* 40 */ M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
	/* 50 */ M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
	/* 60 */ M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
	/* 70 */ M | I_8, M | I_8, M | I_8, M | I_8, M, M, M, 0,
	/* 78 */ M, M, I_BAD, I_BAD, M, M, M, M,
	/* 80 */ I_REL32, I_REL32, I_REL32, I_REL32, I_REL32, I_REL32, I_REL32, I_REL32,
	/* 88 */ I_REL32, I_REL32, I_REL32, I_REL32, I_REL32, I_REL32, I_REL32, I_REL32,
	/* 90 */ M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
	/* A0 */ 0, 0, 0, M, M | I_8, M, I_BAD, I_BAD,
	/* A8 */ 0, 0, 0, M, M | I_8, M, M, M,
	/* B0 */ M, M, M, M, M, M, M, M, M, M, M | I_8, M, M, M, M, M,
	/* C0 */ M, M, M | I_8, M, M | I_8, M | I_8, M | I_8, M,
	/* C8 */ 0, 0, 0, 0, 0, 0, 0, 0,
	/* D0 */ M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
	/* E0 */ M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
	/* F0 */ M, M, M, M, M, M, M, M, M, M, M, M, M, M, M, M,
};

/* VEX/EVEX map 1 opcodes that carry an imm8 (shifts by immediate, compares, shuffles). */
static int vex_map1_imm8(uint8_t op)
{
	return (op >= 0x70 && op <= 0x73) || op == 0xc2 || (op >= 0xc4 && op <= 0xc6);
}

/* Length of ModRM + SIB + displacement at p[0..n), or -EINVAL. */
static int modrm_len(const uint8_t *p, size_t n)
{
	uint8_t modrm, mod, rm;
	int len = 1;

	if (n < 1)
		return -EINVAL;
	modrm = p[0];
	mod = modrm >> 6;
	rm = modrm & 7;
	if (mod == 3)
		return 1;
	if (rm == 4) {
		if (n < 2)
			return -EINVAL;
		len++;
		if (mod == 0 && (p[1] & 7) == 5)
			len += 4;
	} else if (mod == 0 && rm == 5) {
		len += 4; /* RIP-relative */
	}
	if (mod == 1)
		len += 1;
	else if (mod == 2)
		len += 4;
	return len;
}

/* Finishes an instruction: ModRM at p[pos] if has_modrm, then imm bytes. */
static int finish(size_t n, const uint8_t *p, size_t pos, int has_modrm, int imm)
{
	if (has_modrm) {
		int m = modrm_len(p + pos, n - pos);

		if (m < 0)
			return m;
		pos += m;
	}
	pos += imm;
	if (pos > n || pos > X86_INSN_MAX)
		return -EINVAL;
	return (int)pos;
}

/* VEX (C4/C5), EVEX (62) and XOP (8F) encoded instructions starting at p[pos]. */
static int decode_vex(const uint8_t *p, size_t n, size_t pos)
{
	uint8_t kind = p[pos], map, op;

	if (kind == 0xc5) {
		if (pos + 3 > n)
			return -EINVAL;
		map = 1;
		op = p[pos + 2];
		pos += 3;
	} else if (kind == 0xc4 || kind == 0x8f) {
		if (pos + 4 > n)
			return -EINVAL;
		map = p[pos + 1] & 0x1f;
		op = p[pos + 3];
		pos += 4;
	} else { /* 62: EVEX */
		if (pos + 5 > n)
			return -EINVAL;
		map = p[pos + 1] & 7;
		op = p[pos + 4];
		pos += 5;
	}
	if (kind == 0x8f) {
		/* XOP maps 8 (imm8), 9 (none), 10 (imm32) */
		if (map == 8)
			return finish(n, p, pos, 1, 1);
		if (map == 9)
			return finish(n, p, pos, 1, 0);
		if (map == 10)
			return finish(n, p, pos, 1, 4);
		return -EINVAL;
	}
	switch (map) {
	case 1:
		if (kind != 0x62 && op == 0x77) /* vzeroupper / vzeroall */
			return finish(n, p, pos, 0, 0);
		return finish(n, p, pos, 1, vex_map1_imm8(op) ? 1 : 0);
	case 2:
		return finish(n, p, pos, 1, 0);
	case 3:
		return finish(n, p, pos, 1, 1);
	case 5: /* EVEX AVX512-FP16 maps */
	case 6:
		if (kind == 0x62)
			return finish(n, p, pos, 1, 0);
		return -EINVAL;
	default:
		return -EINVAL;
	}
}

int handwritten_insn_len(const uint8_t *p, size_t n)
{
	int opsize16 = 0, addr32 = 0, rexw = 0, rep = 0;
	size_t pos = 0;
	uint8_t op, t, kind;
	int imm = 0;

	if (!p)
		return -EINVAL;
	if (n > X86_INSN_MAX)
		n = X86_INSN_MAX;

	/* Legacy prefixes in any order, then at most one REX right before the opcode. */
	for (;;) {
		if (pos >= n)
			return -EINVAL;
		op = p[pos];
		if (op == 0x66) {
			opsize16 = 1;
		} else if (op == 0x67) {
			addr32 = 1;
		} else if (op == 0xf2 || op == 0xf3) {
			rep = op;
		} else if (op == 0xf0 || op == 0x2e || op == 0x36 || op == 0x3e || op == 0x26 ||
			   op == 0x64 || op == 0x65) {
			/* lock and segment overrides change no length */
		} else if ((op & 0xf0) == 0x40) {
			/* REX; a legacy prefix after it voids it, so reset W */
			rexw = (op & 8) != 0;
			if (pos + 1 < n && (p[pos + 1] & 0xf0) != 0x40) {
				uint8_t nx = p[pos + 1];

				if (nx == 0x66 || nx == 0x67 || nx == 0xf2 || nx == 0xf3 ||
				    nx == 0xf0 || nx == 0x2e || nx == 0x36 || nx == 0x3e ||
				    nx == 0x26 || nx == 0x64 || nx == 0x65)
					rexw = 0;
			}
		} else {
			break;
		}
		pos++;
	}

	if (op == 0xc4 || op == 0xc5 || op == 0x62)
		return decode_vex(p, n, pos);
	if (op == 0x8f && pos + 1 < n && (p[pos + 1] & 0x1f) >= 8)
		return decode_vex(p, n, pos);

	if (op != 0x0f) {
		t = map1[op];
		pos++;
	} else {
		if (pos + 1 >= n)
			return -EINVAL;
		op = p[pos + 1];
		pos += 2;
		if (op == 0x38) {
			if (pos >= n)
				return -EINVAL;
			return finish(n, p, pos + 1, 1, 0);
		}
		if (op == 0x3a) {
			if (pos >= n)
				return -EINVAL;
			return finish(n, p, pos + 1, 1, 1);
		}
		/* SSE4a EXTRQ/INSERTQ: 66/F2 0F 78 /r ib ib */
		if (op == 0x78 && (opsize16 || rep == 0xf2))
			return finish(n, p, pos, 1, 2);
		t = map2[op];
	}

	kind = t & ~M;
	switch (kind) {
	case I_NONE:
		imm = 0;
		break;
	case I_8:
	case I_REL8:
		imm = 1;
		break;
	case I_16:
		imm = 2;
		break;
	case I_Z:
		imm = (opsize16 && !rexw) ? 2 : 4;
		break;
	case I_V:
		imm = rexw ? 8 : (opsize16 ? 2 : 4);
		break;
	case I_MOFFS:
		imm = addr32 ? 4 : 8;
		break;
	case I_ENTER:
		imm = 3;
		break;
	case I_REL32:
		imm = 4;
		break;
	case I_GRP3:
		if (pos >= n)
			return -EINVAL;
		if (((p[pos] >> 3) & 7) > 1)
			imm = 0;
		else if (op == 0xf6)
			imm = 1;
		else
			imm = (opsize16 && !rexw) ? 2 : 4;
		break;
	default:
		return -EINVAL;
	}
	return finish(n, p, pos, (t & M) != 0, imm);
}

int handwritten_insn_is_ret(const uint8_t *p, size_t len)
{
	size_t i = 0;

	/* Skip prefixes: "rep ret" (F3 C3) is a common two-byte return. */
	while (i < len && (p[i] == 0xf3 || p[i] == 0xf2 || p[i] == 0x66 || (p[i] & 0xf0) == 0x40))
		i++;
	if (i >= len)
		return 0;
	return p[i] == 0xc3 || p[i] == 0xc2 || p[i] == 0xcb || p[i] == 0xca;
}
