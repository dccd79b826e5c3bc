/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* User-space address symbolization, see symcache.h. */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "uspace/elfsym.h"
#include "uspace/symcache.h"
#include "uspace/uprobe_target.h"

/* Past this many cached processes all are dropped; they reload cheaply. */
#define MAX_PROCS 4096
#define RELOAD_INTERVAL_NS 1000000000ULL

/* One binary, shared by all processes that map it. */
struct module {
	uint64_t dev;
	uint64_t ino;
	char *path; /* as the processes see it */
	struct elfsym_file *elf;
	/* the process whose attempt to open it failed, 0 when none */
	pid_t failed_pid;
};

struct vma {
	uint64_t start;
	uint64_t end;
	uint64_t pgoff;
	bool deleted;
	bool exec;
	struct module *mod;
};

struct proc {
	pid_t pid;
	/* prefix that opens the process's paths: "" or /proc/PID/root */
	char root[32];
	struct vma *vmas; /* sorted by start */
	size_t nvmas;
	uint64_t loaded_ns;
};

struct symcache {
	struct proc **procs;
	size_t nprocs, procs_cap;
	struct proc *last;
	struct module **mods;
	size_t nmods, mods_cap;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

int symcache_new(struct symcache **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : -ENOMEM;
}

static void proc_free(struct proc *p)
{
	if (!p)
		return;
	free(p->vmas);
	free(p);
}

void symcache_free(struct symcache *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->nprocs; i++)
		proc_free(c->procs[i]);
	for (i = 0; i < c->nmods; i++) {
		elfsym_close(c->mods[i]->elf);
		free(c->mods[i]->path);
		free(c->mods[i]);
	}
	free(c->procs);
	free(c->mods);
	free(c);
}

static struct module *get_module(struct symcache *c, const struct proc_map *m)
{
	uint64_t dev = (uint64_t)m->dev_major << 32 | m->dev_minor;
	struct module *mod;
	size_t i;

	for (i = 0; i < c->nmods; i++) {
		mod = c->mods[i];
		/* inode 0 (some special files) is no identity; use the path */
		if (mod->dev == dev && mod->ino == m->ino &&
		    (m->ino || !strcmp(mod->path, m->path)))
			return mod;
	}
	if (c->nmods == c->mods_cap) {
		size_t cap = c->mods_cap ? c->mods_cap * 2 : 64;
		void *p = realloc(c->mods, cap * sizeof(*c->mods));

		if (!p)
			return NULL;
		c->mods = p;
		c->mods_cap = cap;
	}
	mod = calloc(1, sizeof(*mod));
	if (!mod)
		return NULL;
	mod->path = strdup(m->path);
	if (!mod->path) {
		free(mod);
		return NULL;
	}
	mod->dev = dev;
	mod->ino = m->ino;
	c->mods[c->nmods++] = mod;
	return mod;
}

/* (Re)reads the file-backed mappings of p. */
static int read_maps(struct symcache *c, struct proc *p)
{
	char path[64], *line = NULL;
	struct vma *vmas = NULL, *v;
	size_t n = 0, cap = 0, lcap = 0;
	struct proc_map m;
	int err = 0;
	FILE *fp;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)p->pid);
	fp = fopen(path, "re");
	if (!fp)
		return errno == ENOENT ? -ESRCH : -errno;
	while (getline(&line, &lcap, fp) > 0) {
		if (proc_map_parse(line, &m) || m.path[0] != '/')
			continue;
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			void *q = realloc(vmas, ncap * sizeof(*vmas));

			if (!q) {
				err = -ENOMEM;
				break;
			}
			vmas = q;
			cap = ncap;
		}
		v = &vmas[n];
		v->start = m.start;
		v->end = m.end;
		v->pgoff = m.pgoff;
		v->deleted = m.deleted;
		v->exec = m.exec;
		v->mod = get_module(c, &m);
		if (!v->mod) {
			err = -ENOMEM;
			break;
		}
		n++;
	}
	free(line);
	fclose(fp);
	if (err) {
		free(vmas);
		return err;
	}
	/* the kernel lists mappings in address order already */
	free(p->vmas);
	p->vmas = vmas;
	p->nvmas = n;
	p->loaded_ns = now_ns();
	return 0;
}

static struct proc *find_proc(struct symcache *c, pid_t pid)
{
	size_t i;

	if (c->last && c->last->pid == pid)
		return c->last;
	for (i = 0; i < c->nprocs; i++)
		if (c->procs[i]->pid == pid)
			return c->last = c->procs[i];
	return NULL;
}

