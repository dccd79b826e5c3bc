/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * Go binary reader: a small bounds-checked ELF parser on a read-only mapping,
 * Go's pclntab (formats of Go 1.2 to 1.26) and .go.buildinfo.
 *
 * Nothing here trusts the file: offsets are 64-bit and checked against the
 * buffer length before any pointer is formed, strings must be NUL-terminated
 * inside their buffer, and each loop is bounded by a length or a count that
 * was itself checked against the buffer size.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "go/gobin.h"
#include "go/x86_insn.h"

/* ---------------------------------------------------------------- bytes -- */

static int in_bounds(uint64_t len, uint64_t off, uint64_t n)
{
	return off <= len && n <= len - off;
}

static uint64_t get_uint(const uint8_t *p, int size, int be)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < size; i++)
		v |= (uint64_t)p[be ? size - 1 - i : i] << (8 * i);
	return v;
}

/* A NUL-terminated string at data[off], or NULL when off is bad or unterminated. */
static const char *cstr_at(const uint8_t *data, uint64_t len, uint64_t off)
{
	if (off >= len || !memchr(data + off, 0, len - off))
		return NULL;
	return (const char *)data + off;
}

/* ------------------------------------------------------------- pclntab -- */

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

/* ----------------------------------------------------------- buildinfo -- */

static const uint8_t buildinfo_magic[14] = "\xff Go buildinf:";

/* Go's uvarint-prefixed string at buf[*pos]; NULL when malformed. */
static const uint8_t *uvarint_string(const uint8_t *buf, size_t len, size_t *pos, uint64_t *slen)
{
	uint64_t v = 0;
	int shift;
	const uint8_t *s;

	for (shift = 0;; shift += 7) {
		uint8_t b;

		if (shift > 63 || *pos >= len)
			return NULL;
		b = buf[(*pos)++];
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			break;
	}
	if (!in_bounds(len, *pos, v))
		return NULL;
	s = buf + *pos;
	*pos += v;
	*slen = v;
	return s;
}

/*
 * Main module path from the module info text: "path\t<pkg>\nmod\t<path>\t...".
 * The text is framed by two 16-byte sentinels when present.
 */
static void parse_modinfo(const uint8_t *mod, uint64_t len, char *out, size_t size)
{
	static const char *keys[] = { "mod\t", "path\t" };
	uint64_t i, k;

	out[0] = 0;
	if (len < 33 || mod[len - 17] != '\n')
		return;
	mod += 16;
	len -= 32;
	for (k = 0; k < 2; k++) {
		size_t kl = strlen(keys[k]);

		for (i = 0; i < len; i++) {
			uint64_t j;

			if ((i && mod[i - 1] != '\n') || len - i < kl || memcmp(mod + i, keys[k], kl))
				continue;
			i += kl;
			for (j = i; j < len && mod[j] != '\t' && mod[j] != '\n'; j++)
				;
			if (j - i == 0 || j - i >= size)
				break;
			memcpy(out, mod + i, j - i);
			out[j - i] = 0;
			return;
		}
	}
}

/* Copies a version string; one too long for dst keeps its first word. */
static int copy_str(char *dst, size_t size, const uint8_t *s, uint64_t n)
{
	const uint8_t *sp;

	if (n == 0 || memchr(s, 0, n))
		return -EINVAL;
	if (n >= size) {
		sp = memchr(s, ' ', size - 1);
		if (!sp || sp == s)
			return -EINVAL;
		n = (uint64_t)(sp - s);
	}
	memcpy(dst, s, n);
	dst[n] = 0;
	return 0;
}

/* Reads the Go string header {ptr, len} at vaddr, then up to max bytes of it. */
static int read_gostring(gobin_read_fn rd, void *ctx, uint64_t vaddr, int ps, int be,
			 uint8_t *dst, size_t max, uint64_t *n)
{
	uint8_t hdr[16];
	uint64_t ptr, len;
	int err;

	err = rd(ctx, vaddr, hdr, 2 * ps);
	if (err)
		return err;
	ptr = get_uint(hdr, ps, be);
	len = get_uint(hdr + ps, ps, be);
	if (len > max)
		len = max;
	err = rd(ctx, ptr, dst, len);
	if (err)
		return err;
	*n = len;
	return 0;
}

int gobuildinfo_parse(const void *buf, size_t len, gobin_read_fn rd, void *ctx,
		      struct gobuildinfo *bi)
{
	const uint8_t *d = buf, *v, *m;
	uint64_t vlen, mlen;
	size_t pos;
	int ps, flags, err;

	if (!buf || !bi)
		return -EINVAL;
	memset(bi, 0, sizeof(*bi));
	if (len < 32 || memcmp(d, buildinfo_magic, sizeof(buildinfo_magic)))
		return -ENOENT;
	ps = d[14];
	flags = d[15];
	if (ps != 4 && ps != 8)
		return -EINVAL;

	if (flags & 2) {
		/* Go 1.18+: inline strings after the 32-byte header. */
		pos = 32;
		v = uvarint_string(d, len, &pos, &vlen);
		if (!v)
			return -EINVAL;
		m = uvarint_string(d, len, &pos, &mlen);
		if (!m)
			return -EINVAL;
		err = copy_str(bi->version, sizeof(bi->version), v, vlen);
		if (err)
			return err;
		parse_modinfo(m, mlen, bi->module, sizeof(bi->module));
		return 0;
	} else {
		/* Go 1.13-1.17: pointers to string headers. */
		uint8_t vb[sizeof(bi->version)];
		uint8_t mb[4096];
		int be = flags & 1;

		if (!rd)
			return -ENOTSUP;
		if (len < 16 + 2 * (size_t)ps)
			return -EINVAL;
		err = read_gostring(rd, ctx, get_uint(d + 16, ps, be), ps, be, vb,
				    sizeof(vb) - 1, &vlen);
		if (err)
			return err == -ENOENT ? -EINVAL : err;
		err = copy_str(bi->version, sizeof(bi->version), vb, vlen);
		if (err)
			return err;
		err = read_gostring(rd, ctx, get_uint(d + 16 + ps, ps, be), ps, be, mb,
				    sizeof(mb), &mlen);
		if (!err)
			parse_modinfo(mb, mlen, bi->module, sizeof(bi->module));
		return 0;
	}
}

/* --------------------------------------------------------------- DWARF -- */

struct dr {
	const uint8_t *d;
	uint64_t len, pos;
	int err;
};

static uint64_t dr_fixed(struct dr *r, int n)
{
	uint64_t v;

	if (r->err || !in_bounds(r->len, r->pos, n)) {
		r->err = 1;
		return 0;
	}
	v = get_uint(r->d + r->pos, n, 0);
	r->pos += n;
	return v;
}

