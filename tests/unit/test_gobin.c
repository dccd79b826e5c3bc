/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * gobin: synthetic pclntab tables for the formats Go 1.19 does not produce
 * (1.2, 1.16, 1.20+, zero textStart), synthetic build info in both formats,
 * and the real Go 1.19 targets built by tests/go/build.sh into $GO_TARGETS.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "unit.h"
#include "go/gobin.h"

/* ------------------------------------------------- synthetic pclntab -- */

struct fx {
	uint8_t b[8192];
	size_t n;
};

static void put_le(struct fx *x, size_t off, uint64_t v, int size)
{
	int i;

	for (i = 0; i < size; i++)
		x->b[off + i] = (uint8_t)(v >> (8 * i));
}

static size_t put(struct fx *x, const void *p, size_t n)
{
	size_t off = x->n;

	memcpy(x->b + x->n, p, n);
	x->n += n;
	return off;
}

static size_t put_uint(struct fx *x, uint64_t v, int size)
{
	size_t off = x->n;

	put_le(x, off, v, size);
	x->n += size;
	return off;
}

static void put_uvarint(struct fx *x, uint32_t v)
{
	while (v >= 0x80) {
		x->b[x->n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	x->b[x->n++] = (uint8_t)v;
}

/* One pc-value pair: value delta (zig-zag) and pc delta. */
static void put_pv(struct fx *x, int32_t dv, uint32_t dpc)
{
	put_uvarint(x, dv < 0 ? ((uint32_t)~dv << 1) | 1 : (uint32_t)dv << 1);
	put_uvarint(x, dpc);
}

#define TEXT 0x401000ULL
#define NF 3

static const char *fx_names[NF] = { "main.main", "main.greet", "main.greet" };
static const uint64_t fx_entry[NF] = { TEXT, TEXT + 0x40, TEXT + 0x100 };
static const uint64_t fx_end = TEXT + 0x140;
static const int fx_line[NF] = { 10, 20, 20 };
static const uint8_t fx_funcid[NF] = { 0, 0, 21 };
static const char fx_file[] = "/src/app/main.go";

/*
 * Builds a pclntab of the given version: three functions (the last one an
 * ABI wrapper twin), one file; line L for the first 4 bytes, L+1 after.
 * hdr_text is what the 1.18+ header records as textStart.
 */
static void build_pclntab(struct fx *x, int version, uint64_t hdr_text)
{
	size_t nameoff[NF], pcfile[NF], pcln[NF], funcoff[NF], hdr_words, fsz;
	size_t names = 0, cutab = 0, filetab = 0, pctab = 0, functab, i, fileoff = 0;
	uint32_t magic;
	int ps = 8;

	memset(x, 0, sizeof(*x));
	magic = version == GOPCLN_12 ? 0xfffffffb : version == GOPCLN_116 ? 0xfffffffa
			: version == GOPCLN_118 ? 0xfffffff0 : 0xfffffff1;
	put_uint(x, magic, 4);
	put_uint(x, 0, 2);
	x->b[x->n++] = 1; /* quantum */
	x->b[x->n++] = (uint8_t)ps;
	hdr_words = version == GOPCLN_12 ? 1 : version == GOPCLN_116 ? 7 : 8;
	fsz = version >= GOPCLN_118 ? 4 : (size_t)ps;

	if (version == GOPCLN_12) {
		/* 1.2: functab right after nfunc, file table offset after it. */
		put_uint(x, NF, ps);
		functab = x->n;
		x->n += (NF * 2 + 1) * fsz;
		fileoff = put_uint(x, 0, 4);
	} else {
		x->n += hdr_words * ps;
		functab = 0;
	}
	names = x->n;
	for (i = 0; i < NF; i++)
		nameoff[i] = put(x, fx_names[i], strlen(fx_names[i]) + 1) -
			     (version == GOPCLN_12 ? 0 : names);
	if (version == GOPCLN_12) {
		size_t fname = put(x, fx_file, sizeof(fx_file));

		filetab = put_uint(x, 2, 4); /* count, then entry 1 */
		put_uint(x, fname, 4);
		put_le(x, fileoff, filetab, 4);
	} else {
		cutab = put_uint(x, 0, 4);
		filetab = put(x, fx_file, sizeof(fx_file));
	}
	pctab = x->n;
	x->b[x->n++] = 0;
	for (i = 0; i < NF; i++) {
		uint64_t size = (i + 1 < NF ? fx_entry[i + 1] : fx_end) - fx_entry[i];
		size_t base = version == GOPCLN_12 ? 0 : pctab;

		pcfile[i] = x->n - base;
		/* file index 0 (1 in the 1.2 table, whose entry 0 is the count) */
		put_pv(x, version == GOPCLN_12 ? 2 : 1, (uint32_t)size);
		x->b[x->n++] = 0;
		pcln[i] = x->n - base;
		put_pv(x, fx_line[i] + 1, 4);
		put_pv(x, 1, (uint32_t)size - 4);
		x->b[x->n++] = 0;
	}
	while (x->n % 8)
		x->n++;
	if (version != GOPCLN_12) {
		functab = x->n;
		x->n += (NF * 2 + 1) * fsz;
	}
	for (i = 0; i < NF; i++) {
		funcoff[i] = x->n - (version == GOPCLN_12 ? 0 : functab);
		if (version >= GOPCLN_118)
			put_uint(x, fx_entry[i] - TEXT, 4);
		else
			put_uint(x, fx_entry[i], ps);
		put_uint(x, nameoff[i], 4);
		put_uint(x, 0, 4); /* args */
		put_uint(x, 0, 4); /* deferreturn / frame */
		put_uint(x, 0, 4); /* pcsp */
		put_uint(x, pcfile[i], 4);
		put_uint(x, pcln[i], 4);
		put_uint(x, 0, 4); /* npcdata */
		if (version == GOPCLN_12) {
			put_uint(x, 0, 4); /* nfuncdata */
			continue;
		}
		put_uint(x, 0, 4); /* cuOffset */
		if (version == GOPCLN_120)
			put_uint(x, (uint32_t)fx_line[i], 4); /* startLine */
		put_uint(x, fx_funcid[i], 1);
		put_uint(x, 0, 3);
	}
	for (i = 0; i < NF; i++) {
		uint64_t e = version >= GOPCLN_118 ? fx_entry[i] - TEXT : fx_entry[i];

		put_le(x, functab + 2 * i * fsz, e, (int)fsz);
		put_le(x, functab + (2 * i + 1) * fsz, funcoff[i], (int)fsz);
	}
	put_le(x, functab + 2 * NF * fsz, version >= GOPCLN_118 ? fx_end - TEXT : fx_end,
	       (int)fsz);

	if (version != GOPCLN_12) {
		uint64_t w[8];
		size_t k = 0;

		w[k++] = NF;
		w[k++] = 1;
		if (version >= GOPCLN_118)
			w[k++] = hdr_text;
		w[k++] = names;
		w[k++] = cutab;
		w[k++] = filetab;
		w[k++] = pctab;
		w[k++] = functab;
		for (i = 0; i < k; i++)
			put_le(x, 8 + i * ps, w[i], ps);
	}
}

static void check_table(const struct gopclntab *pt, int version)
{
	struct gopcln_func f;
	const char *file;
	size_t i, idx;
	int line;

	CHECK_INT(pt->version, version);
	CHECK_INT(pt->nfunc, NF);
	CHECK_INT(pt->text_start == TEXT || version < GOPCLN_118, 1);
	for (i = 0; i < NF; i++) {
		CHECK_INT(gopclntab_func(pt, i, &f), 0);
		CHECK_STR(f.name, fx_names[i]);
		CHECK_INT(f.entry, fx_entry[i]);
		CHECK_INT(f.end, i + 1 < NF ? fx_entry[i + 1] : fx_end);
		if (version != GOPCLN_12)
			CHECK_INT(f.func_id, fx_funcid[i]);
		CHECK_INT(gopclntab_find(pt, fx_entry[i] + 5, &idx), 0);
		CHECK_INT(idx, i);
		CHECK_INT(gopclntab_line(pt, i, fx_entry[i], &file, &line), 0);
		CHECK_STR(file, fx_file);
		CHECK_INT(line, fx_line[i]);
		CHECK_INT(gopclntab_line(pt, i, fx_entry[i] + 5, &file, &line), 0);
		CHECK_INT(line, fx_line[i] + 1);
	}
	CHECK_INT(gopclntab_func(pt, NF, &f), -ENOENT);
	CHECK_INT(gopclntab_find(pt, TEXT - 1, &idx), -ENOENT);
	CHECK_INT(gopclntab_find(pt, fx_end, &idx), -ENOENT);
}

/* Every truncation and every single-byte corruption parses or fails cleanly. */
static void abuse_table(const struct fx *x)
{
	static uint8_t buf[sizeof(((struct fx *)0)->b)];
	static const uint8_t vals[] = { 0x00, 0x01, 0x7f, 0x80, 0xff };
	struct gopclntab pt;
	size_t len, i, k, v;

	for (len = 0; len <= x->n; len++) {
		memcpy(buf, x->b, len);
		if (gopclntab_parse(buf, len, TEXT, &pt))
			continue;
		for (k = 0; k <= pt.nfunc; k++) {
			struct gopcln_func f;
			const char *file;
			int line;

			gopclntab_func(&pt, k, &f);
			gopclntab_line(&pt, k, TEXT + 0x42, &file, &line);
			gopclntab_find(&pt, TEXT + 0x42, &i);
		}
	}
	for (i = 0; i < x->n; i++) {
		for (v = 0; v < sizeof(vals); v++) {
			memcpy(buf, x->b, x->n);
			buf[i] = vals[v];
			if (gopclntab_parse(buf, x->n, TEXT, &pt))
				continue;
			for (k = 0; k < pt.nfunc && k < 16; k++) {
				struct gopcln_func f;
				const char *file;
				int line;
				size_t idx;

				gopclntab_func(&pt, k, &f);
				gopclntab_line(&pt, k, TEXT + 0x42, &file, &line);
				gopclntab_find(&pt, TEXT + 0x105, &idx);
			}
		}
	}
}

/* With GOBIN_SEED_DIR set, saves the table as a fuzzing seed (tests/fuzz/run.sh). */
static void save_seed(const struct fx *x, int version)
{
	static const uint8_t ctl[8] = { 0, 0x10, 0x40 }; /* text start 0x401000 */
	const char *dir = getenv("GOBIN_SEED_DIR");
	char path[4096];
	FILE *f;

	if (!dir)
		return;
	snprintf(path, sizeof(path), "%s/synthetic-%d", dir, version);
	f = fopen(path, "wb");
	if (!f)
		return;
	fwrite(ctl, 1, sizeof(ctl), f);
	fwrite(x->b, 1, x->n, f);
	fclose(f);
}

static void run_synthetic(int version, uint64_t hdr_text)
{
	static struct fx x;
	struct gopclntab pt;

	build_pclntab(&x, version, hdr_text);
	save_seed(&x, version);
	CHECK_INT(gopclntab_parse(x.b, x.n, TEXT, &pt), 0);
	check_table(&pt, version);
	abuse_table(&x);
}

static void test_pclntab_go12(void)
{
	run_synthetic(GOPCLN_12, 0);
}

static void test_pclntab_go116(void)
{
	run_synthetic(GOPCLN_116, 0);
}

static void test_pclntab_go118(void)
{
	run_synthetic(GOPCLN_118, TEXT);
}

static void test_pclntab_go120(void)
{
	run_synthetic(GOPCLN_120, TEXT);
}

/* Go 1.26 writes textStart 0: the caller's text address is used. */
static void test_pclntab_zero_text_start(void)
{
	static struct fx x;
	struct gopclntab pt;

	build_pclntab(&x, GOPCLN_120, 0);
	CHECK_INT(gopclntab_parse(x.b, x.n, TEXT, &pt), 0);
	check_table(&pt, GOPCLN_120);
	/* a nonzero header value wins over the fallback */
	build_pclntab(&x, GOPCLN_120, TEXT);
	CHECK_INT(gopclntab_parse(x.b, x.n, 0x999000, &pt), 0);
	CHECK_INT(pt.text_start, TEXT);
}

static void test_pclntab_bad_headers(void)
{
	static struct fx x;
	struct gopclntab pt;

	CHECK_INT(gopclntab_parse(x.b, 0, 0, &pt), -ENOEXEC);
	build_pclntab(&x, GOPCLN_118, TEXT);
	x.b[0] = 0xfc; /* unknown magic */
	CHECK_INT(gopclntab_parse(x.b, x.n, 0, &pt), -ENOEXEC);
	build_pclntab(&x, GOPCLN_118, TEXT);
	x.b[6] = 3; /* quantum */
	CHECK_INT(gopclntab_parse(x.b, x.n, 0, &pt), -ENOEXEC);
	build_pclntab(&x, GOPCLN_118, TEXT);
	put_le(&x, 8, 1ULL << 40, 8); /* nfunc */
	CHECK_INT(gopclntab_parse(x.b, x.n, 0, &pt), -EINVAL);
	build_pclntab(&x, GOPCLN_118, TEXT);
	put_le(&x, 8 + 7 * 8, x.n, 8); /* functab past the end */
	CHECK_INT(gopclntab_parse(x.b, x.n, 0, &pt), -EINVAL);
}

/* ----------------------------------------------- synthetic buildinfo -- */

static const uint8_t sent1[16] = { 0x30, 0x77, 0xaf, 0x0c, 0x92, 0x74, 0x08, 0x02,
				   0x41, 0xe1, 0xc1, 0x07, 0xe6, 0xd6, 0x18, 0xe6 };
static const uint8_t sent2[16] = { 0xf9, 0x32, 0x43, 0x31, 0x86, 0x18, 0x20, 0x72,
				   0x00, 0x82, 0x42, 0x10, 0x41, 0x16, 0xd8, 0xf2 };
static const char modtext[] = "path\texample.com/app/cmd/app\n"
			      "mod\texample.com/app\t(devel)\t\n"
			      "dep\tgolang.org/x/sys\tv0.1.0\th1:abc=\n";

static size_t modinfo(uint8_t *out)
{
	memcpy(out, sent1, 16);
	memcpy(out + 16, modtext, sizeof(modtext) - 1);
	memcpy(out + 16 + sizeof(modtext) - 1, sent2, 16);
	return 32 + sizeof(modtext) - 1;
}

static void test_buildinfo_inline(void)
{
	struct fx x = { 0 };
	struct gobuildinfo bi;
	uint8_t mod[256];
	size_t mlen = modinfo(mod), len;

	put(&x, "\xff Go buildinf:", 14);
	x.b[x.n++] = 8;
	x.b[x.n++] = 2;
	x.n = 32;
	put_uvarint(&x, 8);
	put(&x, "go1.21.3", 8);
	put_uvarint(&x, (uint32_t)mlen);
	put(&x, mod, mlen);
	CHECK_INT(gobuildinfo_parse(x.b, x.n, NULL, NULL, &bi), 0);
	CHECK_STR(bi.version, "go1.21.3");
	CHECK_STR(bi.module, "example.com/app");

	/* Truncations fail cleanly; the version alone is enough. */
	for (len = 0; len < x.n; len++) {
		int err = gobuildinfo_parse(x.b, len, NULL, NULL, &bi);

		CHECK(err == 0 || err == -EINVAL || err == -ENOENT);
	}
	CHECK_INT(gobuildinfo_parse(x.b, 31, NULL, NULL, &bi), -ENOENT);

	/* A version too long for the buffer keeps its first word (Google builds). */
	x.n = 32;
	put_uvarint(&x, 140);
	put(&x, "go1.25-20250209-RC00 ", 21);
	memset(x.b + x.n, 'x', 119);
	x.n += 119;
	put_uvarint(&x, 0);
	CHECK_INT(gobuildinfo_parse(x.b, x.n, NULL, NULL, &bi), 0);
	CHECK_STR(bi.version, "go1.25-20250209-RC00");
	CHECK_STR(bi.module, "");
	CHECK_INT(gobin_goid_offset_for(bi.version, EM_X86_64), 152);
	/* ...but never an empty one (found by fuzz_gobuildinfo) */
	x.b[32 + 2] = ' ';
	CHECK_INT(gobuildinfo_parse(x.b, x.n, NULL, NULL, &bi), -EINVAL);
	x.b[1] = 'X';
	CHECK_INT(gobuildinfo_parse(x.b, x.n, NULL, NULL, &bi), -ENOENT);
}

/* Old format: memory at vaddr 0x10000 holding string headers and bytes. */
static struct fx oldmem;
#define OLDBASE 0x10000ULL

static int old_read(void *ctx, uint64_t vaddr, void *dst, size_t n)
{
	struct fx *m = ctx;

	if (vaddr < OLDBASE || vaddr - OLDBASE > m->n || n > m->n - (vaddr - OLDBASE))
		return -ENOENT;
	memcpy(dst, m->b + (vaddr - OLDBASE), n);
	return 0;
}

static void test_buildinfo_pointers(void)
{
	struct fx x = { 0 };
	struct gobuildinfo bi;
	uint8_t mod[256];
	size_t mlen = modinfo(mod), vdata, mdata, vhdr, mhdr;

	memset(&oldmem, 0, sizeof(oldmem));
	vdata = put(&oldmem, "go1.16.15", 9);
	mdata = put(&oldmem, mod, mlen);
	vhdr = put_uint(&oldmem, OLDBASE + vdata, 8);
	put_uint(&oldmem, 9, 8);
	mhdr = put_uint(&oldmem, OLDBASE + mdata, 8);
	put_uint(&oldmem, mlen, 8);

	put(&x, "\xff Go buildinf:", 14);
	x.b[x.n++] = 8;
	x.b[x.n++] = 0;
	put_uint(&x, OLDBASE + vhdr, 8);
	put_uint(&x, OLDBASE + mhdr, 8);
	x.n = 32;
	CHECK_INT(gobuildinfo_parse(x.b, x.n, old_read, &oldmem, &bi), 0);
	CHECK_STR(bi.version, "go1.16.15");
	CHECK_STR(bi.module, "example.com/app");
	CHECK_INT(gobuildinfo_parse(x.b, x.n, NULL, NULL, &bi), -ENOTSUP);
	/* a dangling version pointer */
	put_le(&x, 16, 0xdead0000, 8);
	CHECK_INT(gobuildinfo_parse(x.b, x.n, old_read, &oldmem, &bi), -EINVAL);
}

static void test_goid_table(void)
{
	CHECK_INT(gobin_goid_offset_for("go1.19.8", EM_X86_64), 152);
	CHECK_INT(gobin_goid_offset_for("go1.12", EM_AARCH64), 152);
	CHECK_INT(gobin_goid_offset_for("go1.22.5", EM_X86_64), 152);
	CHECK_INT(gobin_goid_offset_for("go1.23.0", EM_X86_64), 160);
	CHECK_INT(gobin_goid_offset_for("go1.24rc1", EM_X86_64), 160);
	CHECK_INT(gobin_goid_offset_for("go1.25.1", EM_X86_64), 152);
	CHECK_INT(gobin_goid_offset_for("go1.27.3", EM_X86_64), 152);
	CHECK_INT(gobin_goid_offset_for("go1.28.0", EM_X86_64), -ENOTSUP);
	CHECK_INT(gobin_goid_offset_for("go1.11.13", EM_X86_64), -ENOTSUP);
	CHECK_INT(gobin_goid_offset_for("go1.99", EM_X86_64), -ENOTSUP);
	CHECK_INT(gobin_goid_offset_for("devel +abc", EM_X86_64), -ENOTSUP);
	CHECK_INT(gobin_goid_offset_for(NULL, EM_X86_64), -ENOTSUP);
	CHECK_INT(gobin_goid_offset_for("go1.19.8", EM_386), -ENOTSUP);
}

static void test_open_errors(void)
{
	struct gobin *gb = (struct gobin *)1;
	char self[4096];
	ssize_t n;

	CHECK_INT(gobin_open("/nonexistent/go-binary", &gb), -ENOENT);
	CHECK(gb == NULL);
	CHECK_INT(gobin_open("/etc/passwd", &gb), -ENOEXEC);
	/* This test program is an ELF file without Go in it. */
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	CHECK(n > 0);
	if (n > 0) {
		self[n] = 0;
		CHECK_INT(gobin_open(self, &gb), -ENOEXEC);
	}
	CHECK_INT(gobin_open_mem("\x7f" "ELF", 4, &gb), -ENOEXEC);
}

/* ------------------------------------------------------ real targets -- */

static char *target_path(const char *name)
{
	static char path[4][4096];
	static int k;
	const char *dir = getenv("GO_TARGETS");

	k = (k + 1) % 4;
	snprintf(path[k], sizeof(path[k]), "%s/%s", dir ? dir : "build/tests/go", name);
	return path[k];
}

static struct gobin *open_target(const char *name)
{
	struct gobin *gb = NULL;
	int err = gobin_open(target_path(name), &gb);

	if (err)
		printf("  %s: %s\n", target_path(name), strerror(-err));
	CHECK_INT(err, 0);
	return gb;
}

/* amd64 builds; from index 4 on the cgo program (greet and main only). */
static const char *variants[] = { "target",	 "target-stripped",	    "target-pie",
				  "target-pie-stripped", "target-cgo", "target-cgo-pie-stripped" };
#define NVARIANTS (sizeof(variants) / sizeof(variants[0]))

static void test_real_targets_present(void)
{
	size_t i;

	for (i = 0; i <= NVARIANTS; i++) {
		const char *p = target_path(i < NVARIANTS ? variants[i] : "target-arm64");

		if (access(p, R_OK)) {
			printf("  missing %s: run tests/go/build.sh\n", p);
			CHECK(0);
		}
	}
}

static void test_real_buildinfo(void)
{
	size_t i;

	for (i = 0; i < NVARIANTS; i++) {
		struct gobin *gb = open_target(variants[i]);
		const char *v;

		if (!gb)
			continue;
		v = gobin_go_version(gb);
		CHECK(v && !strncmp(v, "go1.19.", 7));
		CHECK_STR(gobin_main_module(gb),
			  i >= 4 ? "bpfkit.test/cgotarget" : "bpfkit.test/target");
		CHECK_INT(gobin_goid_offset(gb), 152);
		CHECK_INT(gobin_machine(gb), EM_X86_64);
		gobin_close(gb);
	}
}

/* FUNC symbols of .symtab, read with libelf as an independent reference. */
struct ref_sym {
	uint64_t addr;
	char name[160];
};

static int ref_cmp(const void *a, const void *b)
{
	const struct ref_sym *x = a, *y = b;

	return (x->addr > y->addr) - (x->addr < y->addr);
}

static struct ref_sym *read_symtab(const char *path, size_t *n)
{
	struct ref_sym *v = NULL;
	Elf_Scn *scn = NULL;
	Elf *elf;
	int fd;

	*n = 0;
	elf_version(EV_CURRENT);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return NULL;
	elf = elf_begin(fd, ELF_C_READ, NULL);
	while (elf && (scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;
		size_t i, cnt;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB)
			continue;
		d = elf_getdata(scn, NULL);
		cnt = sh.sh_entsize ? sh.sh_size / sh.sh_entsize : 0;
		v = calloc(cnt + 1, sizeof(*v));
		for (i = 0; v && d && i < cnt; i++) {
			GElf_Sym s;
			const char *nm;

			if (!gelf_getsym(d, (int)i, &s) || GELF_ST_TYPE(s.st_info) != STT_FUNC)
				continue;
			nm = elf_strptr(elf, sh.sh_link, s.st_name);
			if (!nm)
				continue;
			v[*n].addr = s.st_value;
			snprintf(v[*n].name, sizeof(v[*n].name), "%s", nm);
			(*n)++;
		}
		break;
	}
	if (elf)
		elf_end(elf);
	close(fd);
	if (v)
		qsort(v, *n, sizeof(*v), ref_cmp);
	return v;
}

/* pclntab (ours) against .symtab (libelf): same entries, same names. */
static void check_against_symtab(const char *name)
{
	struct gobin *gb = open_target(name);
	struct ref_sym *syms, key, *hit;
	size_t nsyms, i, matched = 0, bad = 0;

	if (!gb)
		return;
	syms = read_symtab(target_path(name), &nsyms);
	CHECK(syms && nsyms > 1000);
	for (i = 0; syms && i < gobin_func_count(gb); i++) {
		struct gofunc f;
		const char *dots;
		char abi0[200];

		CHECK_INT(gobin_func(gb, i, &f), 0);
		key.addr = f.entry;
		hit = bsearch(&key, syms, nsyms, sizeof(*syms), ref_cmp);
		if (!hit) {
			bad++;
			continue;
		}
		/* bsearch may land on any of several symbols at one address */
		while (hit > syms && hit[-1].addr == f.entry)
			hit--;
		snprintf(abi0, sizeof(abi0), "%s.abi0", f.name);
		/* pclntab abbreviates array lengths in names: "type..eq.[...]T" */
		dots = strstr(f.name, "[...]");
		for (; hit < syms + nsyms && hit->addr == f.entry; hit++)
			if (!strcmp(hit->name, f.name) || !strcmp(hit->name, abi0) ||
			    (dots && !strncmp(hit->name, f.name, dots - f.name + 1)))
				break;
		if (hit < syms + nsyms && hit->addr == f.entry) {
			matched++;
		} else {
			printf("  %s: no symbol %s at %#llx\n", name, f.name,
			       (unsigned long long)f.entry);
			bad++;
		}
	}
	if (bad)
		printf("  %s: %zu of %zu functions differ from .symtab\n", name, bad,
		       gobin_func_count(gb));
	CHECK_INT(bad, 0);
	CHECK(matched > 1000);
	free(syms);
	gobin_close(gb);
}

static void test_real_pclntab_vs_symtab(void)
{
	check_against_symtab("target");
	check_against_symtab("target-pie");
	check_against_symtab("target-cgo");
}

/* A stripped build has the same functions at the same addresses. */
static void check_stripped(const char *full, const char *stripped)
{
	struct gobin *a = open_target(full), *b = open_target(stripped);
	size_t i, bad = 0;

	if (a && b) {
		CHECK_INT(gobin_func_count(a), gobin_func_count(b));
		for (i = 0; i < gobin_func_count(a) && i < gobin_func_count(b); i++) {
			struct gofunc fa, fb;

			if (gobin_func(a, i, &fa) || gobin_func(b, i, &fb) ||
			    fa.entry != fb.entry || strcmp(fa.name, fb.name) ||
			    fa.is_wrapper != fb.is_wrapper)
				bad++;
		}
		CHECK_INT(bad, 0);
	}
	gobin_close(a);
	gobin_close(b);
}

static void test_real_stripped(void)
{
	check_stripped("target", "target-stripped");
	check_stripped("target-pie", "target-pie-stripped");
}

static int read_file_at(const char *path, uint64_t off, void *buf, size_t n)
{
	int fd = open(path, O_RDONLY);
	ssize_t r;

	if (fd < 0)
		return -errno;
	r = pread(fd, buf, n, (off_t)off);
	close(fd);
	return r == (ssize_t)n ? 0 : -EIO;
}

/* Entry offsets point at Go's stack check prologue; RET sites at C3 bytes. */
static void test_real_offsets_and_rets(void)
{
	static const char *funcs[] = { "main.greet", "main.recurse", "main.spawn", "main.main" };
	/*
	 * Go's three stack checks: cmp 0x10(%r14),%rsp; for big frames
	 * lea -N(%rsp),%r12 first; for frames over 4 KB (StackBig)
	 * mov %rsp,%r12 then sub $N,%r12.
	 */
	static const uint8_t prologue[4] = { 0x49, 0x3b, 0x66, 0x10 };
	static const uint8_t prologue_big[4] = { 0x4c, 0x8d, 0x64, 0x24 };
	static const uint8_t prologue_huge[3] = { 0x49, 0x89, 0xe4 };
	size_t v, i, k;

	for (v = 0; v < NVARIANTS; v++) {
		struct gobin *gb = open_target(variants[v]);

		if (!gb)
			continue;
		for (i = 0; i < sizeof(funcs) / sizeof(funcs[0]); i++) {
			struct gofunc f;
			uint64_t off, rets[32];
			uint8_t b[4];
			size_t n = 0;

			if (v >= 4 && i) /* the cgo target has greet and main only */
				continue;
			CHECK_INT(gobin_find_func(gb, funcs[i], &f), 0);
			CHECK(!f.is_wrapper && f.end > f.entry);
			CHECK_INT(gobin_vaddr_to_offset(gb, f.entry, &off), 0);
			CHECK_INT(read_file_at(target_path(variants[v]), off, b, 4), 0);
			CHECK(!memcmp(b, prologue, 4) || !memcmp(b, prologue_big, 4) ||
			      !memcmp(b, prologue_huge, 3));
			CHECK_INT(gobin_ret_sites(gb, &f, rets, 32, &n), 0);
			CHECK(n >= 1);
			for (k = 0; k < n && k < 32; k++) {
				CHECK(rets[k] >= f.entry && rets[k] < f.end);
				CHECK_INT(gobin_vaddr_to_offset(gb, rets[k], &off), 0);
				CHECK_INT(read_file_at(target_path(variants[v]), off, b, 1), 0);
				CHECK_INT(b[0], 0xc3);
			}
			/* too small a buffer says so */
			CHECK_INT(gobin_ret_sites(gb, &f, rets, 0, &n), n ? -E2BIG : 0);
		}
		gobin_close(gb);
	}
}

/*
 * Every function of every target decodes end to end. (ABI wrappers are not
 * RET-free: ABI0->ABIInternal ones CALL the real function and RET.)
 */
static void test_real_sweep_all(void)
{
	size_t v, i;

	for (v = 0; v < NVARIANTS; v++) {
		struct gobin *gb = open_target(variants[v]);
		size_t fails = 0, wrappers = 0, rets_total = 0;

		if (!gb)
			continue;
		for (i = 0; i < gobin_func_count(gb); i++) {
			struct gofunc f;
			size_t n;
			int err;

			if (gobin_func(gb, i, &f)) {
				fails++;
				continue;
			}
			err = gobin_ret_sites(gb, &f, NULL, 0, &n);
			if (err && err != -E2BIG) {
				printf("  %s: %s: %s\n", variants[v], f.name, strerror(-err));
				fails++;
			}
			rets_total += n;
			wrappers += f.is_wrapper;
		}
		CHECK_INT(fails, 0);
		CHECK(wrappers >= 20);
		CHECK(rets_total > 1000);
		gobin_close(gb);
	}
}

/* Line of the first source line containing text, or 0. */
static int source_line(const char *path, const char *text)
{
	char line[512];
	FILE *f = fopen(path, "r");
	int n = 0, found = 0;

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f)) {
		n++;
		if (strstr(line, text))
			found = n;
	}
	fclose(f);
	return found;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t a = s ? strlen(s) : 0, b = strlen(suffix);

	return a >= b && !strcmp(s + a - b, suffix);
}

