// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* User-space symbols for stacks, see usyms.h. */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <unistd.h>
#include "core/loop.h"
#include "go/gobin.h"
#include "stacks/perfmap.h"
#include "stacks/usyms.h"
#include "uspace/elfsym.h"
#include "uspace/symcache.h"
#include "uspace/uprobe_target.h"
#include <fcntl.h>
#include <gelf.h>

/* A JIT map is read again at most this often when an address is not in it. */
#define JIT_RELOAD_NS 1000000000ULL

/* An executable file, checked for a Go pclntab at its first address. */
struct gomod {
	__u64 dev, ino;
	bool tried;
	struct gobin *gb;	/* NULL: not Go, or not readable */
	__u64 bias;	/* link-time vaddr - file offset of Go's text segment */
};

/* An executable file mapping of a process. */
struct gomap {
	__u64 start, end, pgoff;
	struct gomod *mod;
	char *file;	/* as the process names it */
	bool deleted;
	bool other_root;	/* the process sees another root: only /proc/PID reaches it */
};

/* Executable mappings the kernel names: [uprobes], [vsyscall], ... */
#define MAX_SPECIAL 4
struct special {
	__u64 start, end;
	char name[24];
};

struct uproc {
	pid_t pid;
	__u64 vdso_start, vdso_end;
	struct special special[MAX_SPECIAL];
	int nspecial;
	struct gomap *go;
	size_t ngo;
	struct bk_perfmap *jit;
	__u64 jit_loaded_ns;
};

struct bk_usyms {
	struct symcache *sc;
	struct uproc *procs;	/* sorted by pid */
	size_t nprocs, procs_cap;
	struct gomod **mods;
	size_t nmods, mods_cap;
	struct elfsym_file *vdso;
	bool vdso_tried;
};

int bk_usyms_new(struct bk_usyms **out)
{
	struct bk_usyms *u = calloc(1, sizeof(*u));
	int err;

	*out = NULL;
	if (!u)
		return -ENOMEM;
	err = symcache_new(&u->sc);
	if (err) {
		free(u);
		return err;
	}
	*out = u;
	return 0;
}

static void free_maps(struct uproc *p)
{
	for (size_t i = 0; i < p->ngo; i++)
		free(p->go[i].file);
	free(p->go);
}

static void proc_clear(struct uproc *p)
{
	free_maps(p);
	bk_perfmap_free(p->jit);
	p->go = NULL;
	p->ngo = 0;
	p->jit = NULL;
}

void bk_usyms_free(struct bk_usyms *u)
{
	size_t i;

	if (!u)
		return;
	for (i = 0; i < u->nprocs; i++)
		proc_clear(&u->procs[i]);
	for (i = 0; i < u->nmods; i++) {
		gobin_close(u->mods[i]->gb);
		free(u->mods[i]);
	}
	free(u->procs);
	free(u->mods);
	elfsym_close(u->vdso);
	symcache_free(u->sc);
	free(u);
}

