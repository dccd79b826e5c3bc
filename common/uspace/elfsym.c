/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Function symbols and USDT notes of ELF files, see elfsym.h. */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <gelf.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "uspace/elfsym.h"

#define DEFAULT_DEBUG_ROOT "/usr/lib/debug"
#define NT_STAPSDT 3
/* Longer build-ids than this exist nowhere; they would only be junk. */
#define MAX_BUILD_ID 64

struct seg {
	uint64_t vaddr;
	uint64_t offset;
	uint64_t filesz;
};

struct elfsym_file {
	char *path;
	char *debug_path;
	struct seg *segs;
	size_t nsegs;
	struct elfsym_sym *syms; /* sorted by vaddr, then name */
	size_t nsyms;
	const struct elfsym_sym **by_name; /* sorted by name, then vaddr */
	char *pool; /* all names */
};

/* Symbols are collected with their names as offsets into a growing pool,
 * turned into pointers once the pool stops moving. */
struct builder {
	struct elfsym_sym *syms;
	size_t *name_off;
	size_t nsyms, cap;
	char *pool;
	size_t pool_len, pool_cap;
};

struct elf_handle {
	int fd;
	Elf *elf;
	GElf_Ehdr ehdr;
};

/*
 * The error of a failed libelf call: libelf has no public code for "out of
 * memory", but malloc() left ENOMEM in errno (cleared before the calls).
 */
static int libelf_err(void)
{
	return errno == ENOMEM ? -ENOMEM : -ENOEXEC;
}

static void elf_handle_close(struct elf_handle *h)
{
	if (h->elf)
		elf_end(h->elf);
	if (h->fd >= 0)
		close(h->fd);
	h->elf = NULL;
	h->fd = -1;
}

static int elf_handle_open(const char *path, struct elf_handle *h)
{
	int err;

	h->elf = NULL;
	h->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (h->fd < 0)
		return -errno;
	if (elf_version(EV_CURRENT) == EV_NONE) {
		err = -ENOEXEC;
		goto fail;
	}
	errno = 0;
	h->elf = elf_begin(h->fd, ELF_C_READ, NULL);
	if (!h->elf || elf_kind(h->elf) != ELF_K_ELF ||
	    !gelf_getehdr(h->elf, &h->ehdr)) {
		err = libelf_err();
		goto fail;
	}
	return 0;
fail:
	elf_handle_close(h);
	return err;
}

/* Reads an address of the file's width and byte order; p has room. */
static uint64_t read_addr(const struct elf_handle *h, const unsigned char *p,
			  size_t width)
{
	uint64_t v = 0;
	size_t i;

	if (h->ehdr.e_ident[EI_DATA] == ELFDATA2MSB)
		for (i = 0; i < width; i++)
			v = v << 8 | p[i];
	else
		for (i = width; i > 0; i--)
			v = v << 8 | p[i - 1];
	return v;
}

static int read_segs(Elf *elf, struct seg **segs, size_t *nsegs)
{
	size_t n, i, cnt = 0;
	GElf_Phdr ph;
	struct seg *s;

	*segs = NULL;
	*nsegs = 0;
	errno = 0;
	if (elf_getphdrnum(elf, &n))
		return libelf_err();
	if (!n)
		return 0;
	s = calloc(n, sizeof(*s));
	if (!s)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		if (!gelf_getphdr(elf, i, &ph)) {
			free(s);
			return libelf_err();
		}
		if (ph.p_type != PT_LOAD || !ph.p_filesz ||
		    ph.p_vaddr + ph.p_filesz < ph.p_vaddr ||
		    ph.p_offset + ph.p_filesz < ph.p_offset)
			continue;
		s[cnt].vaddr = ph.p_vaddr;
		s[cnt].offset = ph.p_offset;
		s[cnt].filesz = ph.p_filesz;
		cnt++;
	}
	*segs = s;
	*nsegs = cnt;
	return 0;
}

static int segs_vaddr_to_offset(const struct seg *segs, size_t n,
				uint64_t vaddr, uint64_t *offset)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (vaddr >= segs[i].vaddr &&
		    vaddr - segs[i].vaddr < segs[i].filesz) {
			*offset = vaddr - segs[i].vaddr + segs[i].offset;
			return 0;
		}
	}
	return -ENOENT;
}