static void test_real_pc_lines(void)
{
	size_t v;

	for (v = 0; v < 4; v++) {
		struct gobin *gb = open_target(variants[v]);
		struct gofunc f, g;
		const char *file = NULL;
		uint64_t rets[8];
		char sym[512], want[600];
		size_t n;
		int line = 0;

		if (!gb)
			continue;
		CHECK_INT(gobin_find_func(gb, "main.greet", &f), 0);
		CHECK_INT(gobin_pc_info(gb, f.entry, &g, &file, &line), 0);
		CHECK_STR(g.name, "main.greet");
		CHECK(ends_with(file, "tests/go/target/main.go"));
		CHECK_INT(line, source_line(file, "func greet(name string, year int) string"));
		snprintf(want, sizeof(want), "main.greet %s:%d", file, line);
		CHECK_INT(gobin_symbolize(gb, f.entry, sym, sizeof(sym)), 0);
		CHECK_STR(sym, want);

		/* recurse's RETs are on the source lines of its two returns */
		CHECK_INT(gobin_find_func(gb, "main.recurse", &f), 0);
		CHECK_INT(gobin_ret_sites(gb, &f, rets, 8, &n), 0);
		if (n >= 1) {
			int l0 = source_line(file, "\t\treturn 0");
			int l1 = source_line(file, "\treturn recurse(n-1) + 1");

			CHECK_INT(gobin_pc_info(gb, rets[n - 1], &g, &file, &line), 0);
			CHECK(line == l0 || line == l1);
		}
		CHECK_INT(gobin_pc_info(gb, 0x10, &g, &file, &line), -ENOENT);
		CHECK_INT(gobin_symbolize(gb, 0x10, sym, sizeof(sym)), -ENOENT);
		gobin_close(gb);
	}
}