static uint64_t dr_uleb(struct dr *r)
{
	uint64_t v = 0;
	int shift;

	for (shift = 0; !r->err; shift += 7) {
		uint8_t b;

		if (shift > 63 || r->pos >= r->len) {
			r->err = 1;
			break;
		}
		b = r->d[r->pos++];
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return v;
	}
	return 0;
}

static void dr_skip(struct dr *r, uint64_t n)
{
	if (r->err || !in_bounds(r->len, r->pos, n))
		r->err = 1;
	else
		r->pos += n;
}

struct abbrev {
	uint64_t code, tag, attrs; /* attrs: offset of the attribute specs */
	int children;
};

#define DW_MAX_ATTRS 256

/* Parses the abbreviation table at off into *out (malloc'ed). */
static int parse_abbrevs(const uint8_t *ab, uint64_t len, uint64_t off, struct abbrev **out,
			 size_t *n)
{
	struct dr r = { ab, len, off, 0 };
	struct abbrev *v = NULL;
	size_t cap = 0;

	*n = 0;
	while (!r.err) {
		struct abbrev a;
		int k;

		a.code = dr_uleb(&r);
		if (!a.code || r.err)
			break;
		a.tag = dr_uleb(&r);
		a.children = (int)dr_fixed(&r, 1);
		a.attrs = r.pos;
		for (k = 0;; k++) {
			uint64_t at = dr_uleb(&r), form = dr_uleb(&r);

			if (r.err || k > DW_MAX_ATTRS)
				goto bad;
			if (!at && !form)
				break;
			if (form == 0x21) /* implicit_const */
				dr_uleb(&r);
		}
		if (*n == cap) {
			struct abbrev *nv;

			cap = cap ? cap * 2 : 64;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				free(v);
				return -ENOMEM;
			}
			v = nv;
		}
		v[(*n)++] = a;
	}
	if (r.err)
		goto bad;
	*out = v;
	return 0;
bad:
	free(v);
	return -EINVAL;
}

static const struct abbrev *find_abbrev(const struct abbrev *v, size_t n, uint64_t code)
{
	size_t i;

	if (code - 1 < n && v[code - 1].code == code)
		return &v[code - 1];
	for (i = 0; i < n; i++)
		if (v[i].code == code)
			return &v[i];
	return NULL;
}

/*
 * Reads one attribute value of the given form; constants land in *val and
 * inline strings in *str, everything else is skipped.
 */
static void dr_attr(struct dr *r, uint64_t form, int addr_size, int version, uint64_t *val,
		    const char **str, int depth)
{
	uint64_t n;

	*val = 0;
	*str = NULL;
	switch (form) {
	case 0x01: /* addr */
		*val = dr_fixed(r, addr_size);
		break;
	case 0x0b: case 0x0c: case 0x11: case 0x25: case 0x29: /* data1 flag ref1 strx1 addrx1 */
		*val = dr_fixed(r, 1);
		break;
	case 0x05: case 0x12: case 0x26: case 0x2a: /* data2 ref2 strx2 addrx2 */
		*val = dr_fixed(r, 2);
		break;
	case 0x27: case 0x2b: /* strx3 addrx3 */
		*val = dr_fixed(r, 3);
		break;
	case 0x06: case 0x13: case 0x0e: case 0x17: case 0x1c: case 0x1d: case 0x1f:
	case 0x28: case 0x2c: case 0x1f20: case 0x1f21:
		*val = dr_fixed(r, 4);
		break;
	case 0x07: case 0x14: case 0x20: case 0x24: /* data8 ref8 ref_sig8 ref_sup8 */
		*val = dr_fixed(r, 8);
		break;
	case 0x1e: /* data16 */
		dr_skip(r, 16);
		break;
	case 0x10: /* ref_addr */
		*val = dr_fixed(r, version <= 2 ? addr_size : 4);
		break;
	case 0x0d: /* sdata */
	case 0x0f: case 0x15: case 0x1a: case 0x1b: case 0x22: case 0x23: case 0x1f01:
	case 0x1f02:
		*val = dr_uleb(r);
		break;
	case 0x08: /* string */
		if (!r->err && r->pos < r->len && memchr(r->d + r->pos, 0, r->len - r->pos)) {
			*str = (const char *)r->d + r->pos;
			r->pos += strlen(*str) + 1;
		} else {
			r->err = 1;
		}
		break;
	case 0x0a: case 0x03: case 0x04: case 0x09: case 0x18: /* blocks, exprloc */
		n = form == 0x0a ? dr_fixed(r, 1) : form == 0x03 ? dr_fixed(r, 2) :
		    form == 0x04 ? dr_fixed(r, 4) : dr_uleb(r);
		/* DW_OP_plus_uconst N: an old-style member location */
		if (!r->err && n >= 2 && in_bounds(r->len, r->pos, n) && r->d[r->pos] == 0x23) {
			struct dr e = { r->d + r->pos + 1, n - 1, 0, 0 };

			*val = dr_uleb(&e);
		}
		dr_skip(r, n);
		break;
	case 0x19: /* flag_present */
	case 0x21: /* implicit_const: the value is in the abbreviation */
		*val = 1;
		break;
	case 0x16: /* indirect */
		n = dr_uleb(r);
		if (depth > 0 || n == 0x16)
			r->err = 1;
		else
			dr_attr(r, n, addr_size, version, val, str, depth + 1);
		break;
	default:
		r->err = 1;
		break;
	}
}

/*
 * One pass over the units; with pkg set, units whose compile-unit name is
 * another package are skipped (Go emits one unit per package).
 */
