/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * x86_insn_len: lengths of known encodings (taken from GNU as + objdump),
 * RET detection, truncation and invalid opcodes.
 */
#include <errno.h>
#include <stdlib.h>
#include "unit.h"
#include "go/x86_insn.h"

struct insn_case {
	const char *hex;
	const char *what;
};

/* Every instruction assembled by GNU as, lengths confirmed by objdump. */
static const struct insn_case cases[] = {
	{ "f3 0f 1e fa", "endbr64" },
	{ "c3", "ret" },
	{ "c2 08 00", "ret    $0x8" },
	{ "cb", "lret" },
	{ "ca 10 00", "lret   $0x10" },
	{ "f3 c3", "repz ret" },
	{ "48 b8 88 77 66 55 44 33 22 11", "movabs $0x1122334455667788,%rax" },
	{ "a0 88 77 66 55 44 33 22 11", "movabs 0x1122334455667788,%al" },
	{ "a3 88 77 66 55 44 33 22 11", "movabs %eax,0x1122334455667788" },
	{ "66 b8 34 12", "mov    $0x1234,%ax" },
	{ "66 05 34 12", "add    $0x1234,%ax" },
	{ "a8 12", "test   $0x12,%al" },
	{ "66 f7 00 34 12", "testw  $0x1234,(%rax)" },
	{ "f7 44 98 10 78 56 34 12", "testl  $0x12345678,0x10(%rax,%rbx,4)" },
	{ "f7 10", "notl   (%rax)" },
	{ "c8 10 00 01", "enter  $0x10,$0x1" },
	{ "c5 fe 6f 08", "vmovdqu (%rax),%ymm1" },
	{ "c5 fd 70 da 1b", "vpshufd $0x1b,%ymm2,%ymm3" },
	{ "c5 e9 72 d1 03", "vpsrld $0x3,%xmm1,%xmm2" },
	{ "c5 f8 77", "vzeroupper" },
	{ "c4 e3 6d 02 d9 05", "vpblendd $0x5,%ymm1,%ymm2,%ymm3" },
	{ "c4 e2 75 b8 14 d1", "vfmadd231ps (%rcx,%rdx,8),%ymm1,%ymm2" },
	{ "62 f1 6d 49 fe d9", "vpaddd %zmm1,%zmm2,%zmm3{%k1}" },
	{ "62 f1 fe 48 6f 68 01", "vmovdqu64 0x40(%rax),%zmm5" },
	{ "62 f3 6d 48 25 d9 ff", "vpternlogd $0xff,%zmm1,%zmm2,%zmm3" },
	{ "62 f1 6c 48 c2 d1 01", "vcmpltps %zmm1,%zmm2,%k2" },
	{ "c4 e2 7d 13 d1", "vcvtph2ps %xmm1,%ymm2" },
	{ "66 0f 38 00 d1", "pshufb %xmm1,%xmm2" },
	{ "66 0f 3a 0f d1 04", "palignr $0x4,%xmm1,%xmm2" },
	{ "66 0f 3a 16 c8 01", "pextrd $0x1,%xmm1,%eax" },
	{ "f2 48 0f 38 f1 d8", "crc32  %rax,%rbx" },
	{ "f3 48 0f b8 d8", "popcnt %rax,%rbx" },
	{ "f3 0f bd d8", "lzcnt  %eax,%ebx" },
	{ "0f a4 c3 03", "shld   $0x3,%eax,%ebx" },
	{ "0f ba e0 05", "bt     $0x5,%eax" },
	{ "48 0f c7 0f", "cmpxchg16b (%rdi)" },
	{ "f0 48 0f c1 02", "lock xadd %rax,(%rdx)" },
	{ "c7 f8 00 00 00 00", "xbegin 0xbb" },
	{ "0f 01 d5", "xend" },
	{ "c6 f8 01", "xabort $0x1" },
	{ "0f 01 f9", "rdtscp" },
	{ "0f 05", "syscall" },
	{ "0f a2", "cpuid" },
	{ "0f 0b", "ud2" },
	{ "cc", "int3" },
	{ "cd 80", "int    $0x80" },
	{ "66 0f 1f 04 00", "nopw   (%rax,%rax,1)" },
	{ "66 66 2e 0f 1f 84 00 00 00 00 00", "data16 cs nopw 0x0(%rax,%rax,1)" },
	{ "64 48 8b 0c 25 f8 ff ff ff", "mov    %fs:0xfffffffffffffff8,%rcx" },
	{ "49 8b 56 10", "mov    0x10(%r14),%rdx" },
	{ "49 3b 66 10", "cmp    0x10(%r14),%rsp" },
	{ "48 8d 05 78 56 34 12", "lea    0x12345678(%rip),%rax        # 0x1234576d" },
	{ "ff 50 08", "call   *0x8(%rax)" },
	{ "ff e0", "jmp    *%rax" },
	{ "75 bf", "jne    0xbb" },
	{ "eb bd", "jmp    0xbb" },
	{ "f2 0f 11 44 24 08", "movsd  %xmm0,0x8(%rsp)" },
	{ "f2 48 0f 2a c8", "cvtsi2sd %rax,%xmm1" },
	{ "68 78 56 34 12", "push   $0x12345678" },
	{ "6a 01", "push   $0x1" },
	{ "69 c8 00 10 00 00", "imul   $0x1000,%eax,%ecx" },
	{ "6b c8 03", "imul   $0x3,%eax,%ecx" },
	{ "dd 00", "fldl   (%rax)" },
	{ "dd d9", "fstp   %st(1)" },
	{ "0f 18 08", "prefetcht0 (%rax)" },
	{ "0f ae 38", "clflush (%rax)" },
	{ "0f 01 d0", "xgetbv" },
	{ "0f c7 f0", "rdrand %eax" },
	{ "49 0f cc", "bswap  %r12" },
	{ "66 44 0f be c8", "movsbw %al,%r9w" },
	{ "49 c1 e2 04", "shl    $0x4,%r10" },
	{ "49 d3 fb", "sar    %cl,%r11" },
	{ "4d 0f 45 c8", "cmovne %r8,%r9" },
	{ "0f 94 c0", "sete   %al" },
	{ "0f b6 0c 18", "movzbl (%rax,%rbx,1),%ecx" },
	{ "c4 e2 60 f2 c8", "andn   %eax,%ebx,%ecx" },
	{ "c4 e2 78 f7 cb", "bextr  %eax,%ebx,%ecx" },
	{ "c4 e3 fb f0 d8 03", "rorx   $0x3,%rax,%rbx" },
	{ "c4 e2 fa f7 cb", "sarx   %rax,%rbx,%rcx" },
	{ "c5 f8 93 c1", "kmovw  %k1,%eax" },
	{ "c4 e3 7d 39 ca 01", "vextracti128 $0x1,%ymm1,%xmm2" },
	{ "c4 e2 75 90 1c 90", "vpgatherdd %ymm1,(%rax,%ymm2,4),%ymm3" },
	{ "c4 e2 69 dc d9", "vaesenc %xmm1,%xmm2,%xmm3" },
	{ "66 0f 3a 44 d1 11", "pclmulhqhqdq %xmm1,%xmm2" },
	{ "0f 38 cb d1", "sha256rnds2 %xmm0,%xmm1,%xmm2" },
	{ "0f 38 f0 00", "movbe  (%rax),%eax" },
	{ "66 48 0f 38 f6 d8", "adcx   %rax,%rbx" },
	{ "c4 e3 fd 00 d1 4e", "vpermq $0x4e,%ymm1,%ymm2" },
	{ "62 f1 75 48 74 0f", "vpcmpeqb (%rdi),%zmm1,%k1" },
	{ "62 f2 7d 48 7c c8", "vpbroadcastd %eax,%zmm1" },
	{ "c4 e1 f3 2a d0", "vcvtsi2sd %rax,%xmm1,%xmm2" },
	{ "62 f3 6d 48 3e c9 01", "vpcmpltub %zmm1,%zmm2,%k1" },
};