/* arm64: RET sites are RET X30 words; goid table and lines work too. */
static void test_real_arm64(void)
{
	struct gobin *gb = open_target("target-arm64");
	struct gofunc f;
	const char *file;
	uint64_t rets[8], off;
	size_t n = 0, k;
	int line;

	if (!gb)
		return;
	CHECK_INT(gobin_machine(gb), EM_AARCH64);
	CHECK_INT(gobin_goid_offset(gb), 152);
	CHECK_INT(gobin_find_func(gb, "main.recurse", &f), 0);
	CHECK_INT(gobin_ret_sites(gb, &f, rets, 8, &n), 0);
	CHECK(n >= 1);
	for (k = 0; k < n && k < 8; k++) {
		uint8_t b[4];

		CHECK_INT(gobin_vaddr_to_offset(gb, rets[k], &off), 0);
		CHECK_INT(read_file_at(target_path("target-arm64"), off, b, 4), 0);
		CHECK_INT(b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24, 0xd65f03c0);
	}
	CHECK_INT(gobin_pc_info(gb, f.entry, NULL, &file, &line), 0);
	CHECK(ends_with(file, "tests/go/target/main.go"));
	CHECK_INT(line, source_line(file, "func recurse(n int) int"));
	gobin_close(gb);
}

static void test_real_wrappers_and_match(void)
{
	struct gobin *gb = open_target("target");
	struct gofunc f;
	size_t iter = 0, n = 0, i, nargs = 0;
	int seen_greet = 0, seen_recurse = 0;

	if (!gb)
		return;
	/* runtime.args has an ABI wrapper twin: find_func returns the real one */
	for (i = 0; i < gobin_func_count(gb); i++)
		if (!gobin_func(gb, i, &f) && !strcmp(f.name, "runtime.args"))
			nargs++;
	CHECK_INT(nargs, 2);
	CHECK_INT(gobin_find_func(gb, "runtime.args", &f), 0);
	CHECK(!f.is_wrapper);
	CHECK_INT(gobin_find_func(gb, "runtime.deferreturn", &f), 0);
	CHECK_INT(gobin_find_func(gb, "main.nosuchfunc", &f), -ENOENT);

	while (gobin_match_func(gb, "main.*", &iter, &f) == 0) {
		n++;
		CHECK(!f.is_wrapper && !strncmp(f.name, "main.", 5));
		seen_greet |= !strcmp(f.name, "main.greet");
		seen_recurse |= !strcmp(f.name, "main.recurse");
	}
	CHECK(n >= 8 && n < 64);
	CHECK(seen_greet && seen_recurse);
	iter = 0;
	CHECK_INT(gobin_match_func(gb, "nomatch.*", &iter, &f), -ENOENT);
	gobin_close(gb);
}

