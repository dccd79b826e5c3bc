/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * Go binaries: ELF through libelf, DWARF through libdw (from the binary or
 * its separate debug file), and Go's own tables, which no C library reads:
 * pclntab (pclntab.c) and .go.buildinfo (buildinfo.c). This file ties them
 * together: where the tables are, which functions are ABI wrappers, lines,
 * file offsets and RET sites for uprobes.
 *
 * The file is untrusted input: libelf checks the headers, and the bytes
 * this file reads itself (segments, pclntab, code) are bounds-checked.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <libgen.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <gelf.h>
#include <elfutils/libdwelf.h>

#include "go/gobin.h"
#include "go/gobytes.h"
#include "go/godwarf.h"
#include "go/x86_insn.h"

/* ----------------------------------------------------------------- ELF -- */

struct seg {
	uint64_t vaddr, memsz, off, filesz;
	uint32_t flags;
};

struct fsym {
	uint64_t addr, size;
	int abi0;
};

/* A separate debug file, or the binary itself, opened for libdw. */
struct dbg {
	int fd;
	Elf *elf;
	Dwarf *dw;
};

struct gobin {
	const uint8_t *map;
	size_t size;
	int owns_map;
	uint8_t *copy;		/* a native-order copy for libelf, when the file is not */
	uint8_t *dwcopy;	/* a copy of a caller's buffer for libdw */
	Elf *elf;
	char *path;		/* for the separate debug file, NULL from memory */
	int is64, be;
	int machine;
	struct seg *segs;
	size_t nsegs;
	struct fsym *syms; /* STT_FUNC, sorted by addr */
	size_t nsyms;
	uint64_t sym_pclntab, sym_epclntab, sym_text; /* 0 when absent */
	uint64_t sym_gofunc;	/* go:func.* (go.func.* before Go 1.20), 0 when absent */
	uint64_t sym_types;	/* runtime.types, 0 when absent */
	int types_tried;
	uint64_t types;		/* base of type descriptors' name offsets, 0 unknown */
	uint64_t pcln_vaddr;	/* where pclntab is loaded, 0 when unknown */
	int gofunc_tried;
	uint64_t gofunc;	/* base of funcdata offsets (Go 1.18+), 0 unknown */
	struct gopclntab pcln;
	int wrapper_id; /* funcID of wrappers, -1 when unknown */
	uint8_t *wrapper; /* per function: 1 for an ABI wrapper */
	struct gobuildinfo bi;
	int have_bi;
	int dwarf_tried;
	struct dbg dbg;
};

/* A section's header and its bytes in the file (size 0: none there). */
struct sect {
	GElf_Shdr sh;
	const uint8_t *data;
	uint64_t size;
};

static void elf_init_once(void)
{
	elf_version(EV_CURRENT);
}

static int elf_ready(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, elf_init_once);
	return elf_version(EV_CURRENT) == EV_NONE ? -ENOTSUP : 0;
}

/* The section named name with bytes in the file; 0 when found. */
static int find_sect(const struct gobin *gb, const char *name, struct sect *out)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;

	if (elf_getshdrstrndx(gb->elf, &shstrndx))
		return -ENOENT;
	while ((scn = elf_nextscn(gb->elf, scn))) {
		const char *n;

		if (!gelf_getshdr(scn, &out->sh) ||
		    !(n = elf_strptr(gb->elf, shstrndx, out->sh.sh_name)) || strcmp(n, name))
			continue;
		if (out->sh.sh_type == SHT_NOBITS || !out->sh.sh_size ||
		    !in_bounds(gb->size, out->sh.sh_offset, out->sh.sh_size))
			continue;
		out->data = gb->map + out->sh.sh_offset;
		out->size = out->sh.sh_size;
		return 0;
	}
	return -ENOENT;
}