static size_t unhex(const char *s, uint8_t *out, size_t max)
{
	size_t n = 0;

	while (*s && n < max) {
		while (*s == ' ')
			s++;
		if (!*s)
			break;
		out[n++] = (uint8_t)strtoul(s, NULL, 16);
		s += 2;
	}
	return n;
}

static void test_known_lengths(void)
{
	uint8_t buf[32];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n = unhex(cases[i].hex, buf, sizeof(buf));

		/* Trailing bytes must not change the length. */
		memset(buf + n, 0xcc, sizeof(buf) - n);
		if (x86_insn_len(buf, sizeof(buf)) != (int)n) {
			printf("  %s: %s\n", cases[i].what, cases[i].hex);
			CHECK_INT(x86_insn_len(buf, sizeof(buf)), n);
		}
		/* One byte short is truncated. */
		CHECK_INT(x86_insn_len(buf, n - 1), -EINVAL);
	}
}

static void test_ret(void)
{
	static const uint8_t c3[] = { 0xc3 }, c2[] = { 0xc2, 8, 0 }, cb[] = { 0xcb },
			     ca[] = { 0xca, 0x10, 0 }, rep[] = { 0xf3, 0xc3 },
			     endbr[] = { 0xf3, 0x0f, 0x1e, 0xfa }, jmp[] = { 0xeb, 0xfe },
			     movc3[] = { 0xb8, 0xc3, 0, 0, 0 };

	CHECK(x86_insn_is_ret(c3, 1));
	CHECK(x86_insn_is_ret(c2, 3));
	CHECK(x86_insn_is_ret(cb, 1));
	CHECK(x86_insn_is_ret(ca, 3));
	CHECK(x86_insn_is_ret(rep, 2));
	CHECK(!x86_insn_is_ret(endbr, 4));
	CHECK(!x86_insn_is_ret(jmp, 2));
	/* A C3 byte inside an immediate is not a return. */
	CHECK_INT(x86_insn_len(movc3, sizeof(movc3)), 5);
	CHECK(!x86_insn_is_ret(movc3, 5));
}