static uint8_t *slurp(const char *path, size_t *size)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *buf = NULL;
	long n;

	if (!fp)
		return NULL;
	if (!fseek(fp, 0, SEEK_END) && (n = ftell(fp)) > 0) {
		rewind(fp);
		buf = malloc((size_t)n);
		if (buf && fread(buf, 1, (size_t)n, fp) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		*size = (size_t)n;
	}
	fclose(fp);
	return buf;
}

/* Same functions, version and RET sites as the intact file. */
static void check_like_original(struct gobin *gb, const char *orig)
{
	struct gobin *ref = open_target(orig);
	struct gofunc f, g;
	uint64_t r1[8], r2[8];
	size_t n1 = 0, n2 = 0;

	if (!gb || !ref) {
		gobin_close(ref);
		return;
	}
	CHECK_INT(gobin_func_count(gb), gobin_func_count(ref));
	CHECK_STR(gobin_go_version(gb), gobin_go_version(ref));
	CHECK_STR(gobin_main_module(gb), "bpfkit.test/target");
	CHECK_INT(gobin_find_func(gb, "main.recurse", &f), 0);
	CHECK_INT(gobin_find_func(ref, "main.recurse", &g), 0);
	CHECK_INT(f.entry, g.entry);
	CHECK_INT(gobin_ret_sites(gb, &f, r1, 8, &n1), 0);
	CHECK_INT(gobin_ret_sites(ref, &g, r2, 8, &n2), 0);
	CHECK_INT(n1, n2);
	CHECK(n1 >= 1 && r1[0] == r2[0]);
	gobin_close(ref);
}