static int load_segments(struct gobin *gb)
{
	size_t phnum, i;

	if (elf_getphdrnum(gb->elf, &phnum))
		return -EINVAL;
	if (!phnum)
		return 0;
	gb->segs = calloc(phnum, sizeof(*gb->segs));
	if (!gb->segs)
		return -ENOMEM;
	for (i = 0; i < phnum; i++) {
		struct seg *s = &gb->segs[gb->nsegs];
		GElf_Phdr ph;

		if (!gelf_getphdr(gb->elf, (int)i, &ph) || ph.p_type != PT_LOAD)
			continue;
		s->flags = ph.p_flags;
		s->off = ph.p_offset;
		s->vaddr = ph.p_vaddr;
		s->filesz = ph.p_filesz;
		s->memsz = ph.p_memsz;
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
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	Elf_Data *data;
	size_t n, i, k;

	while ((scn = elf_nextscn(gb->elf, scn)))
		if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_SYMTAB)
			break;
	if (!scn || !sh.sh_entsize || !(data = elf_getdata(scn, NULL)))
		return 0;
	n = data->d_size / sh.sh_entsize;
	if (!n)
		return 0;
	gb->syms = calloc(n, sizeof(*gb->syms));
	if (!gb->syms)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		const char *name;
		GElf_Sym sym;

		if (!gelf_getsym(data, (int)i, &sym) ||
		    !(name = elf_strptr(gb->elf, sh.sh_link, sym.st_name)))
			continue;
		if (!strcmp(name, "runtime.pclntab"))
			gb->sym_pclntab = sym.st_value;
		else if (!strcmp(name, "runtime.epclntab"))
			gb->sym_epclntab = sym.st_value;
		else if (!strcmp(name, "runtime.text"))
			gb->sym_text = sym.st_value;
		else if (!strcmp(name, "go:func.*") || !strcmp(name, "go.func.*"))
			gb->sym_gofunc = sym.st_value;
		else if (!strcmp(name, "runtime.types"))
			gb->sym_types = sym.st_value;
		if (GELF_ST_TYPE(sym.st_info) != STT_FUNC || !sym.st_value)
			continue;
		gb->syms[gb->nsyms].addr = sym.st_value;
		gb->syms[gb->nsyms].size = sym.st_size;
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
	struct sect t;
	size_t i;

	if (gb->sym_text)
		return gb->sym_text;
	if (!find_sect(gb, ".text", &t))
		return t.sh.sh_addr;
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
	for (size_t i = 0; i < gb->nsegs; i++) {
		const struct seg *g = &gb->segs[i];
		uint64_t off = (uint64_t)(p - gb->map);

		if (off >= g->off && off - g->off < g->filesz)
			gb->pcln_vaddr = g->vaddr + (off - g->off);
	}
	return 0;
}

