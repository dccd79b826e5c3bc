// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* The implementations IFUNC symbols resolve to, see ifunc.h. */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <link.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "core/log.h"
#include "uspace/ifunc.h"
#include "uspace/uprobe_target.h"

/* The relocation type that makes ld.so call a resolver, per machine. */
static unsigned int irelative_type(unsigned int machine)
{
	switch (machine) {
	case EM_X86_64: return R_X86_64_IRELATIVE;
	case EM_AARCH64: return R_AARCH64_IRELATIVE;
	default: return 0;
	}
}

/* The GOT slot (vaddr) ld.so fills with what the resolver at `resolver` returns. */
static int irelative_slot(const char *path, uint64_t resolver, uint64_t *slot)
{
	Elf_Scn *scn = NULL;
	unsigned int type;
	GElf_Ehdr eh;
	GElf_Shdr sh;
	GElf_Rela r;
	Elf_Data *d;
	int fd, err = -ENOENT;
	Elf *elf;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!elf || !gelf_getehdr(elf, &eh) || !(type = irelative_type(eh.e_machine)))
		goto out;
	while (err && (scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_RELA || !sh.sh_entsize)
			continue;
		d = elf_getdata(scn, NULL);
		if (!d)
			continue;
		for (size_t i = 0; i < sh.sh_size / sh.sh_entsize && gelf_getrela(d, i, &r); i++) {
			if (GELF_R_TYPE(r.r_info) == type && (uint64_t)r.r_addend == resolver) {
				*slot = r.r_offset;
				err = 0;
				break;
			}
		}
	}
out:
	if (elf)
		elf_end(elf);
	close(fd);
	return err;
}

/* Where pid has path loaded: the address of file offset 0's vaddr 0. */
static int load_base(pid_t pid, const char *path, const struct elfsym_file *f, uint64_t *base)
{
	char maps[64], seen[PATH_MAX], *line = NULL;
	struct stat want, st;
	struct proc_map m;
	uint64_t vaddr;
	size_t cap = 0;
	int err = -ESRCH;
	FILE *fp;

	if (stat(path, &want))
		return -errno;
	if (elfsym_offset_to_vaddr(f, 0, &vaddr))
		return -ENOENT;
	snprintf(maps, sizeof(maps), "/proc/%d/maps", (int)pid);
	fp = fopen(maps, "re");
	if (!fp)
		return -ESRCH;
	while (err && getline(&line, &cap, fp) > 0) {
		if (proc_map_parse(line, &m) || m.pgoff || m.path[0] != '/' ||
		    uprobe_target_pid_path(pid, m.path, seen, sizeof(seen)) || stat(seen, &st) ||
		    st.st_dev != want.st_dev || st.st_ino != want.st_ino)
			continue;
		*base = m.start - vaddr;
		err = 0;
	}
	free(line);
	fclose(fp);
	return err;
}

/* What ld.so stored in pid's GOT slot for the resolver of sym. */
static int from_got(const struct elfsym_file *f, const char *path, const struct elfsym_sym *sym,
		    pid_t pid, uint64_t *vaddr)
{
	uint64_t slot = 0, base = 0, val = 0;
	char mem[64];
	int fd, err;

	err = irelative_slot(path, sym->vaddr, &slot);
	if (!err)
		err = load_base(pid, path, f, &base);
	if (err)
		return err;
	snprintf(mem, sizeof(mem), "/proc/%d/mem", (int)pid);
	fd = open(mem, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	if (pread(fd, &val, sizeof(val), base + slot) != (ssize_t)sizeof(val))
		err = errno ? -errno : -EIO;
	close(fd);
	if (!err)
		*vaddr = val - base;
	return err;
}

/*
 * What dlsym() gives here for sym, when this process has path loaded and
 * sym is the only definition of its name (dlsym() sees the default version).
 */
static int from_self(const struct elfsym_file *f, const char *path, const struct elfsym_sym *sym,
		     uint64_t *vaddr)
{
	const struct elfsym_sym *only;
	struct link_map *lm;
	void *h, *addr;
	int err = -ENOENT;

	if (elfsym_find(f, sym->name, &only) || only->vaddr != sym->vaddr)
		return -ENOENT;
	h = dlopen(path, RTLD_LAZY | RTLD_NOLOAD);
	if (!h)
		return -ENOENT;
	addr = dlsym(h, sym->name);
	if (addr && !dlinfo(h, RTLD_DI_LINKMAP, &lm)) {
		*vaddr = (uint64_t)(uintptr_t)addr - lm->l_addr;
		err = 0;
	}
	dlclose(h);
	return err;
}

int ifunc_resolve(const struct elfsym_file *f, const char *path, const struct elfsym_sym *sym,
		  pid_t pid, struct ifunc_impl *impl)
{
	uint64_t off;
	int err = -ENOENT;

	memset(impl, 0, sizeof(*impl));
	if (pid > 0) {
		err = from_got(f, path, sym, pid, &impl->vaddr);
		impl->how = "read from the process's GOT";
		if (err == -ESRCH) {
			bk_set_error("process %d does not map %s", (int)pid, path);
			return err;
		}
	}
	if (err) {
		err = from_self(f, path, sym, &impl->vaddr);
		impl->how = "the one this CPU gets";
	}
	if (err) {
		bk_set_error("%s of %s is an IFUNC whose implementation is chosen when a process "
			     "loads the library: give -p PID of a process that has it loaded",
			     sym->name, path);
		return err;
	}
	if (elfsym_vaddr_to_offset(f, impl->vaddr, &impl->offset)) {
		bk_set_error("%s of %s is an IFUNC that resolves outside of the file (into the "
			     "vDSO), where uprobes cannot go", sym->name, path);
		return -EFAULT;
	}
	if (!elfsym_addr_to_sym(f, impl->vaddr, &impl->name, &off) && off)
		impl->name = NULL;
	return 0;
}