/* Without section headers pclntab and buildinfo are found by scanning segments. */
static void test_real_no_sections(void)
{
	size_t size = 0;
	uint8_t *buf = slurp(target_path("target-pie-stripped"), &size);
	struct gobin *gb = NULL;

	CHECK(buf && size > 64);
	if (!buf)
		return;
	memset(buf + 40, 0, 8);	 /* e_shoff */
	memset(buf + 60, 0, 4);	 /* e_shnum, e_shstrndx */
	CHECK_INT(gobin_open_mem(buf, size, &gb), 0);
	check_like_original(gb, "target-pie-stripped");
	gobin_close(gb);
	free(buf);
}

/* With the section renamed, the runtime.pclntab symbol locates the table. */
static void test_real_pclntab_symbol(void)
{
	size_t size = 0, i, hits = 0;
	uint8_t *buf = slurp(target_path("target"), &size);
	struct gobin *gb = NULL;

	CHECK(buf && size > 64);
	if (!buf)
		return;
	for (i = 0; i + 11 <= size; i++) {
		if (!memcmp(buf + i, ".gopclntab", 11)) {
			buf[i + 1] = 'x';
			hits++;
		}
	}
	CHECK_INT(hits, 1);
	CHECK_INT(gobin_open_mem(buf, size, &gb), 0);
	check_like_original(gb, "target");
	gobin_close(gb);
	free(buf);
}

