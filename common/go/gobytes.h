/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * Bounds-checked reads of untrusted bytes, for the hand-written Go readers
 * (pclntab.c, buildinfo.c, gobin.c): offsets are 64-bit and checked against
 * the buffer length before any pointer is formed.
 */
#ifndef BPFKIT_GOBYTES_H
#define BPFKIT_GOBYTES_H

#include <stdint.h>
#include <string.h>

static inline int in_bounds(uint64_t len, uint64_t off, uint64_t n)
{
	return off <= len && n <= len - off;
}

static inline uint64_t get_uint(const uint8_t *p, int size, int be)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < size; i++)
		v |= (uint64_t)p[be ? size - 1 - i : i] << (8 * i);
	return v;
}

/* A NUL-terminated string at data[off], or NULL when off is bad or unterminated. */
static inline const char *cstr_at(const uint8_t *data, uint64_t len, uint64_t off)
{
	if (off >= len || !memchr(data + off, 0, len - off))
		return NULL;
	return (const char *)data + off;
}

#endif
