/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * elfsym against binaries built here (non-PIE, PIE via the symtarget
 * trigger, a shared library), stripped copies with debug files found by
 * .gnu_debuglink and build-id, and Debian's python3.11 USDT notes. Every
 * expected offset is computed independently from nm and readelf output.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "uspace/elfsym.h"
#include "unit.h"

#define PYTHON "/usr/bin/python3.11"

static char tmp[64];
static char trigger[PATH_MAX];

static const char lib_src_a[] =
	"#define F __attribute__((noipa, used))\n"
	"volatile int symt_sink;\n"
	"F int symt_lib_one(int x) { symt_sink += x; return symt_sink * 5; }\n"
	"F int symt_lib_two(int x) { symt_sink -= x; return symt_sink * 7; }\n"
	"F static int symt_lib_hidden(int x) { symt_sink ^= x; return 3; }\n"
	"int __symt_u(int) __attribute__((alias(\"symt_lib_one\")));\n"
	"F static int dup_fn(int x) { symt_sink += 2 * x; return symt_sink; }\n"
	"static int impl(int x) { return x + 1; }\n"
	"static void *resolve_ifn(void) { return (void *)impl; }\n"
	"int symt_ifn(int) __attribute__((ifunc(\"resolve_ifn\")));\n"
	"int symt_use(int x) { return symt_lib_hidden(x) + dup_fn(x); }\n";
static const char lib_src_b[] =
	"volatile int symt_sink2;\n"
	"__attribute__((noipa, used)) static int dup_fn(int x)\n"
	"{ symt_sink2 += 3 * x; return symt_sink2; }\n"
	"int symt_other(int x) { return dup_fn(x); }\n";
/* What <sys/sdt.h> expands STAP_PROBE1(symt, hit, x) to, with a
 * semaphore; the probe site is a nop. */
static const char usdt_src[] =
	"unsigned short symt_sema __attribute__((section(\".probes\"), used));\n"
	"__attribute__((noipa)) void symt_probe_site(int x)\n"
	"{\n"
	"	__asm__ __volatile__(\n"
	"		\"990: nop\\n\"\n"
	"		\".pushsection .note.stapsdt,\\\"?\\\",\\\"note\\\"\\n\"\n"
	"		\".balign 4\\n\"\n"
	"		\".4byte 992f-991f, 994f-993f, 3\\n\"\n"
	"		\"991: .asciz \\\"stapsdt\\\"\\n\"\n"
	"		\"992: .balign 4\\n\"\n"
	"		\"993: .8byte 990b\\n\"\n"
	"		\".8byte _.stapsdt.base\\n\"\n"
	"		\".8byte symt_sema\\n\"\n"
	"		\".asciz \\\"symt\\\"\\n\"\n"
	"		\".asciz \\\"hit\\\"\\n\"\n"
	"		\".asciz \\\"-4@%0\\\"\\n\"\n"
	"		\"994: .balign 4\\n\"\n"
	"		\".popsection\\n\"\n"
	"		\".ifndef _.stapsdt.base\\n\"\n"
	"		\".pushsection .stapsdt.base,\\\"aG\\\",\\\"progbits\\\","
	".stapsdt.base,comdat\\n\"\n"
	"		\".weak _.stapsdt.base\\n\"\n"
	"		\".hidden _.stapsdt.base\\n\"\n"
	"		\"_.stapsdt.base: .space 1\\n\"\n"
	"		\".size _.stapsdt.base, 1\\n\"\n"
	"		\".popsection\\n\"\n"
	"		\".endif\\n\" :: \"nor\"(x));\n"
	"}\n"
	"int main(int argc, char **argv) { symt_probe_site(argc); return 0; }\n";
static const char exe_src[] =
	"#define F __attribute__((noipa, used))\n"
	"volatile int sink;\n"
	"F int exe_global(int x) { sink += x; return sink * 3; }\n"
	"F static int exe_static(int x) { sink -= x; return sink; }\n"
	"int main(void) { return exe_global(1) + exe_static(2); }\n";

static int sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

static void write_file(const char *name, const char *text)
{
	char path[PATH_MAX];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", tmp, name);
	fp = fopen(path, "w");
	if (fp) {
		fputs(text, fp);
		fclose(fp);
	}
}

