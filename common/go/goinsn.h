/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * Machine instructions of Go code, x86-64 (zydis, full operand decoding) and
 * arm64 (instruction words), reduced to what the Go readers look for: loads
 * and stores at a register plus a displacement, increments of memory, moves,
 * calls and returns. What reads Go code with it: the goroutine-id offset
 * from runtime.newproc1 (gobin_goid_offset_code()) and the function a
 * go-statement wrapper calls (gobin_go_wrapper()).
 *
 * Register numbers: x86-64 zydis registers widened to 64 bits; arm64 0-30
 * and GOINSN_SP. Anything not listed is GI_OTHER with the registers it
 * writes, or GOINSN_CLOBBER when they are not known: readers that follow
 * values through registers must then forget them all.
 */
#ifndef BPFKIT_GOINSN_H
#define BPFKIT_GOINSN_H

#include <stddef.h>
#include <stdint.h>

enum goinsn_op {
	GI_OTHER,	/* writes wregs[] */
	GI_LOAD,	/* reg = size bytes at [base + disp] */
	GI_LOAD2,	/* reg = 8 bytes at [base + disp], reg2 = 8 at [base + disp + 8] */
	GI_STORE,	/* size bytes at [base + disp] = reg */
	GI_INC_MEM,	/* size bytes at [base + disp] += 1 */
	GI_ADD_IMM,	/* reg = reg2 + imm */
	GI_MOV,		/* reg = reg2 */
	GI_CALL,	/* direct call of target */
	GI_CALL_REG,	/* call of the address in reg */
	GI_CALL_MEM,	/* call of the address at [base + disp] */
	GI_RET,
	GI_JMP,		/* unconditional jump to target (0: not direct) */
};

#define GOINSN_NONE (-1)
#define GOINSN_SP 31		/* arm64's stack pointer as a base register */
#define GOINSN_CLOBBER (-2)	/* in wregs[0]: writes registers not known */

struct goinsn {
	unsigned int len;
	int op;			/* enum goinsn_op */
	int size;		/* bytes of memory read or written */
	int reg, reg2, base;	/* GOINSN_NONE when absent; base of RIP-relative: NONE */
	int64_t disp, imm;
	uint64_t target;
	int wregs[4];		/* registers written (GI_OTHER), GOINSN_NONE ends */
};

/*
 * Decodes the instruction at p[0..n) found at address pc, for ELF machine
 * (EM_X86_64 or EM_AARCH64). Returns its length, -EINVAL when the bytes are
 * no instruction, -ENOTSUP for another machine.
 */
int goinsn_decode(int machine, const uint8_t *p, size_t n, uint64_t pc, struct goinsn *in);

/* The stack pointer, Go's closure-context register (RDX, R26) and its g
 * register under the register ABI (R14, R28), as goinsn numbers them. */
int goinsn_sp(int machine);
int goinsn_ctxt(int machine);
int goinsn_greg(int machine);

#endif