#define TRACEFS "/sys/kernel/tracing"

static int tracefs_write(const char *file, const char *text)
{
	size_t len = strlen(text);
	char path[256];
	ssize_t w;
	int fd, err;

	/* open+write: tracefs refuses the seek that fopen(..., "a") makes */
	snprintf(path, sizeof(path), TRACEFS "/%s", file);
	fd = open(path, O_WRONLY | O_APPEND);
	if (fd < 0)
		return -errno;
	w = write(fd, text, len);
	err = w == (ssize_t)len ? 0 : w < 0 ? -errno : -EIO;
	close(fd);
	return err;
}

static int can_probe(void)
{
	return geteuid() == 0 && access(TRACEFS "/uprobe_events", W_OK) == 0 &&
	       access(target_path("target"), R_OK) == 0;
}

/*
 * While a uprobe sits on a RET, the kernel writes INT3 into every private
 * mapping of the file that may execute; gobin must still see the RET.
 */
static void test_real_probed_file(void)
{
	char dir[] = "/tmp/gobin-probe-XXXXXX", path[300], ev[512], grp[64], en[128];
	size_t size = 0, n1 = 0, n2 = 0;
	uint8_t *buf = slurp(target_path("target"), &size);
	uint64_t r1[8], r2[8], off = 0;
	struct gobin *gb = NULL;
	struct gofunc f;
	FILE *fp;
	int err;

	CHECK(buf != NULL && mkdtemp(dir) != NULL);
	if (!buf)
		return;
	/* a private copy, so no other test's probes meet ours */
	snprintf(path, sizeof(path), "%s/target", dir);
	fp = fopen(path, "wb");
	CHECK(fp && fwrite(buf, 1, size, fp) == size);
	if (fp)
		fclose(fp);
	free(buf);
	CHECK_INT(gobin_open(path, &gb), 0);
	if (gb) {
		CHECK_INT(gobin_find_func(gb, "main.recurse", &f), 0);
		CHECK_INT(gobin_ret_sites(gb, &f, r1, 8, &n1), 0);
		CHECK(n1 >= 1);
		CHECK_INT(gobin_vaddr_to_offset(gb, r1[0], &off), 0);
		gobin_close(gb);
		gb = NULL;
	}
	snprintf(grp, sizeof(grp), "gobintest%d", (int)getpid());
	snprintf(ev, sizeof(ev), "p:%s/ret %s:0x%llx\n", grp, path, (unsigned long long)off);
	snprintf(en, sizeof(en), "events/%s/enable", grp);
	err = tracefs_write("uprobe_events", ev);
	CHECK_INT(err, 0);
	if (!err) {
		CHECK_INT(tracefs_write(en, "1\n"), 0);
		{
			/* what a private mapping sees now (informational) */
			int fd = open(path, O_RDONLY);
			uint8_t *m = fd >= 0 ? mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0)
					     : MAP_FAILED;

			if (m != MAP_FAILED) {
				printf("  private mapping shows %#x at the probed RET\n", m[off]);
				munmap(m, size);
			}
			if (fd >= 0)
				close(fd);
		}
		CHECK_INT(gobin_open(path, &gb), 0);
		if (gb) {
			CHECK_INT(gobin_find_func(gb, "main.recurse", &f), 0);
			CHECK_INT(gobin_ret_sites(gb, &f, r2, 8, &n2), 0);
			CHECK_INT(n2, n1);
			CHECK(n2 >= 1 && r2[0] == r1[0]);
			gobin_close(gb);
		}
		tracefs_write(en, "0\n");
		snprintf(ev, sizeof(ev), "-:%s/ret\n", grp);
		CHECK_INT(tracefs_write("uprobe_events", ev), 0);
	}
	unlink(path);
	rmdir(dir);
}

/* Marks a copy as built by "go1.99", a version the goid table does not know. */
static int patch_version_to(uint8_t *buf, size_t size, const char *from, const char *to)
{
	uint8_t *p = memmem(buf, size, "\xff Go buildinf:", 14);
	uint8_t *v = p ? memmem(p, size - (size_t)(p - buf), from, 6) : NULL;

	if (!v)
		return -1;
	memcpy(v, to, 6);
	return 0;
}

static int patch_version(uint8_t *buf, size_t size)
{
	return patch_version_to(buf, size, "go1.19", "go1.99");
}

/*
 * DWARF gives the goid offset for any version; without DWARF, the runtime's
 * own newproc1 does, also for a release the table does not know; a release
 * whose code disagrees with the table (go1.19 code called go1.23) is refused.
 */
static void test_real_goid_dwarf(void)
{
	static const char *names[] = { "target", "target-stripped" };
	size_t i;

	for (i = 0; i < 2; i++) {
		size_t size = 0;
		uint8_t *buf = slurp(target_path(names[i]), &size);
		struct gobin *gb = NULL;

		CHECK(buf != NULL);
		if (!buf)
			continue;
		CHECK_INT(patch_version(buf, size), 0);
		CHECK_INT(gobin_open_mem(buf, size, &gb), 0);
		CHECK_STR(gobin_go_version(gb), "go1.99.8");
		CHECK_INT(gobin_goid_offset(gb), 152);
		CHECK_INT(gobin_goid_offset_code(gb), 152);
		gobin_close(gb);
		if (i == 1) {
			CHECK_INT(patch_version_to(buf, size, "go1.99", "go1.23"), 0);
			CHECK_INT(gobin_open_mem(buf, size, &gb), 0);
			CHECK_INT(gobin_goid_offset(gb), -EPROTO);
			gobin_close(gb);
		}
		free(buf);
	}
}