/* vaddr and size of sym from `nm -S`; -1 when absent, 2 when it appears
 * twice. */
static int nm_sym(const char *file, const char *sym, unsigned long long *addr,
		  unsigned long long *size)
{
	char cmd[PATH_MAX + 64], line[1024], name[512];
	unsigned long long a, s;
	int found = 0;
	char type;
	FILE *fp;

	snprintf(cmd, sizeof(cmd), "nm -S --defined-only '%s' 2>/dev/null",
		 file);
	fp = popen(cmd, "r");
	if (!fp)
		return -1;
	while (fgets(line, sizeof(line), fp))
		if (sscanf(line, "%llx %llx %c %511s", &a, &s, &type, name) ==
			    4 &&
		    !strcmp(name, sym) && (type == 'T' || type == 't' ||
					   type == 'W' || type == 'i')) {
			*addr = a;
			*size = s;
			found++;
		}
	pclose(fp);
	return found ? found : -1;
}

/* file offset of vaddr from the LOAD lines of `readelf -lW` */
static int phdr_offset(const char *file, unsigned long long vaddr,
		       unsigned long long *off)
{
	char cmd[PATH_MAX + 64], line[1024];
	unsigned long long o, v, p, fsz;
	int found = -1;
	FILE *fp;

	snprintf(cmd, sizeof(cmd), "readelf -lW '%s'", file);
	fp = popen(cmd, "r");
	if (!fp)
		return -1;
	while (fgets(line, sizeof(line), fp))
		if (sscanf(line, " LOAD %llx %llx %llx %llx", &o, &v, &p,
			   &fsz) == 4 &&
		    vaddr >= v && vaddr < v + fsz) {
			*off = vaddr - v + o;
			found = 0;
		}
	pclose(fp);
	return found;
}

/* Offset of sym as nm + readelf give it; 0 when that fails. */
static uint64_t expected_offset(const char *file, const char *sym)
{
	unsigned long long addr, size, off;

	if (nm_sym(file, sym, &addr, &size) != 1 ||
	    phdr_offset(file, addr, &off))
		return 0;
	return off;
}

