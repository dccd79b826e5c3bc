// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#include <elf.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include "go/gouprobe.h"
#include "core/log.h"

/* The Go programs this build can probe: those of its own architecture. */
#if defined(__aarch64__)
#define GOUPROBE_MACHINE EM_AARCH64
#define GOUPROBE_ARCH "arm64"
#define GOUPROBE_REGABI_MINOR 18
#else
#define GOUPROBE_MACHINE EM_X86_64
#define GOUPROBE_ARCH "x86-64"
#define GOUPROBE_REGABI_MINOR 17
#endif

struct gouprobe {
	struct gobin *gb;
	pid_t pid;
	int goid_offset;
	bool regabi;
	char path[PATH_MAX];
	char name[PATH_MAX];
};

/* "go1.19.8" -> 1, 19; -EINVAL for anything else ("devel ..."). */
static int go_minor(const char *v, int *minor)
{
	int major;

	if (!v || sscanf(v, "go%d.%d", &major, minor) != 2 || major != 1)
		return -EINVAL;
	return 0;
}

int gouprobe_open(const char *path, pid_t pid, int goid_offset, struct gouprobe **out)
{
	struct gouprobe *gp;
	struct rlimit rl;
	const char *ver;
	int err, minor = 0;
	ssize_t len;

	gp = calloc(1, sizeof(*gp));
	if (!gp)
		return -ENOMEM;
	/* Every probe is a file descriptor: a glob over a few hundred
	 * functions with several returns each passes the usual 1024. */
	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	gp->pid = pid;
	if (pid > 0) {
		/* The magic link opens the very file the process runs, even in
		 * another mount namespace or after it was deleted or replaced. */
		snprintf(gp->path, sizeof(gp->path), "/proc/%d/exe", (int)pid);
		len = readlink(gp->path, gp->name, sizeof(gp->name) - 1);
		if (len < 0) {
			err = errno == ENOENT ? -ESRCH : -errno;
			bk_set_error("cannot find the executable of process %d: %s", (int)pid,
				     err == -ESRCH ? "no such process" : strerror(-err));
			goto fail;
		}
		gp->name[len] = 0;
	} else {
		snprintf(gp->path, sizeof(gp->path), "%s", path);
		snprintf(gp->name, sizeof(gp->name), "%s", path);
	}
	err = gobin_open(gp->path, &gp->gb);
	if (err) {
		if (err == -ENOEXEC || err == -EINVAL)
			bk_set_error("%s is not a Go program (no readable Go function table)",
				     gp->name);
		else
			bk_set_error("cannot read %s: %s", gp->name, strerror(-err));
		goto fail;
	}
	ver = gobin_go_version(gp->gb);
	if (goid_offset == GOUPROBE_READ_ONLY) {
		gp->goid_offset = -1;
		*out = gp;
		return 0;
	}
	if (gobin_machine(gp->gb) != GOUPROBE_MACHINE) {
		err = -ENOTSUP;
		bk_set_error("%s is not an %s program: this build of bpfkit traces %s Go programs",
			     gp->name, GOUPROBE_ARCH, GOUPROBE_ARCH);
		goto fail;
	}
	gp->goid_offset = goid_offset >= 0 ? goid_offset : gobin_goid_offset(gp->gb);
	if (gp->goid_offset < 0 && goid_offset == GOUPROBE_GOID_ANY) {
		gp->goid_offset = -1;
	} else if (gp->goid_offset == -EPROTO) {
		err = -ENOTSUP;
		bk_set_error("%s was built with %s, whose runtime.newproc1 stores goid at offset "
			     "%d of runtime.g, not at %d as %s does elsewhere: give the offset with "
			     "--goid-offset N", gp->name, ver, gobin_goid_offset_code(gp->gb),
			     gobin_goid_offset_for(ver, gobin_machine(gp->gb)), ver);
		goto fail;
	} else if (gp->goid_offset < 0) {
		err = -ENOTSUP;
		bk_set_error("%s was built with %s, whose goroutine layout is unknown here and not "
			     "readable from its code: give the offset of goid in runtime.g with "
			     "--goid-offset N", gp->name, ver ? ver : "an unknown Go version");
		goto fail;
	}
	/* ABIInternal arrived with Go 1.17 on amd64 and 1.18 on arm64; without
	 * a version, assume a recent toolchain (the layout was overridden). */
	gp->regabi = go_minor(ver, &minor) ? true : minor >= GOUPROBE_REGABI_MINOR;
	*out = gp;
	return 0;
fail:
	gouprobe_close(gp);
	return err;
}

void gouprobe_close(struct gouprobe *gp)
{
	if (!gp)
		return;
	gobin_close(gp->gb);
	free(gp);
}

pid_t gouprobe_pid(const struct gouprobe *gp)
{
	return gp->pid > 0 ? gp->pid : 0;
}

const char *gouprobe_path(const struct gouprobe *gp)
{
	return gp->path;
}

const char *gouprobe_name(const struct gouprobe *gp)
{
	return gp->name;
}

const char *gouprobe_go_version(const struct gouprobe *gp)
{
	const char *v = gobin_go_version(gp->gb);

	return v ? v : "unknown";
}

int gouprobe_goid_offset(const struct gouprobe *gp)
{
	return gp->goid_offset;
}

