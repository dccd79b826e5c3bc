/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* UTF-8 validation for the escaping of untrusted strings (columns and JSON). */
#ifndef BPFKIT_UTF8_H
#define BPFKIT_UTF8_H

#include <stddef.h>

/*
 * Length of the valid multi-byte UTF-8 sequence at s (at most n bytes) and
 * its code point in *cp; 0 for ASCII bytes and anything invalid (overlong
 * forms, surrogates, beyond U+10FFFF, cut sequences).
 */
size_t bk_utf8_seq(const unsigned char *s, size_t n, unsigned int *cp);

#endif