static int read_at(const char *file, uint64_t off, void *buf, size_t len)
{
	int fd = open(file, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = pread(fd, buf, len, off);
	close(fd);
	return n == (ssize_t)len ? 0 : -1;
}

static void path_in_tmp(char *buf, const char *name)
{
	snprintf(buf, PATH_MAX, "%s/%s", tmp, name);
}

static void check_offsets(const char *file, const char *const *syms, int n)
{
	struct elfsym_file *f;
	uint64_t off, want;
	int i;

	CHECK_INT(elfsym_open(file, &f), 0);
	if (!f)
		return;
	for (i = 0; i < n; i++) {
		want = expected_offset(file, syms[i]);
		CHECK(want != 0);
		off = 0;
		CHECK_INT(elfsym_lookup(f, syms[i], &off), 0);
		CHECK_INT(off, want);
	}
	elfsym_close(f);
}

static void test_offset_nopie(void)
{
	static const char *const syms[] = { "exe_global", "exe_static",
					    "main" };
	char exe[PATH_MAX];

	path_in_tmp(exe, "nopie");
	CHECK_INT(sh("gcc -O2 -g -no-pie -o %s %s/exe.c", exe, tmp), 0);
	/* ET_EXEC: vaddr and offset differ by the 0x400000 base */
	CHECK_INT(sh("readelf -h %s | grep -q 'EXEC (Executable'", exe), 0);
	check_offsets(exe, syms, 3);
}

static void test_offset_pie(void)
{
	static const char *const syms[] = { "symtarget_alpha", "symtarget_beta",
					    "symtarget_gamma", "main" };
	const struct elfsym_sym *s;
	struct elfsym_file *f;

	CHECK_INT(sh("readelf -h %s | grep -q 'DYN (Position-Independent'",
		     trigger),
		  0);
	check_offsets(trigger, syms, 4);
	CHECK_INT(elfsym_open(trigger, &f), 0);
	if (!f)
		return;
	CHECK_INT(elfsym_find(f, "symtarget_alpha", &s), 0);
	CHECK(s->global);
	CHECK(!s->ifunc);
	CHECK_INT(elfsym_find(f, "symtarget_gamma", &s), 0);
	CHECK(!s->global);
	CHECK_INT(elfsym_lookup(f, "no_such_function", &(uint64_t){ 0 }),
		  -ENOENT);
	/* a variable is no function */
	CHECK_INT(elfsym_lookup(f, "symtarget_sink", &(uint64_t){ 0 }),
		  -ENOENT);
	elfsym_close(f);
}

static void test_offset_shlib(void)
{
	static const char *const syms[] = { "symt_lib_one", "symt_lib_two",
					    "symt_lib_hidden", "__symt_u",
					    "symt_other" };
	const struct elfsym_sym *s;
	struct elfsym_file *f;
	char lib[PATH_MAX];
	uint64_t off;

	path_in_tmp(lib, "libsymt.so");
	check_offsets(lib, syms, 5);
	CHECK_INT(elfsym_open(lib, &f), 0);
	if (!f)
		return;
	/* static functions of one name in two files */
	CHECK_INT(elfsym_lookup(f, "dup_fn", &off), -ENOTUNIQ);
	CHECK_INT(elfsym_find(f, "symt_ifn", &s), 0);
	CHECK(s->ifunc);
	CHECK(s->global);
	CHECK_INT(s->offset, expected_offset(lib, "symt_ifn"));
	elfsym_close(f);
}

/* A shared library linked at a non-zero base, as prelinked ones are:
 * vaddr and offset differ. */
static void test_offset_shlib_based(void)
{
	static const char *const syms[] = { "symt_lib_one", "symt_lib_hidden",
					    "symt_other" };
	struct elfsym_file *f;
	char lib[PATH_MAX];
	uint64_t off;
	const struct elfsym_sym *s;

	path_in_tmp(lib, "libbased.so");
	CHECK_INT(sh("gcc -O2 -fPIC -shared -Wl,-Ttext-segment=0x200000 "
		     "-o %s %s/a.c %s/b.c",
		     lib, tmp, tmp),
		  0);
	check_offsets(lib, syms, 3);
	CHECK_INT(elfsym_open(lib, &f), 0);
	if (!f)
		return;
	CHECK_INT(elfsym_find(f, "symt_lib_one", &s), 0);
	CHECK_INT(s->vaddr - s->offset, 0x200000);
	CHECK_INT(elfsym_vaddr_to_offset(f, s->vaddr, &off), 0);
	CHECK_INT(off, s->offset);
	elfsym_close(f);
}

struct names {
	char buf[1024];
	int n;
	int stop_after;
};

static int collect(const struct elfsym_sym *s, void *ctx)
{
	struct names *nm = ctx;
	size_t len = strlen(nm->buf);

	snprintf(nm->buf + len, sizeof(nm->buf) - len, "%s%s", len ? " " : "",
		 s->name);
	nm->n++;
	return nm->n == nm->stop_after ? 42 : 0;
}

static void test_glob(void)
{
	const struct elfsym_sym **arr;
	struct names nm = {};
	struct elfsym_file *f;
	char lib[PATH_MAX];
	size_t cnt;

	path_in_tmp(lib, "libsymt.so");
	CHECK_INT(elfsym_open(lib, &f), 0);
	if (!f)
		return;
	/* in .symtab and .dynsym, reported once each, in name order */
	CHECK_INT(elfsym_foreach(f, "symt_*", collect, &nm), 0);
	CHECK_STR(nm.buf, "symt_ifn symt_lib_hidden symt_lib_one symt_lib_two "
			  "symt_other symt_use");
	memset(&nm, 0, sizeof(nm));
	CHECK_INT(elfsym_foreach(f, "*symt_[lu]*", collect, &nm), 0);
	CHECK_STR(nm.buf, "__symt_u symt_lib_hidden symt_lib_one symt_lib_two "
			  "symt_use");
	memset(&nm, 0, sizeof(nm));
	CHECK_INT(elfsym_foreach(f, "dup_fn", collect, &nm), 0);
	CHECK_STR(nm.buf, "dup_fn dup_fn");
	memset(&nm, 0, sizeof(nm));
	nm.stop_after = 2;
	CHECK_INT(elfsym_foreach(f, "symt_lib_*", collect, &nm), 42);
	CHECK_STR(nm.buf, "symt_lib_hidden symt_lib_one");

	CHECK_INT(elfsym_match(f, "symt_lib_t?o", &arr, &cnt), 0);
	CHECK_INT(cnt, 1);
	if (cnt == 1)
		CHECK_STR(arr[0]->name, "symt_lib_two");
	free(arr);
	CHECK_INT(elfsym_match(f, "nothing*", &arr, &cnt), 0);
	CHECK_INT(cnt, 0);
	CHECK(arr == NULL);
	CHECK_INT(elfsym_match(f, NULL, &arr, &cnt), 0);
	CHECK_INT(cnt, elfsym_count(f));
	free(arr);
	elfsym_close(f);
}

static void test_addr_to_sym(void)
{
	static const char *const syms[] = { "symt_lib_two", "symt_lib_hidden",
					    "symt_other" };
	unsigned long long addr, size;
	struct elfsym_file *f;
	char lib[PATH_MAX];
	uint64_t off, v;
	const char *name;
	int i;

	path_in_tmp(lib, "libsymt.so");
	CHECK_INT(elfsym_open(lib, &f), 0);
	if (!f)
		return;
	for (i = 0; i < 3; i++) {
		CHECK_INT(nm_sym(lib, syms[i], &addr, &size), 1);
		CHECK(size > 1);
		name = NULL;
		CHECK_INT(elfsym_addr_to_sym(f, addr, &name, &off), 0);
		CHECK_STR(name, syms[i]);
		CHECK_INT(off, 0);
		CHECK_INT(elfsym_addr_to_sym(f, addr + size - 1, &name, &off),
			  0);
		CHECK_STR(name, syms[i]);
		CHECK_INT(off, size - 1);
	}
	/* aliases: the name with fewer leading underscores */
	CHECK_INT(nm_sym(lib, "__symt_u", &addr, &size), 1);
	CHECK_INT(elfsym_addr_to_sym(f, addr + 1, &name, &off), 0);
	CHECK_STR(name, "symt_lib_one");
	CHECK_INT(off, 1);
	CHECK_INT(elfsym_addr_to_sym(f, 0, &name, &off), -ENOENT);
	/* the file-offset round trip a symbolizer does */
	CHECK_INT(elfsym_lookup(f, "symt_lib_two", &off), 0);
	CHECK_INT(elfsym_offset_to_vaddr(f, off + 2, &v), 0);
	CHECK_INT(elfsym_addr_to_sym(f, v, &name, &off), 0);
	CHECK_STR(name, "symt_lib_two");
	CHECK_INT(off, 2);
	CHECK_INT(elfsym_vaddr_to_offset(f, 0x7fffffffffffULL, &off), -ENOENT);
	elfsym_close(f);
}

/* Opens a stripped copy with debug root tmp/debugroot and checks that
 * symtarget's functions come from the debug file, at the same offsets and
 * over the same bytes as in the unstripped trigger. */
static void check_debug_syms(const char *stripped, const char *want_debug)
{
	static const char *const syms[] = { "symtarget_alpha",
					    "symtarget_gamma" };
	struct elfsym_opts opts = {};
	const struct elfsym_sym *s;
	char root[PATH_MAX], code[2][256];
	struct elfsym_file *f;
	int i;

	path_in_tmp(root, "debugroot");
	opts.debug_root = root;
	opts.no_debug_file = true;
	CHECK_INT(elfsym_open_opts(stripped, &opts, &f), 0);
	if (f) {
		CHECK_INT(elfsym_lookup(f, "symtarget_gamma", &(uint64_t){ 0 }),
			  -ENOENT);
		elfsym_close(f);
	}
	opts.no_debug_file = false;
	CHECK_INT(elfsym_open_opts(stripped, &opts, &f), 0);
	if (!f)
		return;
	if (want_debug)
		CHECK_STR(elfsym_debug_path(f), want_debug);
	else
		CHECK(elfsym_debug_path(f) == NULL);
	for (i = 0; want_debug && i < 2; i++) {
		CHECK_INT(elfsym_find(f, syms[i], &s), 0);
		if (unit_cur_failed)
			break;
		CHECK_INT(s->offset, expected_offset(trigger, syms[i]));
		CHECK(s->size > 0 && s->size <= sizeof(code[0]));
		CHECK_INT(read_at(stripped, s->offset, code[0], s->size), 0);
		CHECK_INT(read_at(trigger, s->offset, code[1], s->size), 0);
		CHECK(!memcmp(code[0], code[1], s->size));
	}
	elfsym_close(f);
}

static void test_debuglink(void)
{
	char st[PATH_MAX], dbg[2 * PATH_MAX], real[PATH_MAX];

	/* the debug file next to the binary */
	path_in_tmp(st, "st-link");
	CHECK_INT(sh("cd %s && objcopy --only-keep-debug %s st-link.debug && "
		     "objcopy --strip-all --remove-section=.note.gnu.build-id "
		     "--add-gnu-debuglink=st-link.debug %s st-link",
		     tmp, trigger, trigger),
		  0);
	CHECK_INT(sh("readelf -S %s | grep -q '\\.symtab'", st), 256);
	path_in_tmp(dbg, "st-link.debug");
	CHECK(realpath(dbg, real) != NULL);
	check_debug_syms(st, real);

	/* in .debug/ */
	CHECK_INT(sh("mkdir -p %s/.debug && mv %s %s/.debug/", tmp, dbg, tmp),
		  0);
	path_in_tmp(dbg, ".debug/st-link.debug");
	CHECK(realpath(dbg, real) != NULL);
	check_debug_syms(st, real);

	/* under the debug root, by the binary's directory */
	CHECK(realpath(tmp, real) != NULL);
	CHECK_INT(sh("mkdir -p %s/debugroot%s && mv %s %s/debugroot%s/", tmp,
		     real, dbg, tmp, real),
		  0);
	snprintf(dbg, sizeof(dbg), "%s/debugroot%s/st-link.debug", tmp, real);
	CHECK(realpath(dbg, real) != NULL);
	check_debug_syms(st, real);

	/* a debug file whose CRC32 does not match is ignored */
	CHECK_INT(sh("printf x >> %s", dbg), 0);
	check_debug_syms(st, NULL);
}

static void test_build_id(void)
{
	char st[PATH_MAX], id[128], dbg[2 * PATH_MAX], real[PATH_MAX];
	FILE *fp;

	path_in_tmp(st, "st-bid");
	snprintf(dbg, sizeof(dbg),
		 "readelf -n %s | sed -n 's/.*Build ID: *//p'", trigger);
	fp = popen(dbg, "r");
	CHECK(fp != NULL);
	if (!fp)
		return;
	id[0] = '\0';
	CHECK(fgets(id, sizeof(id), fp) != NULL);
	pclose(fp);
	id[strcspn(id, "\n")] = '\0';
	CHECK(strlen(id) >= 8);
	if (unit_cur_failed)
		return;
	snprintf(dbg, sizeof(dbg), "%s/debugroot/.build-id/%.2s/%s.debug", tmp,
		 id, id + 2);
	CHECK_INT(sh("mkdir -p %s/debugroot/.build-id/%.2s && "
		     "objcopy --only-keep-debug %s %s && "
		     "objcopy --strip-all %s %s",
		     tmp, id, trigger, dbg, trigger, st),
		  0);
	CHECK(realpath(dbg, real) != NULL);
	check_debug_syms(st, real);
}

struct probes {
	char buf[65536];
	int n;
	int entry, ret, bad_offset;
	const char *file;
};

static int collect_usdt(const struct elfsym_usdt *u, void *ctx)
{
	struct probes *p = ctx;
	size_t len = strlen(p->buf);
	unsigned long long off;

	snprintf(p->buf + len, sizeof(p->buf) - len,
		 "%s %s %#llx %#llx [%s]\n", u->provider, u->name,
		 (unsigned long long)u->pc, (unsigned long long)u->semaphore,
		 u->args);
	p->n++;
	if (!strcmp(u->provider, "python") &&
	    !strcmp(u->name, "function__entry"))
		p->entry++;
	if (!strcmp(u->provider, "python") &&
	    !strcmp(u->name, "function__return"))
		p->ret++;
	if (phdr_offset(p->file, u->pc, &off) || off != u->pc_offset)
		p->bad_offset++;
	if (u->semaphore &&
	    (phdr_offset(p->file, u->semaphore, &off) || off != u->sema_offset))
		p->bad_offset++;
	return 0;
}

/* the same listing made from `readelf -n` */
static void readelf_usdt(const char *file, char *buf, size_t sz)
{
	char cmd[PATH_MAX + 64], line[1024], prov[256] = "", name[256] = "";
	unsigned long long pc = 0, base, sema = 0;
	size_t len;
	FILE *fp;

	buf[0] = '\0';
	snprintf(cmd, sizeof(cmd), "readelf -n '%s'", file);
	fp = popen(cmd, "r");
	if (!fp)
		return;
	while (fgets(line, sizeof(line), fp)) {
		line[strcspn(line, "\n")] = '\0';
		if (sscanf(line, " Provider: %255s", prov) == 1 ||
		    sscanf(line, " Name: %255s", name) == 1 ||
		    sscanf(line, " Location: %llx, Base: %llx, Semaphore: %llx",
			   &pc, &base, &sema) == 3)
			continue;
		if (!strncmp(line, "    Arguments:", 14)) {
			len = strlen(buf);
			snprintf(buf + len, sz - len,
				 "%s %s %#llx %#llx [%s]\n", prov, name, pc,
				 sema, line[14] == ' ' ? line + 15 : "");
		}
	}
	pclose(fp);
}

static void test_usdt_python(void)
{
	static char want[65536];
	struct probes *p = calloc(1, sizeof(*p));
	struct elfsym_file *f;

	CHECK(p != NULL);
	if (!p)
		return;
	p->file = PYTHON;
	CHECK_INT(elfsym_open(PYTHON, &f), 0);
	if (f) {
		CHECK_INT(elfsym_usdt_foreach(f, collect_usdt, p), 0);
		elfsym_close(f);
	}
	CHECK_INT(p->entry, 1);
	CHECK_INT(p->ret, 1);
	CHECK_INT(p->bad_offset, 0);
	readelf_usdt(PYTHON, want, sizeof(want));
	CHECK(p->n > 2);
	CHECK_STR(p->buf, want);
	free(p);
}

static void test_usdt_none(void)
{
	struct probes *p = calloc(1, sizeof(*p));
	struct elfsym_file *f;

	CHECK(p != NULL);
	if (!p)
		return;
	p->file = trigger;
	CHECK_INT(elfsym_open(trigger, &f), 0);
	if (f) {
		CHECK_INT(elfsym_usdt_foreach(f, collect_usdt, p), 0);
		elfsym_close(f);
	}
	CHECK_INT(p->n, 0);
	free(p);
}

#ifdef __x86_64__
/* A probe built here: its site is the nop, its semaphore is in the data
 * segment (offset != vaddr), and a moved .stapsdt.base (prelink) moves
 * both. */
static void test_usdt_built(void)
{
	static char want[4096];
	struct elfsym_file *f;
	struct probes *p = calloc(1, sizeof(*p));
	char exe[PATH_MAX], moved[PATH_MAX];
	unsigned char op = 0;
	uint64_t pc, sema;

	CHECK(p != NULL);
	if (!p)
		return;
	path_in_tmp(exe, "usdt");
	path_in_tmp(moved, "usdt-moved");
	CHECK_INT(sh("gcc -O2 -o %s %s/usdt.c", exe, tmp), 0);
	p->file = exe;
	CHECK_INT(elfsym_open(exe, &f), 0);
	if (!f)
		goto out;
	CHECK_INT(elfsym_usdt_foreach(f, collect_usdt, p), 0);
	elfsym_close(f);
	readelf_usdt(exe, want, sizeof(want));
	CHECK_INT(p->n, 1);
	CHECK_STR(p->buf, want);
	CHECK_INT(p->bad_offset, 0);
	CHECK(!strncmp(p->buf, "symt hit 0x", 11));
	if (unit_cur_failed)
		goto out;
	pc = strtoull(p->buf + 9, NULL, 16);
	sema = strtoull(strchr(p->buf + 11, ' ') + 1, NULL, 16);
	CHECK(sema != 0);
	CHECK_INT(elfsym_open(exe, &f), 0);
	if (f) {
		uint64_t off = 0;

		CHECK_INT(elfsym_vaddr_to_offset(f, pc, &off), 0);
		CHECK_INT(read_at(exe, off, &op, 1), 0);
		CHECK_INT(op, 0x90);
		elfsym_close(f);
	}

	CHECK_INT(sh("objcopy --change-section-address .stapsdt.base+0x10 "
		     "%s %s 2>/dev/null",
		     exe, moved),
		  0);
	memset(p, 0, sizeof(*p));
	p->file = moved;
	CHECK_INT(elfsym_open(moved, &f), 0);
	if (!f)
		goto out;
	CHECK_INT(elfsym_usdt_foreach(f, collect_usdt, p), 0);
	elfsym_close(f);
	snprintf(want, sizeof(want), "symt hit %#llx %#llx [",
		 (unsigned long long)pc + 0x10,
		 (unsigned long long)sema + 0x10);
	CHECK(!strncmp(p->buf, want, strlen(want)));
out:
	free(p);
}
#endif

/* Bad input never crashes and gives an error or an empty table. */
static void test_bad_files(void)
{
	struct elfsym_file *f = NULL;
	char path[PATH_MAX];
	int i, err;

	path_in_tmp(path, "missing");
	CHECK_INT(elfsym_open(path, &f), -ENOENT);
	CHECK(f == NULL);
	CHECK_INT(elfsym_open(tmp, &f), -ENOEXEC);
	path_in_tmp(path, "exe.c");
	CHECK_INT(elfsym_open(path, &f), -ENOEXEC);
	CHECK_INT(sh(": > %s/empty", tmp), 0);
	path_in_tmp(path, "empty");
	CHECK_INT(elfsym_open(path, &f), -ENOEXEC);
	/* object files have no program headers to compute offsets with */
	CHECK_INT(sh("cd %s && gcc -c exe.c -o exe.o", tmp), 0);
	path_in_tmp(path, "exe.o");
	CHECK_INT(elfsym_open(path, &f), -ENOEXEC);

	/* truncated at several places, and with bytes overwritten in the
	 * headers and tables: any result but a crash */
	path_in_tmp(path, "mangled");
	for (i = 0; i < 24; i++) {
		if (i < 8)
			err = sh("head -c %d %s > %s", 64 << i, trigger, path);
		else
			err = sh("cp %s %s && printf '\\377\\377\\377\\177' | "
				 "dd of=%s bs=1 seek=%d conv=notrunc "
				 "status=none",
				 trigger, path, path, (i - 8) * 997 % 16384);
		CHECK_INT(err, 0);
		err = elfsym_open(path, &f);
		CHECK(err == 0 || err == -ENOEXEC);
		if (!err) {
			elfsym_foreach(f, "*", collect,
				       &(struct names){ .stop_after = -1 });
			elfsym_usdt_foreach(f, collect_usdt,
					    &(struct probes){ .file = path });
			elfsym_close(f);
		}
	}
}

int main(void)
{
	if (unit_trigger("symtarget", trigger))
		return 1;
	if (unit_tmpdir("test_elfsym", tmp, sizeof(tmp)))
		return 1;
	write_file("a.c", lib_src_a);
	write_file("b.c", lib_src_b);
	write_file("exe.c", exe_src);
	write_file("usdt.c", usdt_src);
	if (sh("gcc -O2 -g -fPIC -shared -o %s/libsymt.so %s/a.c %s/b.c", tmp,
	       tmp, tmp)) {
		printf("FAIL setup: cannot build the test library\n");
		return 1;
	}

	RUN(test_offset_nopie);
	RUN(test_offset_pie);
	RUN(test_offset_shlib);
	RUN(test_offset_shlib_based);
	RUN(test_glob);
	RUN(test_addr_to_sym);
	RUN(test_debuglink);
	RUN(test_build_id);
	if (access(PYTHON, R_OK))
		printf("SKIP test_usdt_python: no %s\n", PYTHON);
	else
		RUN(test_usdt_python);
	RUN(test_usdt_none);
#ifdef __x86_64__
	RUN(test_usdt_built);
#endif
	RUN(test_bad_files);

	sh("rm -rf %s", tmp);
	UNIT_EXIT();
}