/* The slot of pid in the sorted array: found, or where it would go. */
static size_t proc_slot(const struct bk_usyms *u, pid_t pid, bool *found)
{
	size_t lo = 0, hi = u->nprocs, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (u->procs[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < u->nprocs && u->procs[lo].pid == pid;
	return lo;
}

static struct uproc *find_proc(struct bk_usyms *u, pid_t pid)
{
	bool found;
	size_t i = proc_slot(u, pid, &found);

	return found ? &u->procs[i] : NULL;
}

static struct uproc *add_proc(struct bk_usyms *u, pid_t pid)
{
	bool found;
	size_t i = proc_slot(u, pid, &found);

	if (found)
		return &u->procs[i];
	if (u->nprocs == u->procs_cap) {
		size_t cap = u->procs_cap ? u->procs_cap * 2 : 64;
		void *p = realloc(u->procs, cap * sizeof(*u->procs));

		if (!p)
			return NULL;
		u->procs = p;
		u->procs_cap = cap;
	}
	memmove(&u->procs[i + 1], &u->procs[i], (u->nprocs - i) * sizeof(*u->procs));
	memset(&u->procs[i], 0, sizeof(u->procs[i]));
	u->procs[i].pid = pid;
	u->nprocs++;
	return &u->procs[i];
}

void bk_usyms_forget_pid(struct bk_usyms *u, pid_t pid)
{
	bool found;
	size_t i = proc_slot(u, pid, &found);

	symcache_forget_pid(u->sc, pid);
	if (!found)
		return;
	proc_clear(&u->procs[i]);
	memmove(&u->procs[i], &u->procs[i + 1], (u->nprocs - i - 1) * sizeof(*u->procs));
	u->nprocs--;
}

/* Go's text is one PT_LOAD segment: the distance of vaddr to file offset. */
static int go_bias(struct gobin *gb, __u64 *bias)
{
	struct gofunc f;
	uint64_t off;
	int err = gobin_func(gb, 0, &f);

	if (!err)
		err = gobin_vaddr_to_offset(gb, f.entry, &off);
	if (!err)
		*bias = f.entry - off;
	return err;
}

static struct gomod *get_gomod(struct bk_usyms *u, const struct proc_map *m, pid_t pid)
{
	__u64 dev = (__u64)m->dev_major << 32 | m->dev_minor;
	struct gomod *g;
	size_t i;

	for (i = 0; i < u->nmods; i++)
		if (u->mods[i]->dev == dev && u->mods[i]->ino == m->ino)
			return u->mods[i];
	if (u->nmods == u->mods_cap) {
		size_t cap = u->mods_cap ? u->mods_cap * 2 : 32;
		void *p = realloc(u->mods, cap * sizeof(*u->mods));

		if (!p)
			return NULL;
		u->mods = p;
		u->mods_cap = cap;
	}
	g = calloc(1, sizeof(*g));
	if (!g)
		return NULL;
	g->dev = dev;
	g->ino = m->ino;
	u->mods[u->nmods++] = g;
	return g;
}

/*
 * Whether an ELF file is a Go binary, from its section names alone (Go's
 * linker always writes .go.buildinfo or a pclntab section, stripped or
 * not): cheap, where mapping and scanning every library would not be.
 */
static bool looks_go(const char *path)
{
	static const char *const names[] = { ".gopclntab", ".data.rel.ro.gopclntab",
					     ".go.buildinfo", ".note.go.buildid" };
	bool go = false;
	size_t shstrndx;
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	const char *n;
	Elf *elf;
	int fd;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return false;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (elf && !elf_getshdrstrndx(elf, &shstrndx)) {
		while (!go && (scn = elf_nextscn(elf, scn))) {
			if (!gelf_getshdr(scn, &sh) || !(n = elf_strptr(elf, shstrndx, sh.sh_name)))
				continue;
			for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
				go |= !strcmp(n, names[i]);
		}
	}
	elf_end(elf);
	close(fd);
	return go;
}

/* Opens the module's pclntab once, through a path that reaches it from pid's view. */
static void go_check(struct gomod *g, pid_t pid, const struct gomap *v, const char *file)
{
	char path[PATH_MAX + 64];

	if (g->tried)
		return;
	if (v->deleted)
		snprintf(path, sizeof(path), "/proc/%d/map_files/%llx-%llx", (int)pid,
			 (unsigned long long)v->start, (unsigned long long)v->end);
	else if (!v->other_root)
		snprintf(path, sizeof(path), "%s", file);
	else if (uprobe_target_pid_path(pid, file, path, sizeof(path)))
		return;	/* gone: maybe another process of it can tell */
	g->tried = true;
	if (!looks_go(path))
		return;
	if (!gobin_open(path, &g->gb) && go_bias(g->gb, &g->bias)) {
		gobin_close(g->gb);
		g->gb = NULL;
	}
}

/* Whether pid sees another root than ours (a container): its files need /proc/PID/root. */
static bool root_differs(pid_t pid)
{
	char path[PATH_MAX];

	return !uprobe_target_pid_path(pid, "/", path, sizeof(path)) && strcmp(path, "/");
}

/* Reads the executable file mappings and the vdso of p. */
static int read_maps(struct bk_usyms *u, struct uproc *p)
{
	char path[64], *line = NULL;
	size_t lcap = 0, cap = 0;
	bool other_root = root_differs(p->pid);
	struct proc_map m;
	struct gomod *g;
	int err = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)p->pid);
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? -ESRCH : -errno;
	free_maps(p);
	p->go = NULL;
	p->ngo = 0;
	p->nspecial = 0;
	while (getline(&line, &lcap, f) > 0) {
		if (proc_map_parse(line, &m) || !m.exec)
			continue;
		if (!strcmp(m.path, "[vdso]")) {
			p->vdso_start = m.start;
			p->vdso_end = m.end;
			continue;
		}
		if (m.path[0] == '[' && p->nspecial < MAX_SPECIAL) {
			struct special *sp = &p->special[p->nspecial++];

			sp->start = m.start;
			sp->end = m.end;
			snprintf(sp->name, sizeof(sp->name), "%s", m.path);
			continue;
		}
		if (m.path[0] != '/')
			continue;
		g = get_gomod(u, &m, p->pid);
		if (!g) {
			err = -ENOMEM;
			break;
		}
		if (g->tried && !g->gb)
			continue;	/* known not to be Go */
		if (p->ngo == cap) {
			size_t c = cap ? cap * 2 : 4;
			void *q = realloc(p->go, c * sizeof(*p->go));

			if (!q) {
				err = -ENOMEM;
				break;
			}
			p->go = q;
			cap = c;
		}
		p->go[p->ngo] = (struct gomap){ m.start, m.end, m.pgoff, g, strdup(m.path), m.deleted,
						other_root };
		if (!p->go[p->ngo].file) {
			err = -ENOMEM;
			break;
		}
		/* Reached only through /proc/PID: look now, while it lives. */
		if (m.deleted || other_root)
			go_check(g, p->pid, &p->go[p->ngo], m.path);
		p->ngo++;
	}
	free(line);
	fclose(f);
	return err;
}