/*
 * Go 1.19's go-statement wrappers: `go worker(i, &wg)` starts in
 * main.spawn.func1, which has the wrapper funcID (21 on 1.18-1.22) and
 * calls main.worker; a closure written in the program is no wrapper. The
 * same on the arm64 build, whose goid store newproc1 shows too.
 */
static void test_real_go_wrappers(void)
{
	static const char *names[] = { "target-stripped", "target-arm64" };

	for (size_t i = 0; i < 2; i++) {
		struct gobin *gb = NULL;
		struct gofunc f, callee;
		struct gowrap w;
		size_t it = 0;
		int n = 0;

		CHECK_INT(gobin_open(target_path(names[i]), &gb), 0);
		if (!gb)
			continue;
		CHECK_INT(gobin_wrapper_id(gb), 21);
		CHECK_INT(gobin_goid_offset_code(gb), 152);
		CHECK_INT(gobin_find_func(gb, "main.worker", &callee), 0);
		while (!gobin_match_func(gb, "main.spawn.func*", &it, &f)) {
			CHECK_INT(gobin_go_wrapper(gb, &f, &w), 0);
			CHECK_STR(w.callee, "main.worker");
			CHECK(w.callee_entry == callee.entry);
			CHECK_INT(w.nloads, 0);
			n++;
		}
		CHECK_INT(n, 1);
		it = 0;
		CHECK_INT(gobin_match_func(gb, "main.stackgrow.func1", &it, &f), 0);
		CHECK_INT(gobin_go_wrapper(gb, &f, &w), -ENOENT);
		gobin_close(gb);
	}
}

/* Corrupted copies of a real binary: open fails or everything stays in bounds. */
static void test_real_corrupted(void)
{
	const char *path = target_path("target-stripped");
	uint8_t *buf, *copy;
	size_t size, round;
	FILE *fp = fopen(path, "rb");
	/* GOBIN_SEED=N replays another sequence of corruptions */
	unsigned int seed = getenv("GOBIN_SEED") ? (unsigned int)atoi(getenv("GOBIN_SEED")) : 1;
	size_t opened = 0;

	CHECK(fp != NULL);
	if (!fp)
		return;
	fseek(fp, 0, SEEK_END);
	size = (size_t)ftell(fp);
	rewind(fp);
	buf = malloc(size);
	copy = malloc(size);
	CHECK(buf && copy && fread(buf, 1, size, fp) == size);
	fclose(fp);
	for (round = 0; buf && copy && round < 150; round++) {
		struct gobin *gb;
		size_t len = size, k;

		memcpy(copy, buf, size);
		if (round % 3 == 0)
			len = (size_t)rand_r(&seed) % size; /* truncated */
		for (k = 0; k < 64; k++) {
			size_t at = (size_t)rand_r(&seed) % len;

			/* a third of the rounds hit the ELF, program and section headers */
			if (round % 3 == 2)
				at = k % 2 ? at % 4096 : len - 1 - at % 4096;
			copy[at] = (uint8_t)rand_r(&seed);
		}
		if (gobin_open_mem(copy, len, &gb))
			continue;
		opened++;
		for (k = 0; k < gobin_func_count(gb); k += 7) {
			struct gofunc f;
			const char *file;
			uint64_t rets[8];
			size_t n;
			int line;

			if (gobin_func(gb, k, &f))
				continue;
			gobin_pc_info(gb, f.entry + 3, &f, &file, &line);
			if (f.end - f.entry < 1 << 20)
				gobin_ret_sites(gb, &f, rets, 8, &n);
		}
		gobin_go_version(gb);
		gobin_goid_offset(gb);
		gobin_close(gb);
	}
	printf("  %zu of 150 corrupted copies opened\n", opened);
	/* many must open, or this test exercises nothing past the ELF header */
	CHECK(opened >= 50);
	free(buf);
	free(copy);
}

/* gotrace's DWARF signatures: parameters, then results, with Go type names and kinds. */
static void test_real_func_params(void)
{
	struct gobin *gb = open_target("target"), *st;
	struct godwarf_param p[16];
	size_t n = 0;

	if (!gb)
		return;
	CHECK_INT(gobin_func_params(gb, "main.greet", p, 8, &n), 0);
	CHECK_INT((int)n, 3);
	CHECK_STR(p[0].name, "name");
	CHECK_STR(p[0].type, "string");
	CHECK_INT(p[0].kind, 24);
	CHECK_INT(p[0].is_result, 0);
	CHECK_STR(p[1].name, "year");
	CHECK_INT(p[1].kind, 2);
	CHECK_STR(p[2].name, "");	/* ~r0 */
	CHECK_INT(p[2].kind, 24);
	CHECK_INT(p[2].is_result, 1);
	CHECK_INT(gobin_func_params(gb, "main.worker", p, 8, &n), 0);
	CHECK_STR(p[1].type, "*sync.WaitGroup");
	CHECK_INT(p[1].kind, 22);
	/* A struct comes with its fields: move(p point, dx int) point. */
	CHECK_INT(gobin_func_params(gb, "main.move", p, 16, &n), 0);
	CHECK_INT((int)n, 9);
	CHECK_STR(p[0].type, "main.point");
	CHECK_INT(p[0].kind, 25);
	CHECK_INT(p[0].nfields, 3);
	CHECK_STR(p[1].name, "X");
	CHECK_INT(p[1].is_field, 1);
	CHECK_STR(p[3].name, "Name");
	CHECK_INT(p[3].kind, 24);
	CHECK_INT(p[4].is_field, 0);
	CHECK_INT(p[5].nfields, 3);
	CHECK_INT(p[5].is_result, 1);
	CHECK_INT(p[8].is_result, 1);
	/* Pointers say their pointee's kind: bump(n *int, ok *bool, p *point) int. */
	CHECK_INT(gobin_func_params(gb, "main.bump", p, 16, &n), 0);
	CHECK_INT((int)n, 4);
	CHECK_INT(p[0].kind, 22);
	CHECK_INT(p[0].elem_kind, 2);
	CHECK_INT(p[1].elem_kind, 1);
	CHECK_INT(p[2].elem_kind, 25);
	CHECK_INT(p[3].elem_kind, 0);
	/* Nested structs and arrays, with sizes and offsets: nest(o, p outer) int,
	 * outer{ID int; In inner{A int32; B bool; S string}; Tag string}. */
	CHECK_INT(gobin_func_params(gb, "main.nest", p, 16, &n), 0);
	CHECK_INT((int)n, 15);
	CHECK_INT(p[0].kind, 25);
	CHECK_INT(p[0].nfields, 6);
	CHECK_INT((int)p[0].size, 48);
	CHECK_STR(p[2].name, "In");
	CHECK_INT(p[2].nfields, 3);
	CHECK_INT((int)p[2].offset, 8);
	CHECK_STR(p[4].name, "B");
	CHECK_INT(p[4].is_field, 2);
	CHECK_INT((int)p[4].offset, 4);	/* in inner */
	CHECK_INT((int)p[4].size, 1);
	CHECK_STR(p[6].name, "Tag");
	CHECK_INT((int)p[6].offset, 32);
	CHECK_INT(p[6].is_field, 1);
	CHECK_INT(p[7].is_field, 0);
	/* arr(xs [3]int, name string, ys [10]uint8, fs [2]float64) int: an array, then its element. */
	CHECK_INT(gobin_func_params(gb, "main.arr", p, 16, &n), 0);
	CHECK_INT((int)n, 8);
	CHECK_INT(p[0].kind, 17);
	CHECK_INT((int)p[0].count, 3);
	CHECK_INT((int)p[0].size, 24);
	CHECK_INT(p[0].nfields, 1);
	CHECK_INT(p[1].kind, 2);
	CHECK_INT((int)p[1].size, 8);
	CHECK_INT((int)p[3].count, 10);
	CHECK_INT(p[4].kind, 8);
	CHECK_INT(p[6].kind, 14);
	CHECK_INT(gobin_func_params(gb, "main.greet", p, 2, &n), -E2BIG);
	CHECK_INT(gobin_func_params(gb, "main.nosuch", p, 8, &n), -ENOENT);
	gobin_close(gb);
	st = open_target("target-stripped");
	if (st)
		CHECK_INT(gobin_func_params(st, "main.greet", p, 8, &n), -ENOENT);
	gobin_close(st);
}

