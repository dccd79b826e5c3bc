/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * x86-64 instruction boundaries, for finding RET sites in machine code by
 * linear sweep (zydis underneath). 64-bit mode only.
 */
#ifndef BPFKIT_X86_INSN_H
#define BPFKIT_X86_INSN_H

#include <stddef.h>
#include <stdint.h>

#define X86_INSN_MAX 15

/*
 * Length in bytes of the instruction at p[0..n), or -EINVAL when the bytes
 * are not a valid 64-bit instruction, are truncated or exceed 15 bytes.
 */
int x86_insn_len(const uint8_t *p, size_t n);

/* 1 when p[0..len) is exactly one near or far return (C3, C2, CB, CA, with prefixes). */
int x86_insn_is_ret(const uint8_t *p, size_t len);

#endif