static int find_pclntab(struct gobin *gb)
{
	static const char *names[] = { ".gopclntab", ".data.rel.ro.gopclntab" };
	struct sect s;
	size_t i;

	for (i = 0; i < 2; i++)
		if (!find_sect(gb, names[i], &s) && !try_pclntab(gb, s.data, s.size))
			return 0;
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

static int printable(uint8_t c)
{
	return c >= 0x20 && c < 0x7f;
}

/* Length of "go1.N[.M][rcK|betaK]" at p (up to n bytes), 0 when it is not one. */
static size_t version_len(const uint8_t *p, size_t n)
{
	size_t i = 4, parts = 0;

	if (n < 5 || memcmp(p, "go1.", 4))
		return 0;
	while (parts < 2) {
		size_t d = i;

		while (i < n && i - d < 3 && p[i] >= '0' && p[i] <= '9')
			i++;
		if (i == d)
			return 0;
		parts++;
		if (i < n && p[i] == '.' && parts < 2)
			i++;
		else
			break;
	}
	for (const char *suf = "rc\0beta\0"; *suf; suf += strlen(suf) + 1) {
		size_t l = strlen(suf), d;

		if (n - i > l && !memcmp(p + i, suf, l)) {
			d = i += l;
			while (i < n && i - d < 3 && p[i] >= '0' && p[i] <= '9')
				i++;
			if (i == d)
				return 0;
		}
	}
	return i;
}

/*
 * Some release builds carry no .go.buildinfo (esbuild 0.28, built by Go
 * 1.26). The runtime's own runtime.buildVersion string is still in the
 * read-only data, between bytes that are not text (as strings(1) shows
 * it): taken when exactly one such version string is there.
 */
static void find_version_string(struct gobin *gb)
{
	const uint8_t *found = NULL;
	size_t flen = 0, i;

	for (i = 0; i < gb->nsegs; i++) {
		const struct seg *g = &gb->segs[i];
		const uint8_t *base = gb->map + g->off, *p = base;
		uint64_t left = g->filesz;

		if (g->flags & (PF_X | PF_W))
			continue;
		while (left > 5 && (p = memmem(p, left, "go1.", 4))) {
			size_t off = (size_t)(p - base), l = version_len(p, g->filesz - off);

			if (l && (off == 0 || !printable(p[-1])) &&
			    (off + l == g->filesz || !printable(p[l]))) {
				if (found && (flen != l || memcmp(found, p, l)))
					return;	/* two different versions: no guess */
				found = p;
				flen = l;
			}
			p++;
			left = g->filesz - (size_t)(p - base);
		}
	}
	if (!found || flen >= sizeof(gb->bi.version))
		return;
	memcpy(gb->bi.version, found, flen);
	gb->bi.version[flen] = 0;
	gb->bi.module[0] = 0;
	gb->have_bi = 1;
}

static void find_buildinfo(struct gobin *gb)
{
	struct sect s;
	size_t i;

	if (!find_sect(gb, ".go.buildinfo", &s) &&
	    !gobuildinfo_parse(s.data, s.size, read_vaddr, gb, &gb->bi)) {
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
	find_version_string(gb);
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
 * funcID of compiler-generated wrappers (go-statement wrappers, ABI and
 * method wrappers, hash and equality functions): the last of the runtime's
 * funcIDs, and the only one carried by many functions, each other one
 * naming a single runtime function. Read from the table itself, since the
 * list grows between releases (22 on Go 1.17, 21 on 1.18-1.22 after
 * jmpdefer went, 22 on 1.23-1.24 with corostart, 23 on 1.25-1.27); the
 * release's number when the table does not show it.
 */
static int wrapper_func_id(const struct gobin *gb)
{
	size_t count[256] = { 0 };
	int major, minor, top = -1;

	if (gb->pcln.version < GOPCLN_116)
		return -1;
	for (size_t i = 0; i < gb->pcln.nfunc; i++) {
		struct gopcln_func f;

		if (!gopclntab_func(&gb->pcln, i, &f))
			count[f.func_id]++;
	}
	for (int id = 1; id < 256; id++)
		if (count[id])
			top = id;
	if (top > 0 && count[top] >= 4) {
		int single = 1;

		for (int id = 1; id < top; id++)
			single &= count[id] <= 2;
		if (single)
			return top;
	}
	if (!gb->have_bi || parse_go_version(gb->bi.version, &major, &minor) || major != 1)
		return -1;
	if (minor == 17)
		return 22;
	if (minor >= 18 && minor <= 22)
		return 21;
	if (minor >= 23 && minor <= 24)
		return 22;
	if (minor >= 25 && minor <= 27)
		return 23;
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
	const uint8_t *e = gb->map;
	GElf_Ehdr eh;
	int err;

	err = elf_ready();
	if (err)
		return err;
	if (gb->size < EI_NIDENT || memcmp(e, ELFMAG, SELFMAG) ||
	    (e[EI_CLASS] != ELFCLASS32 && e[EI_CLASS] != ELFCLASS64) ||
	    (e[EI_DATA] != ELFDATA2LSB && e[EI_DATA] != ELFDATA2MSB))
		return -ENOEXEC;
	gb->is64 = e[EI_CLASS] == ELFCLASS64;
	gb->be = e[EI_DATA] == ELFDATA2MSB;
	/*
	 * libelf converts headers of the other byte order, in a private copy
	 * of the image where it may write: give it one (a read-only shared
	 * mapping cannot take writes). Our own reads keep using the file.
	 */
	if (gb->be != (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__)) {
		gb->copy = malloc(gb->size);
		if (!gb->copy)
			return -ENOMEM;
		memcpy(gb->copy, gb->map, gb->size);
	}
	gb->elf = elf_memory((char *)(gb->copy ? gb->copy : gb->map), gb->size);
	if (!gb->elf || elf_kind(gb->elf) != ELF_K_ELF || !gelf_getehdr(gb->elf, &eh))
		return -ENOEXEC;
	gb->machine = eh.e_machine;
	err = load_segments(gb);
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
	gb->dbg.fd = -1;
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
	 * MAP_SHARED, not MAP_PRIVATE (nor libelf's own mapping, which is
	 * private): the kernel writes uprobe breakpoints into every private
	 * file mapping that may execute, even a read-only one like this, so
	 * while another tracer probes this binary a private mapping shows INT3
	 * where its RETs are. Shared mappings are left alone.
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
	(*out)->path = strdup(path);
	return 0;
}

void gobin_close(struct gobin *gb)
{
	if (!gb)
		return;
	if (gb->dbg.dw)
		dwarf_end(gb->dbg.dw);
	if (gb->dbg.elf)
		elf_end(gb->dbg.elf);
	if (gb->dbg.fd >= 0)
		close(gb->dbg.fd);
	if (gb->elf)
		elf_end(gb->elf);
	if (gb->owns_map)
		munmap((void *)gb->map, gb->size);
	free(gb->copy);
	free(gb->dwcopy);
	free(gb->path);
	free(gb->segs);
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
	/* 1.27: runtime.newproc1 of lefthook 2.2.2 (go1.27.0) and buf 1.75.0
	 * (go1.27.3) stores the new goid at 0x98, as 1.19 and 1.26 do. */
	if (minor >= 25 && minor <= 27)
		return 152;
	return -ENOTSUP;
}

/* ---------------------------------------------------------------- DWARF -- */

/* Opens path as a debug file for libdw; with crc, only when its CRC-32 matches. */
static int open_debug_file(struct gobin *gb, const char *path, const GElf_Word *crc)
{
	struct dbg d = { .fd = open(path, O_RDONLY | O_CLOEXEC) };

	if (d.fd < 0)
		return -errno;
	if (crc) {
		uint8_t buf[65536];
		uLong c = crc32(0, NULL, 0);
		ssize_t n;

		while ((n = read(d.fd, buf, sizeof(buf))) > 0)
			c = crc32(c, buf, (uInt)n);
		if (n < 0 || c != *crc) {
			close(d.fd);
			return -ENOENT;
		}
	}
	/* A debug file is never executed (no uprobe writes into it), so a
	 * private copy-on-write mapping is fine, and libelf may decompress
	 * sections in place. */
	d.elf = elf_begin(d.fd, ELF_C_READ_MMAP_PRIVATE, NULL);
	d.dw = d.elf ? dwarf_begin_elf(d.elf, DWARF_C_READ, NULL) : NULL;
	if (!d.dw) {
		if (d.elf)
			elf_end(d.elf);
		close(d.fd);
		return -ENOENT;
	}
	gb->dbg = d;
	return 0;
}

/*
 * The separate debug file of a binary without DWARF: by GNU build id under
 * /usr/lib/debug/.build-id, then by .gnu_debuglink next to the binary, in
 * its .debug directory and under /usr/lib/debug (gdb's places).
 */
static int open_separate_debug(struct gobin *gb)
{
	char real[PATH_MAX], dir[PATH_MAX], p[PATH_MAX + 64];
	const unsigned char *id;
	const char *link;
	GElf_Word crc;
	ssize_t n;

	n = dwelf_elf_gnu_build_id(gb->elf, (const void **)&id);
	if (n > 1 && n <= 64) {
		int o = snprintf(p, sizeof(p), "/usr/lib/debug/.build-id/%02x/", id[0]);

		for (ssize_t i = 1; i < n; i++)
			o += snprintf(p + o, sizeof(p) - o, "%02x", id[i]);
		snprintf(p + o, sizeof(p) - o, ".debug");
		if (!open_debug_file(gb, p, NULL))
			return 0;
	}
	link = dwelf_elf_gnu_debuglink(gb->elf, &crc);
	if (!link || strchr(link, '/') || !gb->path || !realpath(gb->path, real))
		return -ENOENT;
	snprintf(dir, sizeof(dir), "%s", dirname(real));
	snprintf(p, sizeof(p), "%s/%s", dir, link);
	if (!open_debug_file(gb, p, &crc))
		return 0;
	snprintf(p, sizeof(p), "%s/.debug/%s", dir, link);
	if (!open_debug_file(gb, p, &crc))
		return 0;
	snprintf(p, sizeof(p), "/usr/lib/debug%s/%s", dir, link);
	return open_debug_file(gb, p, &crc);
}

/*
 * The binary's own DWARF. libdw decompresses sections by rewriting their
 * headers in the ELF image, which the read-only shared mapping cannot take:
 * it gets its own Elf, read with pread (never a private mapping of the
 * binary: see gobin_open()), or over a private copy of a caller's buffer.
 */
static int open_own_dwarf(struct gobin *gb)
{
	struct dbg d = { .fd = -1 };

	if (gb->path) {
		d.fd = open(gb->path, O_RDONLY | O_CLOEXEC);
		d.elf = d.fd >= 0 ? elf_begin(d.fd, ELF_C_READ, NULL) : NULL;
	} else {
		gb->dwcopy = malloc(gb->size);
		if (gb->dwcopy) {
			memcpy(gb->dwcopy, gb->map, gb->size);
			d.elf = elf_memory((char *)gb->dwcopy, gb->size);
		}
	}
	d.dw = d.elf ? dwarf_begin_elf(d.elf, DWARF_C_READ, NULL) : NULL;
	if (!d.dw) {
		if (d.elf)
			elf_end(d.elf);
		if (d.fd >= 0)
			close(d.fd);
		return -ENOENT;
	}
	gb->dbg = d;
	return 0;
}

/* libdw's view of the binary's DWARF, opened once; NULL without any. */
static Dwarf *gobin_dwarf(const struct gobin *cgb)
{
	struct gobin *gb = (struct gobin *)cgb;

	if (!gb->dwarf_tried) {
		gb->dwarf_tried = 1;
		if (open_own_dwarf(gb))
			open_separate_debug(gb);
	}
	return gb->dbg.dw;
}

int gobin_goid_offset(const struct gobin *gb)
{
	int table, code;
	Dwarf *dw;
	int64_t off;

	if (!gb)
		return -EINVAL;
	dw = gobin_dwarf(gb);
	if (dw && !godwarf_member_offset(dw, "runtime.g", "goid", &off))
		return (int)off;
	/* The release's offset, checked against the runtime's own code. */
	table = gobin_goid_offset_for(gobin_go_version(gb), gb->machine);
	code = gobin_goid_offset_code(gb);
	if (table >= 0 && code >= 0 && table != code)
		return -EPROTO;
	return code >= 0 ? code : table;
}

int gobin_gopc_offset(const struct gobin *gb)
{
	Dwarf *dw;
	int64_t off;

	if (!gb)
		return -EINVAL;
	dw = gobin_dwarf(gb);
	if (dw && !godwarf_member_offset(dw, "runtime.g", "gopc", &off))
		return (int)off;
	off = gobin_gopc_offset_code(gb);
	return off >= 0 ? (int)off : -ENOENT;
}

/* Whether the string header at p (little-endian ptr, len) names a short
 * printable string in the file; its bytes in *s. */
static int wait_reason_at(const struct gobin *gb, const uint8_t *p, const char **s, uint64_t *len)
{
	uint64_t ptr = get_uint(p, 8, 0), l = get_uint(p + 8, 8, 0);
	const uint8_t *b;

	if (!ptr && !l) {
		*s = "";
		*len = 0;
		return 1;
	}
	if (!ptr || !l || l > 64 || !(b = vaddr_ptr(gb, ptr, l)))
		return 0;
	for (uint64_t i = 0; i < l; i++)
		if (b[i] < 0x20 || b[i] > 0x7e)
			return 0;
	*s = (const char *)b;
	*len = l;
	return 1;
}

void gobin_wait_reasons_free(char **names, size_t n)
{
	for (size_t i = 0; names && i < n; i++)
		free(names[i]);
	free(names);
}

int gobin_wait_reasons(const struct gobin *gb, char ***names, size_t *n)
{
	static const char first[] = "GC assist marking";
	const size_t flen = sizeof(first) - 1, max = 256;

	if (!gb || gb->is64 != 1 || gb->be)
		return -ENOENT;
	for (size_t i = 0; i < gb->nsegs; i++) {
		const struct seg *g = &gb->segs[i];
		const uint8_t *base = gb->map + g->off;

		if ((g->flags & PF_X) || !(g->flags & PF_W))
			continue;
		/* Entry 1 is {ptr to "GC assist marking", 17}; entry 0 is {0, 0}. */
		for (uint64_t o = 16; o + 16 <= g->filesz; o += 8) {
			const char *s;
			uint64_t l;
			char **v;
			size_t cnt = 0;

			if (get_uint(base + o + 8, 8, 0) != flen || get_uint(base + o - 16, 8, 0) ||
			    get_uint(base + o - 8, 8, 0) || !wait_reason_at(gb, base + o, &s, &l) ||
			    memcmp(s, first, flen))
				continue;
			v = calloc(max, sizeof(*v));
			if (!v)
				return -ENOMEM;
			for (uint64_t e = o - 16; e + 16 <= g->filesz && cnt < max; e += 16) {
				if (!wait_reason_at(gb, base + e, &s, &l) || (cnt && !l))
					break;
				v[cnt] = strndup(s, l);
				if (!v[cnt]) {
					gobin_wait_reasons_free(v, cnt);
					return -ENOMEM;
				}
				cnt++;
			}
			*names = v;
			*n = cnt;
			return 0;
		}
	}
	return -ENOENT;
}

int gobin_func_params(const struct gobin *gb, const char *func, struct godwarf_param *p,
		      size_t max, size_t *n)
{
	Dwarf *dw;

	if (!gb)
		return -EINVAL;
	dw = gobin_dwarf(gb);
	if (!dw)
		return -ENOENT;
	return godwarf_func_params(dw, func, p, max, n);
}

/* ------------------------------------------------------------ functions -- */

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
	f->func_id = pf.func_id;
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

/* ------------------------------------------------------------- inlining -- */

/* One inlining tree entry: the inlined function's name and its call site. */
static int inl_entry(const struct gobin *gb, uint64_t vaddr, uint64_t *nameoff, int32_t *parent_pc)
{
	const uint8_t *p;

	if (gb->pcln.version >= GOPCLN_120) {
		/* {funcID u8, _ [3]u8, nameOff i32, parentPc i32, startLine i32} */
		p = vaddr_ptr(gb, vaddr, 16);
		if (!p)
			return -EINVAL;
		*nameoff = (uint32_t)get_uint(p + 4, 4, gb->be);
		*parent_pc = (int32_t)get_uint(p + 8, 4, gb->be);
	} else {
		/* {parent i16, funcID u8, _ u8, file i32, line i32, func_ i32, parentPc i32} */
		p = vaddr_ptr(gb, vaddr, 20);
		if (!p)
			return -EINVAL;
		*nameoff = (uint32_t)get_uint(p + 12, 4, gb->be);
		*parent_pc = (int32_t)get_uint(p + 16, 4, gb->be);
	}
	return 0;
}

/* Whether base reads as gofunc: the first entries of a few inlining trees make sense. */
static int gofunc_fits(const struct gobin *gb, uint64_t base)
{
	size_t i, seen = 0;

	for (i = 0; i < gb->pcln.nfunc && seen < 16; i++) {
		struct gopcln_func f;
		uint64_t nameoff;
		int32_t ppc;
		uint32_t off;

		if (gopclntab_funcdata(&gb->pcln, i, 3, &off) || gopclntab_func(&gb->pcln, i, &f))
			continue;
		if (base + off < base || inl_entry(gb, base + off, &nameoff, &ppc) ||
		    !gopclntab_name(&gb->pcln, nameoff) || ppc < 0 ||
		    (uint64_t)ppc >= f.end - f.entry)
			return 0;
		seen++;
	}
	return seen > 0;
}

/*
 * The base of funcdata offsets: the go:func.* symbol, or in a stripped
 * binary the gofunc field of the runtime's moduledata, found as the
 * structure whose first words point at pclntab and its funcnametab, and
 * whose field that reads as gofunc is taken (the layout changes between
 * releases; a wrong field gives names outside funcnametab).
 */
static uint64_t find_gofunc(const struct gobin *gb)
{
	uint64_t want = gb->pcln_vaddr, names = gb->pcln_vaddr + gb->pcln.funcnametab;
	size_t i;

	if (gb->pcln.version < GOPCLN_118)
		return 0;
	if (gb->sym_gofunc && gofunc_fits(gb, gb->sym_gofunc))
		return gb->sym_gofunc;
	if (!want || gb->pcln.ptrsize != 8)
		return 0;
	for (i = 0; i < gb->nsegs; i++) {
		const struct seg *g = &gb->segs[i];
		const uint8_t *base = gb->map + g->off;

		if (!(g->flags & PF_W))
			continue;
		for (uint64_t o = 0; o + 8 * 64 <= g->filesz; o += 8) {
			if (get_uint(base + o, 8, gb->be) != want ||
			    get_uint(base + o + 8, 8, gb->be) != names)
				continue;
			for (int k = 2; k < 64; k++) {
				uint64_t v = get_uint(base + o + 8 * k, 8, gb->be);

				if (v && gofunc_fits(gb, v))
					return v;
			}
		}
	}
	return 0;
}

int gobin_pc_frames(const struct gobin *cgb, uint64_t pc, struct gofunc_frame *frames,
		    size_t max)
{
	struct gobin *gb = (struct gobin *)cgb;
	uint64_t cur = pc, nameoff;
	const char *file;
	struct gofunc f;
	size_t idx, n = 0;
	uint32_t toff;
	int32_t ix, ppc;
	int line, err;

	if (!gb || (max && !frames))
		return -EINVAL;
	err = gopclntab_find(&gb->pcln, pc, &idx);
	if (!err)
		err = gobin_func(gb, idx, &f);
	if (err)
		return err;
	if (!gb->gofunc_tried) {
		gb->gofunc_tried = 1;
		gb->gofunc = find_gofunc(gb);
	}
	if (gb->gofunc && !gopclntab_funcdata(&gb->pcln, idx, 3, &toff)) {
		size_t esz = gb->pcln.version >= GOPCLN_120 ? 16 : 20;

		/* Each level's parentPc is inside the function: bounded by a depth. */
		for (int depth = 0; depth < 64; depth++) {
			if (gopclntab_pcdata(&gb->pcln, idx, 2, cur, &ix) || ix < 0 ||
			    inl_entry(gb, gb->gofunc + toff + (uint64_t)ix * esz, &nameoff, &ppc) ||
			    ppc < 0 || (uint64_t)ppc >= f.end - f.entry)
				break;
			if (n < max) {
				frames[n].name = gopclntab_name(&gb->pcln, nameoff);
				if (!frames[n].name)
					break;
				if (gopclntab_line(&gb->pcln, idx, cur, &file, &line))
					file = NULL, line = 0;
				frames[n].file = file;
				frames[n].line = line;
			}
			n++;
			cur = f.entry + (uint64_t)ppc;
		}
	}
	if (n < max) {
		frames[n].name = f.name;
		if (gopclntab_line(&gb->pcln, idx, cur, &file, &line))
			file = NULL, line = 0;
		frames[n].file = file;
		frames[n].line = line;
	}
	return (int)(n + 1);
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

const uint8_t *gobin_bytes(const struct gobin *gb, uint64_t vaddr, uint64_t n)
{
	return gb ? vaddr_ptr(gb, vaddr, n) : NULL;
}

int gobin_wrapper_id(const struct gobin *gb)
{
	return gb ? gb->wrapper_id : -1;
}

/* ---- type descriptors (runtime._type, internal/abi.Type; Go 1.17+, 64-bit) ---- */

#define TYPE_TFLAG 20		/* tflag: uint8 */
#define TYPE_KIND 23		/* kind: uint8, reflect.Kind in the low 5 bits */
#define TYPE_STR 40		/* str: int32 offset of the name from the types base */
#define TYPE_SIZE 48
#define TFLAG_EXTRA_STAR 2	/* the name has a '*' that is not part of it */

/* The name of the descriptor at t with base types: NULL unless it decodes. */
static const uint8_t *type_name_at(const struct gobin *gb, uint64_t types, uint64_t t,
				   uint64_t *len, int *star)
{
	const uint8_t *d = gobin_bytes(gb, t, TYPE_SIZE), *n;
	uint64_t l = 0, a;
	int shift = 0, i;

	if (!d || !(d[TYPE_KIND] & 0x1f) || (d[TYPE_KIND] & 0x1f) > 26)
		return NULL;
	a = types + (uint64_t)(int64_t)(int32_t)get_uint(d + TYPE_STR, 4, gb->be);
	/* A flags byte, then the length as a varint (Go 1.17+), then the bytes. */
	n = gobin_bytes(gb, a, 1 + 3);
	if (!n || (n[0] & ~0x0f))
		return NULL;
	for (i = 1; i < 4; i++, shift += 7) {
		l |= (uint64_t)(n[i] & 0x7f) << shift;
		if (!(n[i] & 0x80))
			break;
	}
	if (i == 4 || !l || l > 4096 || !(n = gobin_bytes(gb, a + 1 + i, l)))
		return NULL;
	for (uint64_t k = 0; k < l; k++)
		if (n[k] < 0x20 || n[k] >= 0x7f)
			return NULL;
	*star = (d[TYPE_TFLAG] & TFLAG_EXTRA_STAR) && n[0] == '*';
	*len = l;
	return n;
}

/* Whether base types makes the first typelinks name well-formed types. */
static int types_fit(const struct gobin *gb, uint64_t types, const struct sect *tl)
{
	size_t n = tl->size / 4 < 16 ? tl->size / 4 : 16;
	uint64_t len;
	int star;

	for (size_t i = 0; i < n; i++) {
		uint32_t off = (uint32_t)get_uint(tl->data + 4 * i, 4, gb->be);

		if (!type_name_at(gb, types, types + off, &len, &star))
			return 0;
	}
	return n > 0;
}

/*
 * The base of name offsets (runtime.types): the symbol, or else the start of
 * the section the linker puts type descriptors first in (.data.rel.ro in a
 * PIE, .rodata otherwise; an external linker may put something before
 * them), checked against the offsets in the typelinks section; without
 * one (Go 1.27), the start of .go.type.
 */
static uint64_t find_types(const struct gobin *gb)
{
	static const char *const sects[] = { ".data.rel.ro", ".rodata" };
	struct sect tl, s;

	if (gb->sym_types)
		return gb->sym_types;
	if (!gb->is64)
		return 0;
	/* Go 1.27 has no typelinks: the descriptors have a section of their own. */
	if (find_sect(gb, ".typelink", &tl) && find_sect(gb, ".data.rel.ro.typelink", &tl))
		return find_sect(gb, ".go.type", &s) ? 0 : s.sh.sh_addr;
	for (size_t i = 0; i < sizeof(sects) / sizeof(sects[0]); i++) {
		if (find_sect(gb, sects[i], &s))
			continue;
		for (uint64_t o = 0; o < 65536 && o < s.size; o += 8)
			if (types_fit(gb, s.sh.sh_addr + o, &tl))
				return s.sh.sh_addr + o;
	}
	return 0;
}

int gobin_type_kind(const struct gobin *gb, uint64_t type_vaddr, int *kind, uint64_t *size)
{
	const uint8_t *d = gb ? gobin_bytes(gb, type_vaddr, TYPE_SIZE) : NULL;

	if (!d || !kind || !size || !gb->is64)
		return -ENOENT;
	*kind = d[TYPE_KIND] & 0x1f;
	*size = get_uint(d, 8, gb->be);
	return 0;
}

int gobin_type_name(const struct gobin *cgb, uint64_t type_vaddr, char *buf, size_t size)
{
	struct gobin *gb = (struct gobin *)cgb;
	const uint8_t *n;
	uint64_t len;
	int star;

	if (!gb || !buf || !size)
		return -EINVAL;
	if (!gb->types_tried) {
		gb->types_tried = 1;
		gb->types = find_types(gb);
	}
	if (!gb->types)
		return -ENOTSUP;
	n = type_name_at(gb, gb->types, type_vaddr, &len, &star);
	if (!n)
		return -ENOENT;
	snprintf(buf, size, "%.*s", (int)(len - star), (const char *)n + star);
	return 0;
}
