/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * x86-64 instruction length decoder, for finding instruction boundaries
 * (RET sites) in machine code by linear sweep. 64-bit mode only.
 */
#ifndef BPFKIT_X86_INSN_H
#define BPFKIT_X86_INSN_H

#include <stddef.h>
#include <stdint.h>

#define X86_INSN_MAX 15

/*
 * Length in bytes of the instruction at p[0..n), or -EINVAL when the bytes
 * are not a valid 64-bit instruction, are truncated or exceed 15 bytes.
 * Handles legacy prefixes, REX, VEX (C4/C5), EVEX (62), XOP (8F), the
 * 0F/0F38/0F3A maps, 3DNow!, ModRM/SIB/displacements and immediates.
 */
int x86_insn_len(const uint8_t *p, size_t n);

/* 1 when the instruction p[0..len) is a near or far return (C3, C2, CB, CA). */
int x86_insn_is_ret(const uint8_t *p, size_t len);

#endif