static int builder_add(struct builder *b, const char *name, const GElf_Sym *s)
{
	size_t len = strlen(name) + 1;
	struct elfsym_sym *sym;

	if (b->nsyms == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 256;
		void *p;

		p = realloc(b->syms, cap * sizeof(*b->syms));
		if (!p)
			return -ENOMEM;
		b->syms = p;
		p = realloc(b->name_off, cap * sizeof(*b->name_off));
		if (!p)
			return -ENOMEM;
		b->name_off = p;
		b->cap = cap;
	}
	if (b->pool_len + len > b->pool_cap) {
		size_t cap = b->pool_cap ? b->pool_cap : 4096;
		char *p;

		while (cap < b->pool_len + len)
			cap *= 2;
		p = realloc(b->pool, cap);
		if (!p)
			return -ENOMEM;
		b->pool = p;
		b->pool_cap = cap;
	}
	memcpy(b->pool + b->pool_len, name, len);
	b->name_off[b->nsyms] = b->pool_len;
	b->pool_len += len;

	sym = &b->syms[b->nsyms++];
	memset(sym, 0, sizeof(*sym));
	sym->vaddr = s->st_value;
	sym->size = s->st_size;
	sym->ifunc = GELF_ST_TYPE(s->st_info) == STT_GNU_IFUNC;
	sym->global = GELF_ST_BIND(s->st_info) != STB_LOCAL;
	return 0;
}

/* Adds the defined function symbols of all symbol tables; *has_symtab tells
 * whether a (non-empty) .symtab was among them. */
static int read_symbols(struct builder *b, Elf *elf, bool *has_symtab)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	GElf_Sym s;
	Elf_Data *d;
	size_t i, n;
	const char *name;
	int type, err;

	*has_symtab = false;
	errno = 0;
	while ((scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, &sh))
			return libelf_err();
		if ((sh.sh_type != SHT_SYMTAB && sh.sh_type != SHT_DYNSYM) ||
		    !sh.sh_entsize)
			continue;
		d = elf_getdata(scn, NULL);
		if (!d && errno == ENOMEM)
			return -ENOMEM;
		if (!d || !d->d_buf)
			continue; /* SHT_NOBITS in --only-keep-debug files */
		n = sh.sh_size / sh.sh_entsize;
		if (sh.sh_type == SHT_SYMTAB && n > 1)
			*has_symtab = true;
		/* Entry 0 is the null symbol; gelf_getsym() bounds-checks. */
		for (i = 1; i < n; i++) {
			if (!gelf_getsym(d, i, &s))
				break;
			type = GELF_ST_TYPE(s.st_info);
			if ((type != STT_FUNC && type != STT_GNU_IFUNC) ||
			    s.st_shndx == SHN_UNDEF || !s.st_value)
				continue;
			name = elf_strptr(elf, sh.sh_link, s.st_name);
			if (!name || !*name)
				continue;
			err = builder_add(b, name, &s);
			if (err)
				return err;
		}
	}
	return 0;
}

static Elf_Scn *find_section(Elf *elf, const char *name, GElf_Shdr *sh)
{
	Elf_Scn *scn = NULL;
	const char *n;
	size_t shstrndx;

	if (elf_getshdrstrndx(elf, &shstrndx))
		return NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, sh))
			return NULL;
		n = elf_strptr(elf, shstrndx, sh->sh_name);
		if (n && !strcmp(n, name))
			return scn;
	}
	return NULL;
}

/* The build-id as lowercase hex in buf; -ENOENT when there is none. */
static int read_build_id(Elf *elf, char *buf, size_t sz)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	GElf_Nhdr nh;
	Elf_Data *d;
	size_t off, next, name_off, desc_off, i;
	const unsigned char *p;

	while ((scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, &sh))
			return -ENOEXEC;
		if (sh.sh_type != SHT_NOTE)
			continue;
		d = elf_getdata(scn, NULL);
		if (!d || !d->d_buf)
			continue;
		for (off = 0;
		     (next = gelf_getnote(d, off, &nh, &name_off, &desc_off));
		     off = next) {
			if (nh.n_type != NT_GNU_BUILD_ID || nh.n_namesz != 4 ||
			    memcmp((char *)d->d_buf + name_off, "GNU", 4))
				continue;
			if (nh.n_descsz < 2 || nh.n_descsz > MAX_BUILD_ID ||
			    nh.n_descsz * 2 + 1 > sz)
				return -ENOENT;
			p = (const unsigned char *)d->d_buf + desc_off;
			for (i = 0; i < nh.n_descsz; i++)
				snprintf(buf + 2 * i, 3, "%02x", p[i]);
			return 0;
		}
	}
	return -ENOENT;
}