static int member_offset(const void *info, size_t info_len, const void *abbrev,
			 size_t abbrev_len, const char *type, const char *member, const char *pkg,
			 size_t pkglen, int64_t *off)
{
	struct dr r = { info, info_len, 0, 0 };

	while (r.pos < r.len) {
		uint64_t unit_len, end, abbrev_off;
		struct abbrev *abs = NULL;
		size_t nabs;
		int version, addr_size, depth = 0, struct_depth = -1, err;

		unit_len = dr_fixed(&r, 4);
		if (r.err || unit_len >= 0xfffffff0 || !in_bounds(r.len, r.pos, unit_len))
			return -EINVAL;
		end = r.pos + unit_len;
		version = (int)dr_fixed(&r, 2);
		if (version >= 5) {
			dr_fixed(&r, 1); /* unit_type */
			addr_size = (int)dr_fixed(&r, 1);
			abbrev_off = dr_fixed(&r, 4);
		} else {
			abbrev_off = dr_fixed(&r, 4);
			addr_size = (int)dr_fixed(&r, 1);
		}
		if (r.err || version < 2 || version > 5 || (addr_size != 4 && addr_size != 8))
			return -EINVAL;
		err = parse_abbrevs(abbrev, abbrev_len, abbrev_off, &abs, &nabs);
		if (err)
			return err;
		/* Each DIE consumes at least its code byte: bounded by the unit length. */
		while (r.pos < end && !r.err) {
			const struct abbrev *a;
			const char *name = NULL;
			uint64_t code = dr_uleb(&r), loc = 0, at, form, val;
			int have_loc = 0;
			struct dr spec;

			if (!code) {
				depth--;
				if (struct_depth >= 0 && depth < struct_depth) {
					free(abs);
					return -ENOENT; /* the struct has no such member */
				}
				continue;
			}
			a = find_abbrev(abs, nabs, code);
			if (!a) {
				r.err = 1;
				break;
			}
			spec = (struct dr){ abbrev, abbrev_len, a->attrs, 0 };
			for (;;) {
				const char *str;

				at = dr_uleb(&spec);
				form = dr_uleb(&spec);
				if (spec.err || (!at && !form))
					break;
				if (form == 0x21) {
					val = dr_uleb(&spec);
					str = NULL;
				} else {
					dr_attr(&r, form, addr_size, version, &val, &str, 0);
				}
				if (at == 0x03) /* DW_AT_name */
					name = str;
				else if (at == 0x38) { /* DW_AT_data_member_location */
					loc = val;
					have_loc = 1;
				}
			}
			if (r.err || spec.err) {
				r.err = 1;
				break;
			}
			if (pkg && depth == 0 && a->tag == 0x11 && name &&
			    (strlen(name) != pkglen || memcmp(name, pkg, pkglen)))
				break; /* another package's unit */
			if (struct_depth < 0 && a->tag == 0x13 && a->children && name &&
			    !strcmp(name, type))
				struct_depth = depth + 1;
			else if (depth == struct_depth && a->tag == 0x0d && name &&
				 !strcmp(name, member)) {
				free(abs);
				if (!have_loc || loc > INT32_MAX)
					return -EINVAL;
				*off = (int64_t)loc;
				return 0;
			}
			if (a->children)
				depth++;
		}
		free(abs);
		if (r.err)
			return -EINVAL;
		if (struct_depth >= 0)
			return -ENOENT;
		r.pos = end;
	}
	return -ENOENT;
}

int godwarf_member_offset(const void *info, size_t info_len, const void *abbrev,
			  size_t abbrev_len, const char *type, const char *member, int64_t *off)
{
	const char *dot;
	int err;

	if (!info || !abbrev || !type || !member || !off)
		return -EINVAL;
	/* The unit of the type's package first ("runtime" for runtime.g), then all. */
	dot = strrchr(type, '.');
	if (dot) {
		err = member_offset(info, info_len, abbrev, abbrev_len, type, member, type,
				    (size_t)(dot - type), off);
		if (err != -ENOENT)
			return err;
	}
	return member_offset(info, info_len, abbrev, abbrev_len, type, member, NULL, 0, off);
}

/* One DIE's attributes that godwarf_func_params() needs. */
struct die {
	uint64_t tag, type;	/* type: absolute .debug_info offset, 0 when none */
	const char *name;
	int children, var_param, go_kind;
};

/* Reads the DIE at r->pos of a unit starting at unit; code 0 gives tag 0. */
static int read_die(struct dr *r, const struct abbrev *abs, size_t nabs, const uint8_t *abbrev,
		    size_t abbrev_len, int addr_size, int version, uint64_t unit, struct die *d)
{
	uint64_t code = dr_uleb(r), at, form, val;
	const struct abbrev *a;
	struct dr spec;

	memset(d, 0, sizeof(*d));
	if (r->err)
		return -EINVAL;
	if (!code)
		return 0;
	a = find_abbrev(abs, nabs, code);
	if (!a)
		return -EINVAL;
	d->tag = a->tag;
	d->children = a->children;
	spec = (struct dr){ abbrev, abbrev_len, a->attrs, 0 };
	for (;;) {
		const char *str = NULL;

		at = dr_uleb(&spec);
		form = dr_uleb(&spec);
		if (spec.err || (!at && !form))
			break;
		if (form == 0x21)
			val = dr_uleb(&spec);
		else
			dr_attr(r, form, addr_size, version, &val, &str, 0);
		if (at == 0x03) /* DW_AT_name */
			d->name = str;
		else if (at == 0x49) /* DW_AT_type: ref_addr is absolute, ref1-8 unit-relative */
			d->type = form == 0x10 ? val : unit + val;
		else if (at == 0x4b) /* DW_AT_variable_parameter: a result in Go */
			d->var_param = val != 0;
		else if (at == 0x2900) /* DW_AT_go_kind: reflect.Kind */
			d->go_kind = (int)val;
	}
	return r->err || spec.err ? -EINVAL : 0;
}

struct unit {
	uint64_t start, dies, end;
	int version, addr_size;
	uint64_t abbrev_off;
};

static int read_unit(struct dr *r, struct unit *u)
{
	uint64_t len;

	u->start = r->pos;
	len = dr_fixed(r, 4);
	if (r->err || len >= 0xfffffff0 || !in_bounds(r->len, r->pos, len))
		return -EINVAL;
	u->end = r->pos + len;
	u->version = (int)dr_fixed(r, 2);
	if (u->version >= 5) {
		dr_fixed(r, 1);
		u->addr_size = (int)dr_fixed(r, 1);
		u->abbrev_off = dr_fixed(r, 4);
	} else {
		u->abbrev_off = dr_fixed(r, 4);
		u->addr_size = (int)dr_fixed(r, 1);
	}
	if (r->err || u->version < 2 || u->version > 5 || (u->addr_size != 4 && u->addr_size != 8))
		return -EINVAL;
	u->dies = r->pos;
	return 0;
}

/* Name and kind of the type DIE at absolute offset off (following typedefs without a kind). */
static int type_at(const uint8_t *info, size_t info_len, const uint8_t *abbrev, size_t abbrev_len,
		   uint64_t off, struct godwarf_param *p)
{
	for (int hop = 0; hop < 8; hop++) {
		struct dr r = { info, info_len, 0, 0 };
		struct abbrev *abs;
		struct unit u;
		size_t nabs;
		struct die d;
		int err;

		/* The unit holding off: unit headers chain by their lengths. */
		do {
			if (read_unit(&r, &u))
				return -EINVAL;
			r.pos = u.end;
		} while (off >= u.end);
		if (off < u.dies)
			return -EINVAL;
		err = parse_abbrevs(abbrev, abbrev_len, u.abbrev_off, &abs, &nabs);
		if (err)
			return err;
		r.pos = off;
		err = read_die(&r, abs, nabs, abbrev, abbrev_len, u.addr_size, u.version, u.start, &d);
		free(abs);
		if (err)
			return err;
		if (d.name && !p->type[0])
			snprintf(p->type, sizeof(p->type), "%s", d.name);
		if (d.go_kind || !d.type) {
			p->kind = d.go_kind;
			return 0;
		}
		off = d.type;
	}
	return 0;
}

