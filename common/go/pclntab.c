// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Go's pclntab, the runtime's own function table (no C library reads it):
 * the formats of Go 1.2 to 1.27, functions, their source lines. Hand-written
 * and fuzzed (tests/fuzz/fuzz_gopclntab.c): the table is untrusted input,
 * every read is bounds-checked and every loop bounded.
 */
#include <errno.h>
#include <string.h>
#include "go/gobin.h"
#include "go/gobytes.h"

static int pt_u32(const struct gopclntab *pt, uint64_t off, uint32_t *v)
{
	if (!in_bounds(pt->len, off, 4))
		return -EINVAL;
	*v = (uint32_t)get_uint(pt->data + off, 4, pt->big_endian);
	return 0;
}

static int pt_uptr(const struct gopclntab *pt, uint64_t off, uint64_t *v)
{
	if (!in_bounds(pt->len, off, pt->ptrsize))
		return -EINVAL;
	*v = get_uint(pt->data + off, pt->ptrsize, pt->big_endian);
	return 0;
}

/* Size of one functab field: entry offsets became u32 in Go 1.18. */
static unsigned int functab_field(const struct gopclntab *pt)
{
	return pt->version >= GOPCLN_118 ? 4 : pt->ptrsize;
}

int gopclntab_parse(const void *buf, size_t len, uint64_t text_start, struct gopclntab *pt)
{
	const uint8_t *d = buf;
	uint32_t magic_le, magic_be, magic;
	uint64_t hdr[8], fsz, ftsize, fileoff;
	uint32_t u;
	int i, nwords;

	if (!buf || !pt)
		return -EINVAL;
	memset(pt, 0, sizeof(*pt));
	if (len < 16)
		return -ENOEXEC;
	magic_le = (uint32_t)get_uint(d, 4, 0);
	magic_be = (uint32_t)get_uint(d, 4, 1);
	magic = magic_le;
	if ((magic_le & ~0xbU) != 0xfffffff0 && (magic_be & ~0xbU) == 0xfffffff0) {
		magic = magic_be;
		pt->big_endian = 1;
	}
	switch (magic) {
	case 0xfffffffb:
		pt->version = GOPCLN_12;
		break;
	case 0xfffffffa:
		pt->version = GOPCLN_116;
		break;
	case 0xfffffff0:
		pt->version = GOPCLN_118;
		break;
	case 0xfffffff1:
		pt->version = GOPCLN_120;
		break;
	default:
		return -ENOEXEC;
	}
	if (d[4] || d[5])
		return -ENOEXEC;
	pt->quantum = d[6];
	pt->ptrsize = d[7];
	if ((pt->quantum != 1 && pt->quantum != 2 && pt->quantum != 4) ||
	    (pt->ptrsize != 4 && pt->ptrsize != 8))
		return -ENOEXEC;
	pt->data = d;
	pt->len = len;

	/* Header words after the first 8 bytes. */
	nwords = pt->version == GOPCLN_12 ? 1 : pt->version == GOPCLN_116 ? 7 : 8;
	for (i = 0; i < nwords; i++)
		if (pt_uptr(pt, 8 + (uint64_t)i * pt->ptrsize, &hdr[i]))
			return -EINVAL;
	pt->nfunc = hdr[0];
	/* Each function needs at least two functab fields: caps the loops below. */
	if (pt->nfunc > len / 8)
		return -EINVAL;
	fsz = functab_field(pt);
	ftsize = (pt->nfunc * 2 + 1) * fsz;

	switch (pt->version) {
	case GOPCLN_12:
		pt->functab = 8 + pt->ptrsize;
		pt->funcdata = 0;
		pt->funcnametab = 0;
		pt->pctab = 0;
		if (!in_bounds(len, pt->functab, ftsize))
			return -EINVAL;
		if (pt_u32(pt, pt->functab + ftsize, &u))
			return -EINVAL;
		fileoff = u;
		if (pt_u32(pt, fileoff, &u))
			return -EINVAL;
		pt->nfiles = u;
		if (!in_bounds(len, fileoff, pt->nfiles * 4))
			return -EINVAL;
		pt->filetab = fileoff;
		pt->text_start = text_start;
		break;
	case GOPCLN_116:
		pt->nfiles = hdr[1];
		pt->funcnametab = hdr[2];
		pt->cutab = hdr[3];
		pt->filetab = hdr[4];
		pt->pctab = hdr[5];
		pt->funcdata = hdr[6];
		pt->functab = hdr[6];
		pt->text_start = text_start;
		break;
	default:
		pt->nfiles = hdr[1];
		pt->text_start = hdr[2] ? hdr[2] : text_start;
		pt->funcnametab = hdr[3];
		pt->cutab = hdr[4];
		pt->filetab = hdr[5];
		pt->pctab = hdr[6];
		pt->funcdata = hdr[7];
		pt->functab = hdr[7];
		break;
	}
	if (pt->version != GOPCLN_12) {
		if (pt->funcnametab >= len || pt->cutab > len || pt->filetab > len ||
		    pt->pctab > len || !in_bounds(len, pt->functab, ftsize))
			return -EINVAL;
		if (pt->nfiles > len / 4)
			return -EINVAL;
	}
	return 0;
}