int bk_usyms_load_pid(struct bk_usyms *u, pid_t pid)
{
	struct uproc *p;
	int err;

	if (pid <= 0)
		return -EINVAL;
	err = symcache_load_pid(u->sc, pid);
	if (err)
		return err;
	p = add_proc(u, pid);
	if (!p)
		return -ENOMEM;
	err = read_maps(u, p);
	if (err)
		return err;
	bk_perfmap_free(p->jit);
	p->jit = NULL;
	bk_perfmap_load_pid(pid, &p->jit);
	p->jit_loaded_ns = bk_now_ns();
	return 0;
}

/*
 * The vdso is the kernel's, the same image in every process of this
 * kernel: ours, written to a memfd, gives the names.
 */
static struct elfsym_file *vdso_syms(struct bk_usyms *u)
{
	unsigned long base = getauxval(AT_SYSINFO_EHDR);
	char path[64], line[256];
	unsigned long long s, e;
	FILE *f;
	int fd;

	if (u->vdso_tried)
		return u->vdso;
	u->vdso_tried = true;
	if (!base)
		return NULL;
	f = fopen("/proc/self/maps", "re");
	if (!f)
		return NULL;
	s = e = 0;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "[vdso]") && sscanf(line, "%llx-%llx", &s, &e) == 2)
			break;
	fclose(f);
	if (s != base || e <= s)
		return NULL;
	fd = memfd_create("bpfkit-vdso", MFD_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (write(fd, (const void *)base, e - s) == (ssize_t)(e - s)) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		if (elfsym_open_opts(path, &(struct elfsym_opts){ .no_debug_file = true }, &u->vdso))
			u->vdso = NULL;
	}
	close(fd);
	return u->vdso;
}