int godwarf_func_params(const void *info, size_t info_len, const void *abbrev,
			size_t abbrev_len, const char *func, struct godwarf_param *p, size_t max,
			size_t *n)
{
	struct dr r = { info, info_len, 0, 0 };
	const char *slash, *dot;
	size_t pkglen, cnt = 0;
	uint64_t types[64];

	if (!info || !abbrev || !func || !p || !n)
		return -EINVAL;
	/* Go emits one unit per package: "net/http" for "net/http.(*conn).serve". */
	slash = strrchr(func, '/');
	dot = strchr(slash ? slash : func, '.');
	pkglen = dot ? (size_t)(dot - func) : strlen(func);
	while (r.pos < r.len) {
		struct abbrev *abs = NULL;
		int depth = 0, in_func = 0, err;
		struct unit u;
		size_t nabs;

		if (read_unit(&r, &u))
			return -EINVAL;
		err = parse_abbrevs(abbrev, abbrev_len, u.abbrev_off, &abs, &nabs);
		if (err)
			return err;
		while (r.pos < u.end && !r.err) {
			struct die d;

			if (read_die(&r, abs, nabs, abbrev, abbrev_len, u.addr_size, u.version,
				     u.start, &d)) {
				r.err = 1;
				break;
			}
			if (!d.tag) {
				if (in_func && depth == 2)
					goto found;
				depth--;
				continue;
			}
			if (depth == 0 && d.tag == 0x11 && d.name &&
			    (strlen(d.name) != pkglen || memcmp(d.name, func, pkglen)))
				break; /* another package's unit */
			if (depth == 1 && d.tag == 0x2e && d.name && !strcmp(d.name, func)) {
				if (!d.children)
					goto found;
				in_func = 1;
			} else if (in_func && depth == 2 && d.tag == 0x05) {
				if (cnt == max || cnt == 64) {
					free(abs);
					return -E2BIG;
				}
				memset(&p[cnt], 0, sizeof(p[cnt]));
				/* "~r0", "~p0": the compiler's names for unnamed ones */
				if (d.name && d.name[0] != '~')
					snprintf(p[cnt].name, sizeof(p[cnt].name), "%s", d.name);
				p[cnt].is_result = d.var_param;
				types[cnt++] = d.type;
			}
			if (d.children)
				depth++;
		}
		free(abs);
		if (r.err)
			return -EINVAL;
		r.pos = u.end;
		continue;
found:
		free(abs);
		for (size_t i = 0; i < cnt; i++) {
			if (!types[i])
				return -EINVAL;
			err = type_at(info, info_len, abbrev, abbrev_len, types[i], &p[i]);
			if (err)
				return err;
		}
		*n = cnt;
		return 0;
	}
	return -ENOENT;
}

/* ----------------------------------------------------------------- ELF -- */

struct seg {
	uint64_t vaddr, memsz, off, filesz;
	uint32_t flags;
};

struct sect {
	const char *name;
	uint32_t type;
	uint64_t flags;
	uint64_t addr, off, size;
	uint32_t link;
	uint64_t entsize;
};

struct fsym {
	uint64_t addr, size;
	int abi0;
};

struct gobin {
	const uint8_t *map;
	size_t size;
	int owns_map;
	int is64, be;
	int machine;
	struct seg *segs;
	size_t nsegs;
	struct sect *sects;
	size_t nsects;
	struct fsym *syms; /* STT_FUNC, sorted by addr */
	size_t nsyms;
	uint64_t sym_pclntab, sym_epclntab, sym_text; /* 0 when absent */
	struct gopclntab pcln;
	int wrapper_id; /* funcID of wrappers, -1 when unknown */
	uint8_t *wrapper; /* per function: 1 for an ABI wrapper */
	struct gobuildinfo bi;
	int have_bi;
};

static uint64_t eu(const struct gobin *gb, const uint8_t *p, int size)
{
	return get_uint(p, size, gb->be);
}

static int parse_ehdr(struct gobin *gb, uint64_t *phoff, uint64_t *phnum, uint64_t *phentsize,
		      uint64_t *shoff, uint64_t *shnum, uint64_t *shentsize, uint64_t *shstrndx)
{
	const uint8_t *e = gb->map;

	if (gb->size < EI_NIDENT || memcmp(e, ELFMAG, SELFMAG))
		return -ENOEXEC;
	if (e[EI_CLASS] != ELFCLASS32 && e[EI_CLASS] != ELFCLASS64)
		return -ENOEXEC;
	if (e[EI_DATA] != ELFDATA2LSB && e[EI_DATA] != ELFDATA2MSB)
		return -ENOEXEC;
	gb->is64 = e[EI_CLASS] == ELFCLASS64;
	gb->be = e[EI_DATA] == ELFDATA2MSB;
	if (gb->size < (gb->is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr)))
		return -EINVAL;
	gb->machine = (int)eu(gb, e + 18, 2);
	if (gb->is64) {
		*phoff = eu(gb, e + 32, 8);
		*shoff = eu(gb, e + 40, 8);
		*phentsize = eu(gb, e + 54, 2);
		*phnum = eu(gb, e + 56, 2);
		*shentsize = eu(gb, e + 58, 2);
		*shnum = eu(gb, e + 60, 2);
		*shstrndx = eu(gb, e + 62, 2);
	} else {
		*phoff = eu(gb, e + 28, 4);
		*shoff = eu(gb, e + 32, 4);
		*phentsize = eu(gb, e + 42, 2);
		*phnum = eu(gb, e + 44, 2);
		*shentsize = eu(gb, e + 46, 2);
		*shnum = eu(gb, e + 48, 2);
		*shstrndx = eu(gb, e + 50, 2);
	}
	return 0;
}

