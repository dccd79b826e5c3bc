/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * What the Go tools read from DWARF, through libdw (elfutils): the offset of
 * a struct member (goid in runtime.g) and a function's parameters and
 * results (gotrace's signatures). libdw reads every DWARF version and form,
 * 32- and 64-bit units, compressed sections (zlib, and zstd where elfutils
 * has it) and the .zdebug_ sections of old Go linkers. gobin.c opens the
 * Dwarf handle, from the binary or its separate debug file.
 */
#ifndef BPFKIT_GODWARF_H
#define BPFKIT_GODWARF_H

#include <stddef.h>
#include <stdint.h>
#include <elfutils/libdw.h>
#include "go/gobin.h"

/*
 * DW_AT_data_member_location of member `member` of struct `type`
 * ("runtime.g"), looked up first in the unit of the type's package.
 * -ENOENT when absent, -EINVAL malformed.
 */
int godwarf_member_offset(Dwarf *dw, const char *type, const char *member, int64_t *off);

/*
 * The parameters then the results of Go function func, in order. -ENOENT
 * without the function, -E2BIG when it has more than max (or 64).
 */
int godwarf_func_params(Dwarf *dw, const char *func, struct godwarf_param *p, size_t max,
			size_t *n);

#endif