/* Entry PC of functab slot i (i == nfunc is the end sentinel). */
static int functab_entry(const struct gopclntab *pt, uint64_t i, uint64_t *pc)
{
	uint64_t off = pt->functab + i * 2 * functab_field(pt);
	uint32_t u;

	if (pt->version >= GOPCLN_118) {
		if (pt_u32(pt, off, &u))
			return -EINVAL;
		*pc = pt->text_start + u;
		return 0;
	}
	return pt_uptr(pt, off, pc);
}

/* Offset of field n (1..9) of the _func record at off; field 0 is the entry. */
static uint64_t func_field_off(const struct gopclntab *pt, uint64_t off, unsigned int n)
{
	unsigned int sz0 = pt->version >= GOPCLN_118 ? 4 : pt->ptrsize;

	return off + sz0 + (uint64_t)(n - 1) * 4;
}

static int func_field(const struct gopclntab *pt, uint64_t off, unsigned int n, uint32_t *v)
{
	return pt_u32(pt, func_field_off(pt, off, n), v);
}

int gopclntab_func(const struct gopclntab *pt, size_t i, struct gopcln_func *f)
{
	uint64_t funcoff, off, idoff;
	uint32_t nameoff;
	int err;

	if (!pt || !f || !pt->data)
		return -EINVAL;
	if (i >= pt->nfunc)
		return -ENOENT;
	memset(f, 0, sizeof(*f));
	err = functab_entry(pt, i, &f->entry);
	if (!err)
		err = functab_entry(pt, i + 1, &f->end);
	if (err)
		return err;
	if (f->end < f->entry)
		f->end = f->entry;

	off = pt->functab + (uint64_t)i * 2 * functab_field(pt) + functab_field(pt);
	if (pt->version >= GOPCLN_118) {
		uint32_t u;

		if (pt_u32(pt, off, &u))
			return -EINVAL;
		funcoff = u;
	} else if (pt_uptr(pt, off, &funcoff)) {
		return -EINVAL;
	}
	if (funcoff > pt->len - pt->funcdata)
		return -EINVAL;
	f->off = pt->funcdata + funcoff;

	/* funcID sits after cuOffset (and startLine on 1.20+); 1.2-1.15 tables lack it. */
	switch (pt->version) {
	case GOPCLN_12:
		idoff = 0;
		break;
	case GOPCLN_120:
		idoff = func_field_off(pt, f->off, 9) + 4;
		break;
	default:
		idoff = func_field_off(pt, f->off, 8) + 4;
		break;
	}
	if (idoff) {
		if (!in_bounds(pt->len, idoff, 4))
			return -EINVAL;
		f->func_id = pt->data[idoff];
	}

	if (func_field(pt, f->off, 1, &nameoff))
		return -EINVAL;
	if (nameoff > pt->len - pt->funcnametab)
		return -EINVAL;
	f->name = cstr_at(pt->data, pt->len, pt->funcnametab + nameoff);
	if (!f->name)
		return -EINVAL;
	return 0;
}

int gopclntab_find(const struct gopclntab *pt, uint64_t pc, size_t *idx)
{
	uint64_t lo = 0, hi, mid, entry, end;

	if (!pt || !idx || !pt->data)
		return -EINVAL;
	if (!pt->nfunc)
		return -ENOENT;
	/* Last slot whose entry <= pc; terminates even on an unsorted table. */
	hi = pt->nfunc;
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (functab_entry(pt, mid, &entry))
			return -EINVAL;
		if (entry <= pc)
			lo = mid;
		else
			hi = mid;
	}
	if (functab_entry(pt, lo, &entry) || functab_entry(pt, lo + 1, &end))
		return -EINVAL;
	if (pc < entry || pc >= end)
		return -ENOENT;
	*idx = lo;
	return 0;
}

static int read_uvarint(const struct gopclntab *pt, uint64_t *pos, uint64_t limit, uint32_t *v)
{
	uint32_t r = 0;
	int shift;

	for (shift = 0; shift < 35; shift += 7) {
		uint8_t b;

		if (*pos >= limit)
			return -EINVAL;
		b = pt->data[(*pos)++];
		r |= (uint32_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*v = r;
			return 0;
		}
	}
	return -EINVAL;
}

/*
 * Value of the pc-value table at tab for targetpc in a function starting at
 * entry: pairs (zig-zag value delta, pc delta * quantum), starting from -1;
 * a zero value delta after the first pair ends the table.
 */