static int parse_phdrs(struct gobin *gb, uint64_t phoff, uint64_t phnum, uint64_t phentsize)
{
	uint64_t i, need = gb->is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);

	if (!phnum)
		return 0;
	if (phentsize < need || !in_bounds(gb->size, phoff, phnum * phentsize))
		return -EINVAL;
	gb->segs = calloc(phnum, sizeof(*gb->segs));
	if (!gb->segs)
		return -ENOMEM;
	for (i = 0; i < phnum; i++) {
		const uint8_t *p = gb->map + phoff + i * phentsize;
		struct seg *s = &gb->segs[gb->nsegs];

		if (eu(gb, p, 4) != PT_LOAD)
			continue;
		if (gb->is64) {
			s->flags = (uint32_t)eu(gb, p + 4, 4);
			s->off = eu(gb, p + 8, 8);
			s->vaddr = eu(gb, p + 16, 8);
			s->filesz = eu(gb, p + 32, 8);
			s->memsz = eu(gb, p + 40, 8);
		} else {
			s->off = eu(gb, p + 4, 4);
			s->vaddr = eu(gb, p + 8, 4);
			s->filesz = eu(gb, p + 16, 4);
			s->memsz = eu(gb, p + 20, 4);
			s->flags = (uint32_t)eu(gb, p + 24, 4);
		}
		/* Clip the file part to the file so later reads stay inside the mapping. */
		if (s->off > gb->size)
			s->filesz = 0;
		else if (s->filesz > gb->size - s->off)
			s->filesz = gb->size - s->off;
		if (s->vaddr + s->filesz < s->vaddr)
			s->filesz = 0;
		gb->nsegs++;
	}
	return 0;
}

static int parse_shdrs(struct gobin *gb, uint64_t shoff, uint64_t shnum, uint64_t shentsize,
		       uint64_t shstrndx)
{
	uint64_t i, need = gb->is64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr);
	const struct sect *strs;

	if (!shoff)
		return 0;
	if (shentsize < need || !in_bounds(gb->size, shoff, shentsize))
		return -EINVAL;
	/* Extended numbering: the real counts live in section 0. */
	if (shnum == 0)
		shnum = eu(gb, gb->map + shoff + (gb->is64 ? 32 : 20), gb->is64 ? 8 : 4);
	if (shstrndx == SHN_XINDEX)
		shstrndx = eu(gb, gb->map + shoff + (gb->is64 ? 40 : 24), 4);
	if (shnum > gb->size / need || !in_bounds(gb->size, shoff, shnum * shentsize))
		return -EINVAL;
	gb->sects = calloc(shnum ? shnum : 1, sizeof(*gb->sects));
	if (!gb->sects)
		return -ENOMEM;
	gb->nsects = shnum;
	for (i = 0; i < shnum; i++) {
		const uint8_t *p = gb->map + shoff + i * shentsize;
		struct sect *s = &gb->sects[i];

		s->type = (uint32_t)eu(gb, p + 4, 4);
		if (gb->is64) {
			s->flags = eu(gb, p + 8, 8);
			s->addr = eu(gb, p + 16, 8);
			s->off = eu(gb, p + 24, 8);
			s->size = eu(gb, p + 32, 8);
			s->link = (uint32_t)eu(gb, p + 40, 4);
			s->entsize = eu(gb, p + 56, 8);
		} else {
			s->flags = eu(gb, p + 8, 4);
			s->addr = eu(gb, p + 12, 4);
			s->off = eu(gb, p + 16, 4);
			s->size = eu(gb, p + 20, 4);
			s->link = (uint32_t)eu(gb, p + 24, 4);
			s->entsize = eu(gb, p + 36, 4);
		}
		/* A section whose bytes are not in the file has no data for us. */
		if (s->type == SHT_NOBITS || !in_bounds(gb->size, s->off, s->size))
			s->size = 0;
	}
	if (shstrndx >= shnum)
		return 0;
	strs = &gb->sects[shstrndx];
	for (i = 0; i < shnum; i++) {
		uint64_t no = eu(gb, gb->map + shoff + i * shentsize, 4);

		if (no < strs->size)
			gb->sects[i].name = cstr_at(gb->map + strs->off, strs->size, no);
	}
	return 0;
}

static const struct sect *find_sect(const struct gobin *gb, const char *name)
{
	size_t i;

	for (i = 0; i < gb->nsects; i++)
		if (gb->sects[i].name && !strcmp(gb->sects[i].name, name) && gb->sects[i].size)
			return &gb->sects[i];
	return NULL;
}

static int cmp_sym(const void *a, const void *b)
{
	const struct fsym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	/* At one address prefer the sized, non-ABI0 symbol. */
	if (x->abi0 != y->abi0)
		return x->abi0 - y->abi0;
	return (x->size < y->size) - (x->size > y->size);
}

static int load_symtab(struct gobin *gb)
{
	const struct sect *st = NULL, *str;
	uint64_t i, n, esz = gb->is64 ? sizeof(Elf64_Sym) : sizeof(Elf32_Sym);
	size_t k;

	for (k = 0; k < gb->nsects; k++)
		if (gb->sects[k].type == SHT_SYMTAB && gb->sects[k].size) {
			st = &gb->sects[k];
			break;
		}
	if (!st || st->link >= gb->nsects)
		return 0;
	str = &gb->sects[st->link];
	n = st->size / esz;
	if (!n || !str->size)
		return 0;
	gb->syms = calloc(n, sizeof(*gb->syms));
	if (!gb->syms)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		const uint8_t *p = gb->map + st->off + i * esz;
		uint64_t nameoff = eu(gb, p, 4), value, size;
		const char *name;
		int type;

		if (gb->is64) {
			type = p[4] & 0xf;
			value = eu(gb, p + 8, 8);
			size = eu(gb, p + 16, 8);
		} else {
			value = eu(gb, p + 4, 4);
			size = eu(gb, p + 8, 4);
			type = p[12] & 0xf;
		}
		name = nameoff < str->size ? cstr_at(gb->map + str->off, str->size, nameoff) : NULL;
		if (!name)
			continue;
		if (!strcmp(name, "runtime.pclntab"))
			gb->sym_pclntab = value;
		else if (!strcmp(name, "runtime.epclntab"))
			gb->sym_epclntab = value;
		else if (!strcmp(name, "runtime.text"))
			gb->sym_text = value;
		if (type != STT_FUNC || !value)
			continue;
		gb->syms[gb->nsyms].addr = value;
		gb->syms[gb->nsyms].size = size;
		k = strlen(name);
		gb->syms[gb->nsyms].abi0 = k > 5 && !strcmp(name + k - 5, ".abi0");
		gb->nsyms++;
	}
	qsort(gb->syms, gb->nsyms, sizeof(*gb->syms), cmp_sym);
	return 0;
}

