// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "uspace/elfsym.h"
#include "core/log.h"
#include "uspace/uprobes.h"

static int keep(struct bk_links *l, struct bpf_link *link, const char *what, const char *path)
{
	int err = bk_links_add(l, link);

	if (err)
		bk_set_error("cannot attach to %s in %s: %s", what, path, strerror(-err));
	return err;
}

int bk_uprobe_attach(struct bk_links *l, struct bpf_program *prog, pid_t pid,
		     const char *path, const char *func, bool retprobe)
{
	LIBBPF_OPTS(bpf_uprobe_opts, opts, .retprobe = retprobe);
	struct elfsym_file *f;
	uint64_t off;
	int err;

	err = elfsym_open(path, &f);
	if (err) {
		bk_set_error("cannot read the ELF file %s: %s", path, strerror(-err));
		return err;
	}
	err = elfsym_lookup(f, func, &off);
	elfsym_close(f);
	if (err) {
		bk_set_error("%s has no function %s%s", path, func,
			     err == -ENOTUNIQ ? " (several static functions have that name)" : "");
		return err;
	}
	/* libbpf: -1 is every process, 0 would be ourselves. */
	return keep(l, bpf_program__attach_uprobe_opts(prog, pid > 0 ? pid : -1, path, off, &opts),
		    func, path);
}

int bk_usdt_attach(struct bk_links *l, struct bpf_program *prog, pid_t pid,
		   const char *path, const char *provider, const char *name)
{
	char what[256];

	snprintf(what, sizeof(what), "USDT probe %s:%s", provider, name);
	return keep(l, bpf_program__attach_usdt(prog, pid > 0 ? pid : -1, path, provider, name, NULL),
		    what, path);
}