static int pcvalue(const struct gopclntab *pt, uint64_t tab, uint64_t entry, uint64_t targetpc,
		   int32_t *val)
{
	uint64_t pos = tab, pc = entry;
	uint32_t uv, pcd;
	int32_t v = -1;
	int first = 1;

	if (tab >= pt->len)
		return -EINVAL;
	/* Each step consumes at least two bytes: bounded by the table length. */
	for (;;) {
		if (read_uvarint(pt, &pos, pt->len, &uv))
			return -EINVAL;
		if (uv == 0 && !first)
			return -ENOENT;
		first = 0;
		uv = (uv & 1) ? ~(uv >> 1) : uv >> 1;
		v = (int32_t)((uint32_t)v + uv);
		if (read_uvarint(pt, &pos, pt->len, &pcd))
			return -EINVAL;
		pc += (uint64_t)pcd * pt->quantum;
		if (targetpc < pc) {
			*val = v;
			return 0;
		}
	}
}

static const char *file_name(const struct gopclntab *pt, uint64_t funcoff, int32_t fno)
{
	uint32_t cuoff, off;

	if (fno < 0)
		return NULL;
	if (pt->version == GOPCLN_12) {
		if ((uint64_t)fno >= pt->nfiles || pt_u32(pt, pt->filetab + 4 * (uint64_t)fno, &off))
			return NULL;
		return cstr_at(pt->data, pt->len, off);
	}
	if (func_field(pt, funcoff, 8, &cuoff))
		return NULL;
	if (pt_u32(pt, pt->cutab + 4 * ((uint64_t)cuoff + (uint32_t)fno), &off) || off == ~0U)
		return NULL;
	return cstr_at(pt->data, pt->len, pt->filetab + off);
}

int gopclntab_line(const struct gopclntab *pt, size_t idx, uint64_t pc, const char **file,
		   int *line)
{
	struct gopcln_func f;
	uint32_t pcfile, pcln;
	int32_t fno, ln;
	uint64_t base;
	int err;

	err = gopclntab_func(pt, idx, &f);
	if (err)
		return err;
	if (func_field(pt, f.off, 5, &pcfile) || func_field(pt, f.off, 6, &pcln))
		return -EINVAL;
	if (!pcfile || !pcln)
		return -ENOENT;
	base = pt->version == GOPCLN_12 ? 0 : pt->pctab;
	err = pcvalue(pt, base + pcfile, f.entry, pc, &fno);
	if (!err)
		err = pcvalue(pt, base + pcln, f.entry, pc, &ln);
	if (err)
		return err;
	if (file) {
		*file = file_name(pt, f.off, fno);
		if (!*file)
			return -ENOENT;
	}
	if (line)
		*line = ln;
	return 0;
}

/* Offset of the pcdata array of the _func at off (after funcID, flag, nfuncdata). */
static int pcdata_base(const struct gopclntab *pt, uint64_t off, uint64_t *base, uint32_t *npcdata,
		       uint8_t *nfuncdata)
{
	uint64_t idoff;

	if (pt->version < GOPCLN_116)
		return -ENOTSUP;
	idoff = func_field_off(pt, off, pt->version == GOPCLN_120 ? 9 : 8) + 4;
	if (func_field(pt, off, 7, npcdata) || !in_bounds(pt->len, idoff, 4) ||
	    *npcdata > 1024)
		return -EINVAL;
	*nfuncdata = pt->data[idoff + 3];
	*base = idoff + 4;
	return 0;
}

int gopclntab_pcdata(const struct gopclntab *pt, size_t idx, uint32_t table, uint64_t pc,
		     int32_t *val)
{
	struct gopcln_func f;
	uint64_t base;
	uint32_t npcdata, off;
	uint8_t nfuncdata;
	int err;

	err = gopclntab_func(pt, idx, &f);
	if (!err)
		err = pcdata_base(pt, f.off, &base, &npcdata, &nfuncdata);
	if (err)
		return err;
	if (table >= npcdata || pt_u32(pt, base + 4 * (uint64_t)table, &off))
		return table >= npcdata ? -ENOENT : -EINVAL;
	if (!off)
		return -ENOENT;
	return pcvalue(pt, pt->pctab + off, f.entry, pc, val);
}

int gopclntab_funcdata(const struct gopclntab *pt, size_t idx, uint32_t i, uint32_t *off)
{
	struct gopcln_func f;
	uint64_t base;
	uint32_t npcdata;
	uint8_t nfuncdata;
	int err;

	if (pt->version < GOPCLN_118)
		return -ENOTSUP;
	err = gopclntab_func(pt, idx, &f);
	if (!err)
		err = pcdata_base(pt, f.off, &base, &npcdata, &nfuncdata);
	if (err)
		return err;
	if (i >= nfuncdata || pt_u32(pt, base + 4 * ((uint64_t)npcdata + i), off))
		return i >= nfuncdata ? -ENOENT : -EINVAL;
	return *off == ~0U ? -ENOENT : 0;
}

const char *gopclntab_name(const struct gopclntab *pt, uint64_t nameoff)
{
	if (nameoff > pt->len - pt->funcnametab)
		return NULL;
	return cstr_at(pt->data, pt->len, pt->funcnametab + nameoff);
}