static const struct fsym *sym_at(const struct gobin *gb, uint64_t addr)
{
	size_t lo = 0, hi = gb->nsyms;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (gb->syms[mid].addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < gb->nsyms && gb->syms[lo].addr == addr ? &gb->syms[lo] : NULL;
}

/* Pointer to n file bytes at vaddr, when they lie in one segment's file part. */
static const uint8_t *vaddr_ptr(const struct gobin *gb, uint64_t vaddr, uint64_t n)
{
	size_t i;

	for (i = 0; i < gb->nsegs; i++) {
		const struct seg *s = &gb->segs[i];

		if (vaddr >= s->vaddr && vaddr - s->vaddr < s->filesz &&
		    n <= s->filesz - (vaddr - s->vaddr))
			return gb->map + s->off + (vaddr - s->vaddr);
	}
	return NULL;
}

static int read_vaddr(void *ctx, uint64_t vaddr, void *dst, size_t n)
{
	const uint8_t *p = vaddr_ptr(ctx, vaddr, n);

	if (!p)
		return -ENOENT;
	memcpy(dst, p, n);
	return 0;
}

/* Start of Go's text when pclntab does not record it. */
static uint64_t text_fallback(const struct gobin *gb)
{
	const struct sect *t;
	size_t i;

	if (gb->sym_text)
		return gb->sym_text;
	t = find_sect(gb, ".text");
	if (t)
		return t->addr;
	for (i = 0; i < gb->nsegs; i++)
		if (gb->segs[i].flags & PF_X)
			return gb->segs[i].vaddr;
	return 0;
}

/* A table that parses and whose first function decodes. */
static int try_pclntab(struct gobin *gb, const uint8_t *p, uint64_t len)
{
	struct gopcln_func f;
	struct gopclntab pt;

	/* Checking the first and last function rejects look-alikes found by scanning. */
	if (gopclntab_parse(p, len, text_fallback(gb), &pt))
		return -ENOEXEC;
	if (!pt.nfunc || gopclntab_func(&pt, 0, &f) || gopclntab_func(&pt, pt.nfunc - 1, &f))
		return -ENOEXEC;
	gb->pcln = pt;
	return 0;
}

static int find_pclntab(struct gobin *gb)
{
	static const char *names[] = { ".gopclntab", ".data.rel.ro.gopclntab" };
	const struct sect *s;
	size_t i;

	for (i = 0; i < 2; i++) {
		s = find_sect(gb, names[i]);
		if (s && !try_pclntab(gb, gb->map + s->off, s->size))
			return 0;
	}
	if (gb->sym_pclntab) {
		for (i = 0; i < gb->nsegs; i++) {
			const struct seg *g = &gb->segs[i];
			uint64_t len;

			if (gb->sym_pclntab < g->vaddr || gb->sym_pclntab - g->vaddr >= g->filesz)
				continue;
			len = g->filesz - (gb->sym_pclntab - g->vaddr);
			if (gb->sym_epclntab > gb->sym_pclntab &&
			    gb->sym_epclntab - gb->sym_pclntab < len)
				len = gb->sym_epclntab - gb->sym_pclntab;
			if (!try_pclntab(gb, gb->map + g->off + (gb->sym_pclntab - g->vaddr), len))
				return 0;
		}
	}
	/* Scan the non-executable segments for the header, pointer-aligned. */
	for (i = 0; i < gb->nsegs; i++) {
		const struct seg *g = &gb->segs[i];
		const uint8_t *base;
		uint64_t o;

		if ((g->flags & PF_X) || !g->filesz)
			continue;
		base = gb->map + g->off;
		for (o = 0; o + 16 <= g->filesz; o += 4) {
			if (base[o + 1] != 0xff || base[o + 2] != 0xff || base[o + 4] || base[o + 5])
				continue;
			if (!try_pclntab(gb, base + o, g->filesz - o))
				return 0;
		}
	}
	return -ENOEXEC;
}

static void find_buildinfo(struct gobin *gb)
{
	const struct sect *s = find_sect(gb, ".go.buildinfo");
	size_t i;

	if (s && !gobuildinfo_parse(gb->map + s->off, s->size, read_vaddr, gb, &gb->bi)) {
		gb->have_bi = 1;
		return;
	}
	/* Without sections: near the start of a writable data segment, 16-aligned. */
	for (i = 0; i < gb->nsegs; i++) {
		const struct seg *g = &gb->segs[i];
		uint64_t o, lim = g->filesz < 65536 ? g->filesz : 65536;

		if ((g->flags & PF_X) || !(g->flags & PF_W))
			continue;
		for (o = 0; o + 32 <= lim; o += 16) {
			if (gb->map[g->off + o] != 0xff)
				continue;
			if (!gobuildinfo_parse(gb->map + g->off + o, g->filesz - o, read_vaddr, gb,
					       &gb->bi)) {
				gb->have_bi = 1;
				return;
			}
		}
	}
}

/* Parses "goMAJOR.MINOR..." into major and minor; -EINVAL otherwise. */
static int parse_go_version(const char *v, int *major, int *minor)
{
	char *end;
	long a, b;

	if (!v || strncmp(v, "go", 2))
		return -EINVAL;
	a = strtol(v + 2, &end, 10);
	if (end == v + 2 || *end != '.')
		return -EINVAL;
	v = end + 1;
	b = strtol(v, &end, 10);
	if (end == v || a < 0 || a > 1000 || b < 0 || b > 1000)
		return -EINVAL;
	*major = (int)a;
	*minor = (int)b;
	return 0;
}

/*
 * funcID of wrappers: 21 on Go 1.18-1.22 (funcID_wrapper, later
 * abi.FuncIDWrapper); Go 1.23 inserted corostart before it.
 */
static int wrapper_func_id(const struct gobin *gb)
{
	int major, minor;

	if (gb->pcln.version < GOPCLN_118)
		return -1;
	if (!gb->have_bi || parse_go_version(gb->bi.version, &major, &minor) || major != 1)
		return gb->pcln.version == GOPCLN_118 ? 21 : -1;
	if (minor >= 18 && minor <= 22)
		return 21;
	if (minor >= 23 && minor <= 26)
		return 22;
	return -1;
}

struct name_ix {
	const char *name;
	uint64_t entry, end;
	uint32_t i;
	uint8_t func_id;
};

static int cmp_name(const void *a, const void *b)
{
	const struct name_ix *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : (x->i > y->i) - (x->i < y->i);
}

/*
 * An ABI wrapper is the second copy of a function under the same name in
 * pclntab (Go >= 1.17 generates one per function called across ABIs). Of
 * each group of same-named entries: the ones with the wrapper funcID when
 * the others lack it; else the ones .symtab calls "<name>.abi0"; else all
 * but the largest. funcID alone is not enough: Go also gives it to real
 * functions (runtime.deferreturn, WRAPPER assembly, method wrappers).
 */
static int mark_wrappers(struct gobin *gb)
{
	struct name_ix *v;
	size_t n = 0, i, j, k;

	gb->wrapper = calloc(gb->pcln.nfunc ? gb->pcln.nfunc : 1, 1);
	v = calloc(gb->pcln.nfunc ? gb->pcln.nfunc : 1, sizeof(*v));
	if (!gb->wrapper || !v) {
		free(v);
		return -ENOMEM;
	}
	for (i = 0; i < gb->pcln.nfunc; i++) {
		struct gopcln_func f;

		if (gopclntab_func(&gb->pcln, i, &f))
			continue;
		v[n].name = f.name;
		v[n].entry = f.entry;
		v[n].end = f.end;
		v[n].i = (uint32_t)i;
		v[n].func_id = f.func_id;
		n++;
	}
	qsort(v, n, sizeof(*v), cmp_name);
	for (i = 0; i < n; i = j) {
		size_t nid = 0, nabi0 = 0, big = i;

		for (j = i + 1; j < n && !strcmp(v[j].name, v[i].name); j++)
			;
		if (j - i < 2)
			continue;
		for (k = i; k < j; k++) {
			const struct fsym *s = sym_at(gb, v[k].entry);

			nid += gb->wrapper_id >= 0 && v[k].func_id == gb->wrapper_id;
			nabi0 += s && s->abi0;
			if (v[k].end - v[k].entry > v[big].end - v[big].entry)
				big = k;
		}
		for (k = i; k < j; k++) {
			const struct fsym *s = sym_at(gb, v[k].entry);
			int w;

			if (nid && nid < j - i)
				w = v[k].func_id == gb->wrapper_id;
			else if (nabi0 && nabi0 < j - i)
				w = s && s->abi0;
			else
				w = k != big;
			gb->wrapper[v[k].i] = (uint8_t)w;
		}
	}
	free(v);
	return 0;
}

static int gobin_init(struct gobin *gb)
{
	uint64_t phoff, phnum, phentsize, shoff, shnum, shentsize, shstrndx;
	int err;

	err = parse_ehdr(gb, &phoff, &phnum, &phentsize, &shoff, &shnum, &shentsize, &shstrndx);
	if (!err)
		err = parse_phdrs(gb, phoff, phnum, phentsize);
	if (!err)
		err = parse_shdrs(gb, shoff, shnum, shentsize, shstrndx);
	if (!err)
		err = load_symtab(gb);
	if (!err)
		err = find_pclntab(gb);
	if (err)
		return err;
	find_buildinfo(gb);
	gb->wrapper_id = wrapper_func_id(gb);
	return mark_wrappers(gb);
}

int gobin_open_mem(const void *buf, size_t len, struct gobin **out)
{
	struct gobin *gb;
	int err;

	if (!buf || !out)
		return -EINVAL;
	*out = NULL;
	gb = calloc(1, sizeof(*gb));
	if (!gb)
		return -ENOMEM;
	gb->map = buf;
	gb->size = len;
	err = gobin_init(gb);
	if (err) {
		gobin_close(gb);
		return err;
	}
	*out = gb;
	return 0;
}

int gobin_open(const char *path, struct gobin **out)
{
	struct stat st;
	void *map;
	int fd, err;

	if (!path || !out)
		return -EINVAL;
	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		err = -errno;
		close(fd);
		return err;
	}
	if (!S_ISREG(st.st_mode) || st.st_size < EI_NIDENT) {
		close(fd);
		return S_ISDIR(st.st_mode) ? -EISDIR : -ENOEXEC;
	}
	/*
	 * MAP_SHARED, not MAP_PRIVATE: the kernel writes uprobe breakpoints
	 * into every private file mapping that may execute, even a read-only
	 * one like this, so while another tracer probes this binary a private
	 * mapping shows INT3 where its RETs are. Shared mappings are left alone.
	 */
	map = mmap(NULL, st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	err = map == MAP_FAILED ? -errno : 0;
	close(fd);
	if (err)
		return err;
	err = gobin_open_mem(map, st.st_size, out);
	if (err) {
		munmap(map, st.st_size);
		return err;
	}
	(*out)->owns_map = 1;
	return 0;
}

void gobin_close(struct gobin *gb)
{
	if (!gb)
		return;
	if (gb->owns_map)
		munmap((void *)gb->map, gb->size);
	free(gb->segs);
	free(gb->sects);
	free(gb->syms);
	free(gb->wrapper);
	free(gb);
}

const char *gobin_go_version(const struct gobin *gb)
{
	return gb && gb->have_bi ? gb->bi.version : NULL;
}

const char *gobin_main_module(const struct gobin *gb)
{
	return gb && gb->have_bi && gb->bi.module[0] ? gb->bi.module : NULL;
}

int gobin_machine(const struct gobin *gb)
{
	return gb ? gb->machine : 0;
}

int gobin_goid_offset_for(const char *go_version, int machine)
{
	int major, minor;

	if (machine != EM_X86_64 && machine != EM_AARCH64)
		return -ENOTSUP;
	if (parse_go_version(go_version, &major, &minor) || major != 1)
		return -ENOTSUP;
	if (minor >= 12 && minor <= 22)
		return 152;
	if (minor >= 23 && minor <= 24)
		return 160;
	if (minor >= 25 && minor <= 26)
		return 152;
	return -ENOTSUP;
}

#define DEBUG_MAX (512ULL << 20)

/*
 * Uncompressed bytes of a DWARF section: plain, SHF_COMPRESSED (zlib) or
 * Go's older .zdebug_ form ("ZLIB" + 8-byte big-endian size). *buf is
 * malloc'ed when the data had to be inflated.
 */
static int debug_section(const struct gobin *gb, const char *name, const uint8_t **data,
			 uint64_t *len, uint8_t **buf)
{
	const struct sect *s = find_sect(gb, name);
	const uint8_t *src;
	uint64_t size, srclen;
	uLongf outlen;
	char zname[64];

	*buf = NULL;
	if (s && !(s->flags & SHF_COMPRESSED)) {
		*data = gb->map + s->off;
		*len = s->size;
		return 0;
	}
	if (s) {
		unsigned int hdr = gb->is64 ? 24 : 12;

		if (s->size < hdr || eu(gb, gb->map + s->off, 4) != ELFCOMPRESS_ZLIB)
			return -ENOTSUP;
		size = gb->is64 ? eu(gb, gb->map + s->off + 8, 8) : eu(gb, gb->map + s->off + 4, 4);
		src = gb->map + s->off + hdr;
		srclen = s->size - hdr;
	} else {
		snprintf(zname, sizeof(zname), ".z%s", name + 1);
		s = find_sect(gb, zname);
		if (!s)
			return -ENOENT;
		if (s->size < 12 || memcmp(gb->map + s->off, "ZLIB", 4))
			return -ENOTSUP;
		size = get_uint(gb->map + s->off + 4, 8, 1);
		src = gb->map + s->off + 12;
		srclen = s->size - 12;
	}
	/* zlib cannot expand more than about 1032:1; refuse absurd sizes. */
	if (!size || size > DEBUG_MAX || size / 1032 > srclen)
		return -EINVAL;
	*buf = malloc(size);
	if (!*buf)
		return -ENOMEM;
	outlen = (uLongf)size;
	if (uncompress(*buf, &outlen, src, (uLong)srclen) != Z_OK || outlen != size) {
		free(*buf);
		*buf = NULL;
		return -EINVAL;
	}
	*data = *buf;
	*len = size;
	return 0;
}

static int dwarf_goid_offset(const struct gobin *gb)
{
	const uint8_t *info, *abbrev;
	uint64_t info_len, abbrev_len;
	uint8_t *b1 = NULL, *b2 = NULL;
	int64_t off = -1;
	int err;

	err = debug_section(gb, ".debug_info", &info, &info_len, &b1);
	if (!err)
		err = debug_section(gb, ".debug_abbrev", &abbrev, &abbrev_len, &b2);
	if (!err)
		err = godwarf_member_offset(info, info_len, abbrev, abbrev_len, "runtime.g",
					    "goid", &off);
	free(b1);
	free(b2);
	return err ? err : (int)off;
}

int gobin_goid_offset(const struct gobin *gb)
{
	int off;

	if (!gb)
		return -EINVAL;
	off = dwarf_goid_offset(gb);
	if (off >= 0)
		return off;
	return gobin_goid_offset_for(gobin_go_version(gb), gb->machine);
}

int gobin_func_params(const struct gobin *gb, const char *func, struct godwarf_param *p,
		      size_t max, size_t *n)
{
	const uint8_t *info, *abbrev;
	uint64_t info_len, abbrev_len;
	uint8_t *b1 = NULL, *b2 = NULL;
	int err;

	if (!gb)
		return -EINVAL;
	err = debug_section(gb, ".debug_info", &info, &info_len, &b1);
	if (!err)
		err = debug_section(gb, ".debug_abbrev", &abbrev, &abbrev_len, &b2);
	if (!err)
		err = godwarf_func_params(info, info_len, abbrev, abbrev_len, func, p, max, n);
	free(b1);
	free(b2);
	return err;
}

size_t gobin_func_count(const struct gobin *gb)
{
	return gb ? gb->pcln.nfunc : 0;
}

int gobin_func(const struct gobin *gb, size_t i, struct gofunc *f)
{
	struct gopcln_func pf;
	const struct fsym *s;
	int err;

	if (!gb || !f)
		return -EINVAL;
	err = gopclntab_func(&gb->pcln, i, &pf);
	if (err)
		return err;
	f->name = pf.name;
	f->entry = pf.entry;
	f->end = pf.end;
	f->index = i;
	f->is_wrapper = gb->wrapper && gb->wrapper[i];
	s = sym_at(gb, pf.entry);
	if (s && s->size && s->size <= pf.end - pf.entry)
		f->end = pf.entry + s->size;
	return 0;
}

int gobin_find_func(const struct gobin *gb, const char *name, struct gofunc *f)
{
	struct gofunc tmp;
	size_t i;

	if (!gb || !name || !f)
		return -EINVAL;
	for (i = 0; i < gb->pcln.nfunc; i++) {
		if (gobin_func(gb, i, &tmp) || tmp.is_wrapper || strcmp(tmp.name, name))
			continue;
		*f = tmp;
		return 0;
	}
	return -ENOENT;
}

int gobin_match_func(const struct gobin *gb, const char *pattern, size_t *iter,
		     struct gofunc *f)
{
	struct gofunc tmp;

	if (!gb || !pattern || !iter || !f)
		return -EINVAL;
	for (; *iter < gb->pcln.nfunc; (*iter)++) {
		if (gobin_func(gb, *iter, &tmp) || tmp.is_wrapper ||
		    fnmatch(pattern, tmp.name, 0))
			continue;
		(*iter)++;
		*f = tmp;
		return 0;
	}
	return -ENOENT;
}

int gobin_pc_info(const struct gobin *gb, uint64_t pc, struct gofunc *f, const char **file,
		  int *line)
{
	struct gofunc tmp;
	size_t idx;
	int err;

	if (!gb)
		return -EINVAL;
	if (file)
		*file = NULL;
	if (line)
		*line = 0;
	err = gopclntab_find(&gb->pcln, pc, &idx);
	if (!err)
		err = gobin_func(gb, idx, &tmp);
	if (err)
		return err;
	if (f)
		*f = tmp;
	if (gopclntab_line(&gb->pcln, idx, pc, file, line)) {
		if (file)
			*file = NULL;
		if (line)
			*line = 0;
	}
	return 0;
}

int gobin_symbolize(const struct gobin *gb, uint64_t pc, char *buf, size_t size)
{
	struct gofunc f;
	const char *file;
	int line, err;

	if (!buf || !size)
		return -EINVAL;
	buf[0] = 0;
	err = gobin_pc_info(gb, pc, &f, &file, &line);
	if (err)
		return err;
	if (file)
		snprintf(buf, size, "%s %s:%d", f.name, file, line);
	else
		snprintf(buf, size, "%s+0x%llx", f.name, (unsigned long long)(pc - f.entry));
	return 0;
}

int gobin_vaddr_to_offset(const struct gobin *gb, uint64_t vaddr, uint64_t *off)
{
	size_t i;

	if (!gb || !off)
		return -EINVAL;
	for (i = 0; i < gb->nsegs; i++) {
		const struct seg *s = &gb->segs[i];

		if (vaddr >= s->vaddr && vaddr - s->vaddr < s->filesz) {
			*off = s->off + (vaddr - s->vaddr);
			return 0;
		}
	}
	return -ENOENT;
}

int gobin_ret_sites(const struct gobin *gb, const struct gofunc *f, uint64_t *vaddrs,
		    size_t max, size_t *n)
{
	const uint8_t *code;
	uint64_t len, pos;
	size_t found = 0;

	if (!gb || !f || !n || (max && !vaddrs))
		return -EINVAL;
	*n = 0;
	if (f->end <= f->entry)
		return -EINVAL;
	len = f->end - f->entry;
	code = vaddr_ptr(gb, f->entry, len);
	if (!code)
		return -ENOENT;

	switch (gb->machine) {
	case EM_X86_64:
		for (pos = 0; pos < len;) {
			int l = x86_insn_len(code + pos, len - pos);

			if (l < 0)
				return -EILSEQ;
			if (x86_insn_is_ret(code + pos, l)) {
				if (found < max)
					vaddrs[found] = f->entry + pos;
				found++;
			}
			pos += l;
		}
		break;
	case EM_AARCH64:
		if (f->entry % 4)
			return -EINVAL;
		for (pos = 0; pos + 4 <= len; pos += 4) {
			uint32_t insn = (uint32_t)get_uint(code + pos, 4, gb->be);

			if ((insn & ~(0x1fU << 5)) == 0xd65f0000) {
				if (found < max)
					vaddrs[found] = f->entry + pos;
				found++;
			}
		}
		break;
	default:
		return -ENOTSUP;
	}
	*n = found;
	return found > max ? -E2BIG : 0;
}