static int one(struct bk_frame *out, const char *name, const char *module, __u64 offset, int kind)
{
	out->name = name;
	out->module = module;
	out->offset = offset;
	out->kind = kind;
	return 1;
}

int bk_usyms_resolve(struct bk_usyms *u, pid_t pid, __u64 addr, struct bk_frame *out, int max,
		     char *buf, size_t buflen)
{
	struct uproc *p = find_proc(u, pid);
	struct symcache_result r;
	struct elfsym_file *vdso;
	struct gofunc gf;
	const char *name;
	uint64_t off, vaddr;
	__u64 joff;
	size_t i;

	if (max < 1)
		return -EINVAL;
	if (!p) {
		/* Never seen alive by the tool: try now. */
		if (bk_usyms_load_pid(u, pid) && !find_proc(u, pid))
			p = add_proc(u, pid);
		else
			p = find_proc(u, pid);
	}
	for (i = 0; p && i < p->ngo; i++) {
		const struct gomap *g = &p->go[i];

		if (addr < g->start || addr >= g->end)
			continue;
		go_check(g->mod, pid, g, g->file);
		vaddr = addr - g->start + g->pgoff + g->mod->bias;
		if (g->mod->gb && !gobin_pc_info(g->mod->gb, vaddr, &gf, NULL, NULL)) {
			struct gofunc_frame fr[16];
			int n, k, keep;

			/*
			 * Inlined calls first, then the function that holds the
			 * code; when there are more than fit, the outer ones stay.
			 */
			n = gobin_pc_frames(g->mod->gb, vaddr, fr, 16);
			if (n <= 1)
				return one(out, gf.name, NULL, vaddr - gf.entry, BK_FRAME_USER);
			if (n > 16)
				n = 16;
			keep = n < max ? n : max;
			for (k = 0; k + 1 < keep; k++)
				one(&out[k], fr[n - keep + k].name, NULL, 0, BK_FRAME_INLINED);
			one(&out[k], gf.name, NULL, vaddr - gf.entry, BK_FRAME_USER);
			return keep;
		}
		break;
	}
	if (p && addr >= p->vdso_start && addr < p->vdso_end && (vdso = vdso_syms(u)) &&
	    !elfsym_offset_to_vaddr(vdso, addr - p->vdso_start, &vaddr) &&
	    !elfsym_addr_to_sym(vdso, vaddr, &name, &off))
		return one(out, name, "[vdso]", off, BK_FRAME_USER);
	if (!symcache_resolve(u->sc, pid, addr, &r))
		return one(out, r.name, r.module, r.offset, BK_FRAME_USER);
	if (r.module) {
		snprintf(buf, buflen, "[unknown] (%s+0x%" PRIx64 ")", r.module, r.module_off);
		return one(out, buf, r.module, r.module_off, BK_FRAME_UNKNOWN);
	}
	/* Outside of any file: JIT code, if the runtime says. */
	if (p && (!p->jit || bk_perfmap_find(p->jit, addr, &name, &joff)) &&
	    bk_now_ns() - p->jit_loaded_ns >= JIT_RELOAD_NS) {
		struct bk_perfmap *m;

		p->jit_loaded_ns = bk_now_ns();
		if (!bk_perfmap_load_pid(pid, &m)) {
			bk_perfmap_free(p->jit);
			p->jit = m;
		}
	}
	if (p && p->jit && !bk_perfmap_find(p->jit, addr, &name, &joff))
		return one(out, name, NULL, joff, BK_FRAME_JIT);
	for (int k = 0; p && k < p->nspecial; k++)
		if (addr >= p->special[k].start && addr < p->special[k].end)
			return one(out, p->special[k].name, NULL, addr - p->special[k].start,
				   BK_FRAME_UNKNOWN);
	snprintf(buf, buflen, "[unknown] (0x%llx)", (unsigned long long)addr);
	return one(out, buf, NULL, addr, BK_FRAME_UNKNOWN);
}