bool gouprobe_regabi(const struct gouprobe *gp)
{
	return gp->regabi;
}

struct gobin *gouprobe_gobin(const struct gouprobe *gp)
{
	return gp->gb;
}

int gouprobe_match(const struct gouprobe *gp, const char *glob, size_t max,
		   struct gofunc **funcs, size_t *n)
{
	struct gofunc f, *arr = NULL, *tmp;
	size_t iter = 0, cnt = 0, cap = 0;
	int err;

	while ((err = gobin_match_func(gp->gb, glob, &iter, &f)) == 0) {
		/* A name seen already (pclntab may list a function twice, e.g.
		 * its wrapper): the first non-wrapper copy is the one probed. */
		bool dup = false;

		for (size_t i = 0; i < cnt && !dup; i++)
			dup = !strcmp(arr[i].name, f.name);
		if (dup)
			continue;
		if (cnt == max) {
			free(arr);
			bk_set_error("more than %zu functions of %s match '%s': narrow the pattern",
				     max, gp->name, glob);
			return -E2BIG;
		}
		if (cnt == cap) {
			cap = cap ? cap * 2 : 16;
			tmp = realloc(arr, cap * sizeof(*arr));
			if (!tmp) {
				free(arr);
				return -ENOMEM;
			}
			arr = tmp;
		}
		arr[cnt++] = f;
	}
	if (err != -ENOENT) {
		free(arr);
		bk_set_error("cannot read the function table of %s: %s", gp->name, strerror(-err));
		return err;
	}
	if (!cnt) {
		bk_set_error("no Go function of %s matches '%s'", gp->name, glob);
		return -ENOENT;
	}
	*funcs = arr;
	*n = cnt;
	return 0;
}

int gouprobe_ret_offsets(const struct gouprobe *gp, const struct gofunc *f, uint64_t **offs,
			 size_t *n)
{
	size_t max = 16, cnt;
	uint64_t *v = NULL, *tmp;
	int err;

	for (;;) {
		tmp = realloc(v, max * sizeof(*v));
		if (!tmp) {
			free(v);
			return -ENOMEM;
		}
		v = tmp;
		err = gobin_ret_sites(gp->gb, f, v, max, &cnt);
		if (err != -E2BIG)
			break;
		if (max >= 65536)
			break;
		max *= 4;
	}
	if (err) {
		free(v);
		if (err == -EILSEQ)
			bk_set_error("cannot decode the code of %s in %s, so its returns cannot be "
				     "probed safely", f->name, gp->name);
		else
			bk_set_error("cannot find the returns of %s in %s: %s", f->name, gp->name,
				     strerror(-err));
		return err;
	}
	for (size_t i = 0; i < cnt; i++) {
		err = gobin_vaddr_to_offset(gp->gb, v[i], &v[i]);
		if (err) {
			free(v);
			bk_set_error("a return of %s in %s is in no loadable segment", f->name,
				     gp->name);
			return err;
		}
	}
	*offs = v;
	*n = cnt;
	return 0;
}

/* A plain uprobe (never a uretprobe) at file offset off with cookie. */
static int probe(const struct gouprobe *gp, struct bpf_program *prog, uint64_t off,
		 uint64_t cookie, const char *fname, struct bk_links *l)
{
	LIBBPF_OPTS(bpf_uprobe_opts, opts, .retprobe = false, .bpf_cookie = cookie);
	struct bpf_link *link;
	int err;

	/* libbpf: -1 is every process, 0 would be ourselves. */
	link = bpf_program__attach_uprobe_opts(prog, gp->pid > 0 ? gp->pid : -1, gp->path, off,
					       &opts);
	if (!link) {
		err = -errno;
		bk_set_error("cannot attach a uprobe to %s in %s at offset 0x%llx: %s%s", fname,
			     gp->name, (unsigned long long)off, strerror(-err),
			     err == -EINVAL || err == -EOPNOTSUPP
				     ? " (bpf_cookie needs Linux 5.15 or later)"
				     : "");
		return err;
	}
	return bk_links_add(l, link);
}

int gouprobe_attach(const struct gouprobe *gp, const struct gofunc *f, uint32_t index,
		    struct bpf_program *entry_prog, struct bpf_program *ret_prog,
		    struct bk_links *links, size_t *nrets)
{
	uint64_t entry, *rets = NULL, size = f->end - f->entry;
	size_t n = 0;
	int err;

	err = gobin_vaddr_to_offset(gp->gb, f->entry, &entry);
	if (err) {
		bk_set_error("%s in %s is in no loadable segment", f->name, gp->name);
		return err;
	}
	/* Decode first: a function whose returns cannot be found gets no
	 * probe at all, rather than entries that never pair. */
	if (ret_prog) {
		err = gouprobe_ret_offsets(gp, f, &rets, &n);
		if (err)
			return err;
	}
	if (entry_prog) {
		err = probe(gp, entry_prog, entry, GO_COOKIE(index, 0, size), f->name, links);
		if (err)
			goto out;
	}
	for (size_t i = 0; i < n; i++) {
		err = probe(gp, ret_prog, rets[i], GO_COOKIE(index, 1, size), f->name, links);
		if (err)
			goto out;
	}
	if (nrets)
		*nrets = n;
out:
	free(rets);
	return err;
}