static int add_proc(struct symcache *c, pid_t pid, struct proc **out)
{
	struct proc *p;
	size_t i;
	int err;

	if (pid <= 0)
		return -EINVAL;
	if (c->nprocs >= MAX_PROCS) {
		for (i = 0; i < c->nprocs; i++)
			proc_free(c->procs[i]);
		c->nprocs = 0;
		c->last = NULL;
	}
	if (c->nprocs == c->procs_cap) {
		size_t cap = c->procs_cap ? c->procs_cap * 2 : 16;
		void *q = realloc(c->procs, cap * sizeof(*c->procs));

		if (!q)
			return -ENOMEM;
		c->procs = q;
		c->procs_cap = cap;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->pid = pid;
	err = uprobe_target_pid_path(pid, "", p->root, sizeof(p->root));
	if (!err)
		err = read_maps(c, p);
	if (err) {
		proc_free(p);
		return err;
	}
	c->procs[c->nprocs++] = p;
	*out = c->last = p;
	return 0;
}

void symcache_forget_pid(struct symcache *c, pid_t pid)
{
	size_t i;

	for (i = 0; i < c->nprocs; i++) {
		if (c->procs[i]->pid != pid)
			continue;
		if (c->last == c->procs[i])
			c->last = NULL;
		proc_free(c->procs[i]);
		c->procs[i] = c->procs[--c->nprocs];
		return;
	}
}

static const struct vma *find_vma(const struct proc *p, uint64_t addr)
{
	size_t lo = 0, hi = p->nvmas, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (addr < p->vmas[mid].start)
			hi = mid;
		else if (addr >= p->vmas[mid].end)
			lo = mid + 1;
		else
			return &p->vmas[mid];
	}
	return NULL;
}

static struct elfsym_file *module_elf(struct module *mod, const struct proc *p,
				      const struct vma *v)
{
	char path[PATH_MAX];
	int n;

	if (mod->elf || (mod->failed_pid && mod->failed_pid == p->pid))
		return mod->elf;
	if (v->deleted)
		n = snprintf(path, sizeof(path), "/proc/%d/map_files/%" PRIx64
			     "-%" PRIx64, (int)p->pid, v->start, v->end);
	else
		n = snprintf(path, sizeof(path), "%s%s", p->root, mod->path);
	if (n < 0 || (size_t)n >= sizeof(path) ||
	    elfsym_open(path, &mod->elf)) {
		/* another process may still be able to open it */
		mod->failed_pid = p->pid;
		mod->elf = NULL;
	}
	return mod->elf;
}

int symcache_load_pid(struct symcache *c, pid_t pid)
{
	struct proc *p = find_proc(c, pid);
	size_t i;
	int err;

	err = p ? read_maps(c, p) : add_proc(c, pid, &p);
	if (err)
		return err;
	/*
	 * Files reached only through /proc/PID (another mount namespace, or
	 * deleted) are read now, while it lives; the others are read when an
	 * address first needs them, by the same path: a tracer that sees every
	 * process start then holds the symbols of the binaries its stacks show,
	 * not of every binary that ran.
	 */
	for (i = 0; i < p->nvmas; i++)
		if (p->vmas[i].exec && (p->root[0] || p->vmas[i].deleted))
			module_elf(p->vmas[i].mod, p, &p->vmas[i]);
	return 0;
}

int symcache_resolve(struct symcache *c, pid_t pid, uint64_t addr,
		     struct symcache_result *res)
{
	const struct vma *v;
	struct elfsym_file *elf;
	struct proc *p;
	uint64_t vaddr;
	int err;

	memset(res, 0, sizeof(*res));
	p = find_proc(c, pid);
	if (!p) {
		err = add_proc(c, pid, &p);
		if (err)
			return err;
	}
	v = find_vma(p, addr);
	/* maybe dlopen()ed since; a dead process just keeps its old maps */
	if (!v && now_ns() - p->loaded_ns >= RELOAD_INTERVAL_NS &&
	    !read_maps(c, p))
		v = find_vma(p, addr);
	if (!v)
		return -ENOENT;
	res->module = v->mod->path;
	res->module_off = addr - v->start + v->pgoff;
	elf = module_elf(v->mod, p, v);
	if (!elf || elfsym_offset_to_vaddr(elf, res->module_off, &vaddr) ||
	    elfsym_addr_to_sym(elf, vaddr, &res->name, &res->offset)) {
		res->name = NULL;
		return -ENOENT;
	}
	return 0;
}

int symcache_snprint(struct symcache *c, pid_t pid, uint64_t addr, char *buf,
		     size_t sz)
{
	struct symcache_result r;
	int n;

	symcache_resolve(c, pid, addr, &r);
	if (r.name)
		n = snprintf(buf, sz, "%s+0x%" PRIx64 " (%s)", r.name, r.offset,
			     r.module);
	else if (r.module)
		n = snprintf(buf, sz, "[unknown] (%s+0x%" PRIx64 ")", r.module,
			     r.module_off);
	else
		n = snprintf(buf, sz, "[unknown]");
	return n < 0 || (size_t)n >= sz ? -ENOSPC : 0;
}