/*
 * Inlined frames: in main.viaHelper, the call of main.greet comes from
 * main.helper, inlined there. Found through go.func.* on the plain build
 * and through the runtime's moduledata on the stripped one.
 */
static void test_real_inlined_frames(void)
{
	static const char *names[] = { "target", "target-stripped", "target-pie-stripped" };
	const char *src = "tests/go/target/main.go";
	int hl = source_line(src, "return greet(name, 1)"), vl = source_line(src, "return helper(name)");

	CHECK(hl > 0 && vl > 0);
	for (size_t k = 0; k < 3; k++) {
		struct gobin *gb = open_target(names[k]);
		struct gofunc_frame fr[4];
		struct gofunc f;
		int found = 0, n;

		if (!gb)
			continue;
		CHECK_INT(gobin_find_func(gb, "main.viaHelper", &f), 0);
		for (uint64_t pc = f.entry; pc < f.end && !found; pc++) {
			n = gobin_pc_frames(gb, pc, fr, 4);
			if (n != 2)
				continue;
			found = 1;
			CHECK_STR(fr[0].name, "main.helper");
			CHECK_INT(fr[0].line, hl);
			CHECK_STR(fr[1].name, "main.viaHelper");
			CHECK_INT(fr[1].line, vl);
			CHECK(fr[1].file && strstr(fr[1].file, "main.go"));
		}
		if (!found)
			printf("  %s: no PC of main.viaHelper has an inlined frame\n", names[k]);
		CHECK(found);
		/* A PC without inlining: one frame, as gobin_pc_info gives it. */
		CHECK_INT(gobin_find_func(gb, "main.recurse", &f), 0);
		CHECK_INT(gobin_pc_frames(gb, f.entry, fr, 4), 1);
		CHECK_STR(fr[0].name, "main.recurse");
		CHECK_INT(gobin_pc_frames(gb, 1, fr, 4), -ENOENT);
		gobin_close(gb);
	}
}

/*
 * Without .go.buildinfo (esbuild 0.28.2 ships so), the version comes from
 * the runtime's own version string in read-only data.
 */
static void test_real_version_string(void)
{
	size_t size = 0;
	uint8_t *buf = slurp(target_path("target-stripped"), &size), *p;
	struct gobin *gb = NULL;

	CHECK(buf != NULL);
	if (!buf)
		return;
	p = memmem(buf, size, "\xff Go buildinf:", 14);
	CHECK(p != NULL);
	if (p)
		memset(p, 0, 14);
	CHECK_INT(gobin_open_mem(buf, size, &gb), 0);
	CHECK_STR(gobin_go_version(gb), "go1.19.8");
	CHECK(gobin_main_module(gb) == NULL);
	CHECK_INT(gobin_goid_offset(gb), 152);
	gobin_close(gb);
	free(buf);
}

/* DWARF from a separate debug file named by .gnu_debuglink, checked by its CRC. */
static void test_real_debuglink(void)
{
	char dir[] = "/tmp/gobin-dbg-XXXXXX", p1[300], p2[300];
	struct godwarf_param p[8];
	struct gobin *gb = open_target("target-debuglink");
	size_t n = 0, size = 0;
	uint8_t *buf;
	FILE *fp;

	if (!gb)
		return;
	CHECK_INT(gobin_func_params(gb, "main.greet", p, 8, &n), 0);
	CHECK_INT((int)n, 3);
	CHECK_STR(p[0].name, "name");
	CHECK_INT(gobin_goid_offset(gb), 152);
	gobin_close(gb);
	/* A copy whose debug file does not match the CRC: no DWARF at all. */
	CHECK(mkdtemp(dir) != NULL);
	snprintf(p1, sizeof(p1), "%s/target-debuglink", dir);
	snprintf(p2, sizeof(p2), "%s/target-debuglink.debug", dir);
	buf = slurp(target_path("target-debuglink"), &size);
	CHECK(buf && (fp = fopen(p1, "wb")) && fwrite(buf, 1, size, fp) == size && !fclose(fp));
	free(buf);
	buf = slurp(target_path("target-debuglink.debug"), &size);
	CHECK(buf && size > 100);
	if (buf)
		buf[size / 2] ^= 0xff;
	CHECK(buf && (fp = fopen(p2, "wb")) && fwrite(buf, 1, size, fp) == size && !fclose(fp));
	free(buf);
	CHECK_INT(gobin_open(p1, &gb), 0);
	if (gb)
		CHECK_INT(gobin_func_params(gb, "main.greet", p, 8, &n), -ENOENT);
	gobin_close(gb);
	unlink(p1);
	unlink(p2);
	rmdir(dir);
}

int main(void)
{
	RUN(test_pclntab_go12);
	RUN(test_pclntab_go116);
	RUN(test_pclntab_go118);
	RUN(test_pclntab_go120);
	RUN(test_pclntab_zero_text_start);
	RUN(test_pclntab_bad_headers);
	RUN(test_buildinfo_inline);
	RUN(test_buildinfo_pointers);
	RUN(test_goid_table);
	RUN(test_open_errors);
	RUN(test_real_targets_present);
	RUN(test_real_buildinfo);
	RUN(test_real_pclntab_vs_symtab);
	RUN(test_real_stripped);
	RUN(test_real_offsets_and_rets);
	RUN(test_real_sweep_all);
	RUN(test_real_pc_lines);
	RUN(test_real_arm64);
	RUN(test_real_wrappers_and_match);
	RUN(test_real_no_sections);
	RUN(test_real_pclntab_symbol);
	RUN(test_real_goid_dwarf);
	RUN(test_real_go_wrappers);
	RUN(test_real_func_params);
	RUN(test_real_debuglink);
	RUN(test_real_version_string);
	RUN(test_real_inlined_frames);
	if (can_probe())
		RUN(test_real_probed_file);
	else
		printf("SKIP test_real_probed_file: needs root, tracefs and the Go targets\n");
	RUN(test_real_corrupted);
	UNIT_EXIT();
}