static void test_invalid(void)
{
	static const uint8_t bad[] = { 0x06, 0x07, 0x27, 0x60, 0x9a, 0xd4, 0xea, 0xce };
	uint8_t pfx[16], buf[4];
	size_t i;

	for (i = 0; i < sizeof(bad); i++) {
		buf[0] = bad[i];
		buf[1] = buf[2] = buf[3] = 0;
		CHECK_INT(x86_insn_len(buf, sizeof(buf)), -EINVAL);
	}
	CHECK_INT(x86_insn_len(NULL, 4), -EINVAL);
	CHECK_INT(x86_insn_len(buf, 0), -EINVAL);
	/* 15 prefixes and no opcode: longer than any instruction. */
	memset(pfx, 0x66, sizeof(pfx));
	CHECK_INT(x86_insn_len(pfx, sizeof(pfx)), -EINVAL);
	/* 14 prefixes + 1-byte opcode is exactly 15: allowed. */
	pfx[14] = 0x90;
	CHECK_INT(x86_insn_len(pfx, 15), 15);
}

/*
 * Bytes from real Go code (crypto/internal/boring/sig.StandardCrypto of a Go
 * 1.27 binary: a signature, data in .text) that objdump calls "(bad)": the
 * hand-written decoder took them for a 4-byte VEX instruction, went out of
 * step and found a RET inside the next instruction.
 */
static void test_invalid_vex_in_data(void)
{
	static const uint8_t sig[] = { 0xc5, 0x9c, 0xf9, 0x11, 0xcb, 0x8e, 0x80, 0xda,
				       0xf1, 0x2f, 0xc3 };

	CHECK_INT(x86_insn_len(sig, sizeof(sig)), -EINVAL);
}

/* Every 1-3 byte input followed by padding: never longer than 15 or the input. */
static void test_exhaustive_short(void)
{
	uint8_t buf[24];
	unsigned int a, b;

	for (a = 0; a < 256; a++) {
		for (b = 0; b < 256; b++) {
			size_t n;

			memset(buf, 0, sizeof(buf));
			buf[0] = (uint8_t)a;
			buf[1] = (uint8_t)b;
			for (n = 0; n <= 4; n++) {
				int l = x86_insn_len(buf, n);

				CHECK(l == -EINVAL || (l >= 1 && (size_t)l <= n));
			}
			CHECK(x86_insn_len(buf, sizeof(buf)) <= 15);
		}
	}
}

int main(void)
{
	RUN(test_known_lengths);
	RUN(test_ret);
	RUN(test_invalid);
	RUN(test_invalid_vex_in_data);
	RUN(test_exhaustive_short);
	UNIT_EXIT();
}