static int file_crc32(const char *path, uint32_t *crc)
{
	unsigned char buf[65536];
	uLong c = crc32(0L, Z_NULL, 0);
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		c = crc32(c, buf, n);
	close(fd);
	if (n < 0)
		return -EIO;
	*crc = c;
	return 0;
}

/* Adds the symbols of a debug file when it is a different file of the same
 * machine; -ENOENT when it is unusable. */
static int try_debug_file(struct builder *b, const char *path,
			  const struct elf_handle *main, const struct stat *mst,
			  bool check_crc, uint32_t crc)
{
	struct elf_handle h;
	struct stat st;
	bool has_symtab;
	uint32_t c;
	size_t n0 = b->nsyms;
	int err;

	if (stat(path, &st) || !S_ISREG(st.st_mode) ||
	    (st.st_dev == mst->st_dev && st.st_ino == mst->st_ino))
		return -ENOENT;
	if (check_crc && (file_crc32(path, &c) || c != crc))
		return -ENOENT;
	if (elf_handle_open(path, &h))
		return -ENOENT;
	if (h.ehdr.e_ident[EI_CLASS] != main->ehdr.e_ident[EI_CLASS] ||
	    h.ehdr.e_machine != main->ehdr.e_machine) {
		elf_handle_close(&h);
		return -ENOENT;
	}
	err = read_symbols(b, h.elf, &has_symtab);
	elf_handle_close(&h);
	if (err == -ENOMEM)
		return err;
	if (err || !has_symtab) {
		b->nsyms = n0;
		return -ENOENT;
	}
	return 0;
}

/* Finds a separate debug file: by build-id, then by .gnu_debuglink. */
static int add_debug_file(struct elfsym_file *f, struct builder *b,
			  const struct elf_handle *main, const char *root)
{
	char id[2 * MAX_BUILD_ID + 1], path[PATH_MAX], dir[PATH_MAX];
	char link[NAME_MAX + 1];
	const char *data, *end;
	struct stat mst;
	GElf_Shdr sh;
	Elf_Scn *scn;
	Elf_Data *d;
	uint32_t crc;
	size_t len, i;
	int err;

	if (fstat(main->fd, &mst))
		return -errno;
	if (!read_build_id(main->elf, id, sizeof(id)) &&
	    (size_t)snprintf(path, sizeof(path), "%s/.build-id/%.2s/%s.debug",
			     root, id, id + 2) < sizeof(path)) {
		err = try_debug_file(b, path, main, &mst, false, 0);
		if (err != -ENOENT)
			goto found;
	}

	scn = find_section(main->elf, ".gnu_debuglink", &sh);
	if (!scn || sh.sh_type == SHT_NOBITS)
		return -ENOENT;
	d = elf_getdata(scn, NULL);
	if (!d || !d->d_buf)
		return -ENOENT;
	data = d->d_buf;
	end = memchr(data, '\0', d->d_size);
	if (!end || end == data)
		return -ENOENT;
	len = end - data;
	/* The CRC follows the name, 4-byte aligned. */
	i = (len + 1 + 3) & ~(size_t)3;
	if (len > NAME_MAX || memchr(data, '/', len) || i + 4 > d->d_size)
		return -ENOENT;
	memcpy(link, data, len + 1);
	crc = read_addr(main, (const unsigned char *)data + i, 4);

	if (!realpath(f->path, path))
		return -ENOENT;
	snprintf(dir, sizeof(dir), "%s", dirname(path));
	for (i = 0; i < 3; i++) {
		static const char *const subdir[] = { "", "/.debug", "" };

		if ((size_t)snprintf(path, sizeof(path), "%s%s%s/%s",
				     i == 2 ? root : "", dir, subdir[i],
				     link) >= sizeof(path))
			continue;
		err = try_debug_file(b, path, main, &mst, true, crc);
		if (err != -ENOENT)
			goto found;
	}
	return -ENOENT;
found:
	if (err)
		return err;
	f->debug_path = strdup(path);
	return f->debug_path ? 0 : -ENOMEM;
}

static int cmp_addr(const void *a, const void *b)
{
	const struct elfsym_sym *x = a, *y = b;

	if (x->vaddr != y->vaddr)
		return x->vaddr < y->vaddr ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int cmp_name(const void *a, const void *b)
{
	const struct elfsym_sym *x = *(const struct elfsym_sym **)a;
	const struct elfsym_sym *y = *(const struct elfsym_sym **)b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	return x->vaddr < y->vaddr ? -1 : x->vaddr > y->vaddr;
}

/* Sorts the symbols, merges duplicates and builds the name index. */
static int finish_symbols(struct elfsym_file *f, struct builder *b)
{
	size_t i, n = 0;

	for (i = 0; i < b->nsyms; i++)
		b->syms[i].name = b->pool + b->name_off[i];
	if (b->nsyms)
		qsort(b->syms, b->nsyms, sizeof(*b->syms), cmp_addr);
	for (i = 0; i < b->nsyms; i++) {
		struct elfsym_sym *s = &b->syms[i];

		if (n && !cmp_addr(&b->syms[n - 1], s)) {
			struct elfsym_sym *t = &b->syms[n - 1];

			t->global |= s->global;
			t->ifunc |= s->ifunc;
			if (s->size > t->size)
				t->size = s->size;
			continue;
		}
		b->syms[n++] = *s;
	}
	f->syms = b->syms;
	f->nsyms = n;
	f->pool = b->pool;
	b->syms = NULL;
	b->pool = NULL;

	for (i = 0; i < n; i++)
		if (segs_vaddr_to_offset(f->segs, f->nsegs, f->syms[i].vaddr,
					 &f->syms[i].offset))
			f->syms[i].offset = 0;
	if (!n)
		return 0;
	f->by_name = malloc(n * sizeof(*f->by_name));
	if (!f->by_name)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		f->by_name[i] = &f->syms[i];
	qsort(f->by_name, n, sizeof(*f->by_name), cmp_name);
	return 0;
}

int elfsym_open_opts(const char *path, const struct elfsym_opts *opts,
		     struct elfsym_file **out)
{
	const char *root = opts && opts->debug_root ? opts->debug_root :
						      DEFAULT_DEBUG_ROOT;
	struct builder b = {};
	struct elfsym_file *f;
	struct elf_handle h;
	bool has_symtab;
	int err;

	*out = NULL;
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->path = strdup(path);
	if (!f->path) {
		err = -ENOMEM;
		goto err_free;
	}
	err = elf_handle_open(path, &h);
	if (err)
		goto err_free;
	if (h.ehdr.e_type != ET_EXEC && h.ehdr.e_type != ET_DYN) {
		err = -ENOEXEC;
		goto err_close;
	}
	err = read_segs(h.elf, &f->segs, &f->nsegs);
	if (err)
		goto err_close;
	err = read_symbols(&b, h.elf, &has_symtab);
	if (err)
		goto err_close;
	if (!has_symtab && !(opts && opts->no_debug_file)) {
		err = add_debug_file(f, &b, &h, root);
		if (err && err != -ENOENT)
			goto err_close;
	}
	elf_handle_close(&h);
	err = finish_symbols(f, &b);
	if (err)
		goto err_free;
	free(b.name_off);
	*out = f;
	return 0;

err_close:
	elf_handle_close(&h);
err_free:
	free(b.syms);
	free(b.name_off);
	free(b.pool);
	elfsym_close(f);
	return err;
}

int elfsym_open(const char *path, struct elfsym_file **out)
{
	return elfsym_open_opts(path, NULL, out);
}

void elfsym_close(struct elfsym_file *f)
{
	if (!f)
		return;
	free(f->path);
	free(f->debug_path);
	free(f->segs);
	free(f->syms);
	free(f->by_name);
	free(f->pool);
	free(f);
}

size_t elfsym_count(const struct elfsym_file *f)
{
	return f->nsyms;
}

const char *elfsym_debug_path(const struct elfsym_file *f)
{
	return f->debug_path;
}

/* Index of the first by_name entry called name, or nsyms. */
static size_t name_lower_bound(const struct elfsym_file *f, const char *name)
{
	size_t lo = 0, hi = f->nsyms, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strcmp(f->by_name[mid]->name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int elfsym_find(const struct elfsym_file *f, const char *name,
		const struct elfsym_sym **sym)
{
	const struct elfsym_sym *global = NULL, *local = NULL;
	size_t i, nglobal = 0, nlocal = 0;

	for (i = name_lower_bound(f, name);
	     i < f->nsyms && !strcmp(f->by_name[i]->name, name); i++) {
		if (f->by_name[i]->global) {
			global = f->by_name[i];
			nglobal++;
		} else {
			local = f->by_name[i];
			nlocal++;
		}
	}
	/* Entries of one name are already distinct in address. */
	if (nglobal > 1 || (!nglobal && nlocal > 1))
		return -ENOTUNIQ;
	if (!global && !local)
		return -ENOENT;
	*sym = global ? global : local;
	return 0;
}

int elfsym_lookup(const struct elfsym_file *f, const char *name,
		  uint64_t *offset)
{
	const struct elfsym_sym *s;
	int err;

	err = elfsym_find(f, name, &s);
	if (err)
		return err;
	if (!s->offset)
		return -ENOENT;
	*offset = s->offset;
	return 0;
}

int elfsym_foreach(const struct elfsym_file *f, const char *glob,
		   elfsym_cb cb, void *ctx)
{
	size_t i;
	int ret;

	for (i = 0; i < f->nsyms; i++) {
		if (glob && fnmatch(glob, f->by_name[i]->name, 0))
			continue;
		ret = cb(f->by_name[i], ctx);
		if (ret)
			return ret;
	}
	return 0;
}

int elfsym_match(const struct elfsym_file *f, const char *glob,
		 const struct elfsym_sym ***syms, size_t *cnt)
{
	const struct elfsym_sym **arr = NULL;
	size_t i, n = 0;

	*syms = NULL;
	*cnt = 0;
	for (i = 0; i < f->nsyms; i++) {
		if (glob && fnmatch(glob, f->by_name[i]->name, 0))
			continue;
		if (!arr) {
			arr = malloc((f->nsyms - i) * sizeof(*arr));
			if (!arr)
				return -ENOMEM;
		}
		arr[n++] = f->by_name[i];
	}
	*syms = arr;
	*cnt = n;
	return 0;
}

static size_t leading_underscores(const char *s)
{
	size_t n = 0;

	while (s[n] == '_')
		n++;
	return n;
}

/* Whether alias a is a better name to show than b. */
static bool better_alias(const struct elfsym_sym *a, const struct elfsym_sym *b)
{
	size_t ua, ub;

	if (a->global != b->global)
		return a->global;
	ua = leading_underscores(a->name);
	ub = leading_underscores(b->name);
	if (ua != ub)
		return ua < ub;
	return strcmp(a->name, b->name) < 0;
}

int elfsym_addr_to_sym(const struct elfsym_file *f, uint64_t vaddr,
		       const char **name, uint64_t *sym_off)
{
	const struct elfsym_sym *best = NULL, *s;
	size_t lo = 0, hi = f->nsyms, mid, last, j;

	/* last = the last symbol starting at or below vaddr */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (f->syms[mid].vaddr <= vaddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return -ENOENT;
	last = lo - 1;

	/* The nearest sized symbol containing vaddr; the walk back is bounded
	 * since functions rarely nest. */
	for (j = last + 1; j-- > 0 && last - j < 64;) {
		s = &f->syms[j];
		if (best && s->vaddr != best->vaddr)
			break;
		if (s->size && vaddr - s->vaddr < s->size &&
		    (!best || better_alias(s, best)))
			best = s;
	}
	if (!best) {
		/* A zero-sized symbol covers up to the next symbol. */
		for (j = last + 1; j-- > 0;) {
			s = &f->syms[j];
			if (s->vaddr != f->syms[last].vaddr)
				break;
			if (!s->size && (!best || better_alias(s, best)))
				best = s;
		}
	}
	if (!best)
		return -ENOENT;
	*name = best->name;
	*sym_off = vaddr - best->vaddr;
	return 0;
}

int elfsym_vaddr_to_offset(const struct elfsym_file *f, uint64_t vaddr,
			   uint64_t *offset)
{
	return segs_vaddr_to_offset(f->segs, f->nsegs, vaddr, offset);
}

int elfsym_offset_to_vaddr(const struct elfsym_file *f, uint64_t offset,
			   uint64_t *vaddr)
{
	size_t i;

	for (i = 0; i < f->nsegs; i++) {
		if (offset >= f->segs[i].offset &&
		    offset - f->segs[i].offset < f->segs[i].filesz) {
			*vaddr = offset - f->segs[i].offset + f->segs[i].vaddr;
			return 0;
		}
	}
	return -ENOENT;
}

/* Next NUL-terminated string in [*p, end); NULL when unterminated. */
static const char *next_str(const char **p, const char *end)
{
	const char *s = *p, *z;

	if (s >= end)
		return NULL;
	z = memchr(s, '\0', end - s);
	if (!z)
		return NULL;
	*p = z + 1;
	return s;
}

static int walk_notes(const struct elf_handle *h, const struct seg *segs,
		      size_t nsegs, Elf_Data *d, uint64_t base_addr,
		      elfsym_usdt_cb cb, void *ctx)
{
	size_t width = h->ehdr.e_ident[EI_CLASS] == ELFCLASS64 ? 8 : 4;
	size_t off, next, name_off, desc_off;
	struct elfsym_usdt u;
	const unsigned char *desc;
	const char *p, *end;
	uint64_t note_base;
	GElf_Nhdr nh;
	int ret;

	for (off = 0; (next = gelf_getnote(d, off, &nh, &name_off, &desc_off));
	     off = next) {
		if (nh.n_type != NT_STAPSDT || nh.n_namesz != 8 ||
		    memcmp((char *)d->d_buf + name_off, "stapsdt", 8))
			continue;
		if (nh.n_descsz < 3 * width + 2)
			return -EINVAL;
		desc = (const unsigned char *)d->d_buf + desc_off;
		memset(&u, 0, sizeof(u));
		u.pc = read_addr(h, desc, width);
		note_base = read_addr(h, desc + width, width);
		u.semaphore = read_addr(h, desc + 2 * width, width);
		p = (const char *)desc + 3 * width;
		end = (const char *)desc + nh.n_descsz;
		u.provider = next_str(&p, end);
		u.name = next_str(&p, end);
		if (!u.provider || !u.name || !*u.provider || !*u.name)
			return -EINVAL;
		u.args = next_str(&p, end);
		if (!u.args)
			u.args = "";
		/* Prelink moves .stapsdt.base but not the notes. */
		if (base_addr && note_base) {
			u.pc += base_addr - note_base;
			if (u.semaphore)
				u.semaphore += base_addr - note_base;
		}
		if (segs_vaddr_to_offset(segs, nsegs, u.pc, &u.pc_offset))
			u.pc_offset = 0;
		if (u.semaphore && segs_vaddr_to_offset(segs, nsegs,
							u.semaphore,
							&u.sema_offset))
			u.sema_offset = 0;
		ret = cb(&u, ctx);
		if (ret)
			return ret;
	}
	return 0;
}

int elfsym_usdt_foreach(const struct elfsym_file *f, elfsym_usdt_cb cb,
			void *ctx)
{
	uint64_t base_addr = 0;
	struct elf_handle h;
	struct seg *segs;
	size_t nsegs;
	GElf_Shdr sh;
	Elf_Scn *scn;
	Elf_Data *d;
	int err;

	err = elf_handle_open(f->path, &h);
	if (err)
		return err;
	/* The file may have been replaced since elfsym_open(). */
	err = read_segs(h.elf, &segs, &nsegs);
	if (err)
		goto out;
	if (find_section(h.elf, ".stapsdt.base", &sh))
		base_addr = sh.sh_addr;
	scn = find_section(h.elf, ".note.stapsdt", &sh);
	if (scn && sh.sh_type == SHT_NOTE) {
		d = elf_getdata(scn, NULL);
		if (d && d->d_buf)
			err = walk_notes(&h, segs, nsegs, d, base_addr, cb,
					 ctx);
	}
	free(segs);
out:
	elf_handle_close(&h);
	return err;
}

int elfsym_needed_foreach(const char *path, int (*cb)(const char *lib, void *ctx), void *ctx)
{
	struct elf_handle h;
	Elf_Scn *scn = NULL;
	const char *name;
	GElf_Shdr sh;
	GElf_Dyn dyn;
	Elf_Data *d;
	int ret = 0;

	ret = elf_handle_open(path, &h);
	if (ret)
		return ret;
	while (!ret && (scn = elf_nextscn(h.elf, scn))) {
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_DYNAMIC || !sh.sh_entsize)
			continue;
		d = elf_getdata(scn, NULL);
		for (size_t i = 0; d && !ret && i < sh.sh_size / sh.sh_entsize; i++) {
			if (!gelf_getdyn(d, i, &dyn) || dyn.d_tag == DT_NULL)
				break;
			if (dyn.d_tag != DT_NEEDED)
				continue;
			name = elf_strptr(h.elf, sh.sh_link, dyn.d_un.d_val);
			if (name)
				ret = cb(name, ctx);
		}
	}
	elf_handle_close(&h);
	return ret;
}
