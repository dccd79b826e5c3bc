// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <linux/bpf.h>
#include "uspace/elfsym.h"
#include "core/log.h"
#include "uspace/uprobes.h"

/*
 * The multi-uprobe ABI (Linux 6.6), which the installed <linux/bpf.h> may
 * predate: our own names, so as not to clash with a newer header's enum.
 */
#define BK_TRACE_UPROBE_MULTI 48	/* enum bpf_attach_type */
#define BK_F_UPROBE_MULTI_RETURN 1

/* union bpf_attr as BPF_LINK_CREATE reads it for a multi-uprobe link. */
struct link_create_uprobe_multi {
	__u32 prog_fd;
	__u32 target_fd;
	__u32 attach_type;
	__u32 flags;
	__u64 path;
	__u64 offsets;
	__u64 ref_ctr_offsets;
	__u64 cookies;
	__u32 cnt;
	__u32 multi_flags;
	__u32 pid;
};

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

/* bpf(BPF_LINK_CREATE) of a multi-uprobe link: its fd, or -1 with errno. */
static int link_create(int prog_fd, const char *path, const uint64_t *offsets,
		       const uint64_t *cookies, size_t n, bool retprobe, __u32 pid)
{
	struct link_create_uprobe_multi attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_fd = prog_fd;
	attr.attach_type = BK_TRACE_UPROBE_MULTI;
	attr.path = (__u64)(unsigned long)path;
	attr.offsets = (__u64)(unsigned long)offsets;
	attr.cookies = (__u64)(unsigned long)cookies;
	attr.cnt = n;
	attr.multi_flags = retprobe ? BK_F_UPROBE_MULTI_RETURN : 0;
	attr.pid = pid;
	return syscall(__NR_bpf, BPF_LINK_CREATE, &attr, sizeof(attr));
}

/*
 * As libbpf 1.3 probes it: a link on "/" fails with EBADF where the kernel
 * has such links (EINVAL where the attach type is unknown); with the
 * invalid pid -1 it fails earlier, with EINVAL, only once process filtering
 * was fixed (Linux 6.9, and the stable kernels it went back to).
 */
static bool probe_uprobe_multi(void)
{
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = BK_TRACE_UPROBE_MULTI);
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	uint64_t offset = 0;
	int prog, link, err;
	bool ok = false;

	prog = bpf_prog_load(BPF_PROG_TYPE_KPROBE, NULL, "GPL", insns, 2, &opts);
	if (prog < 0)
		return false;
	link = link_create(prog, "/", &offset, NULL, 1, false, 0);
	err = errno;
	if (link >= 0)
		close(link);
	else if (err == EBADF) {
		link = link_create(prog, "/", &offset, NULL, 1, false, (__u32)-1);
		err = errno;
		if (link >= 0)
			close(link);
		ok = link < 0 && err == EINVAL;
	}
	close(prog);
	bk_info(2, "multi-uprobe links: %s", ok ? "yes" : "no");
	return ok;
}

bool bk_uprobe_multi_available(void)
{
	static int avail = -1;

	if (avail < 0)
		avail = probe_uprobe_multi();
	return avail;
}

int bk_uprobe_multi_use(struct bpf_program *prog)
{
	if (!bk_uprobe_multi_available())
		return -EOPNOTSUPP;
	return bpf_program__set_expected_attach_type(prog, BK_TRACE_UPROBE_MULTI);
}

bool bk_uprobe_multi_used(const struct bpf_program *prog)
{
	return bpf_program__expected_attach_type(prog) == (enum bpf_attach_type)BK_TRACE_UPROBE_MULTI;
}

/* Errors that say the kernel will not probe the instruction at an offset. */
static bool refused(int err)
{
	return err == -524 /* ENOTSUPP */ || err == -ENOEXEC || err == -EINVAL;
}

/* One multi-uprobe link for offsets [0, n); halves what the kernel refuses. */
static int attach_multi(struct bk_links *l, int prog_fd, pid_t pid, const char *path,
			const uint64_t *offsets, const uint64_t *cookies, size_t n, bool retprobe,
			bool *skipped)
{
	int err = bk_links_add_fd(l, link_create(prog_fd, path, offsets, cookies, n, retprobe,
						 pid > 0 ? (__u32)pid : 0));

	if (!err || !skipped || !refused(err))
		return err;
	if (n == 1) {
		*skipped = true;
		return 0;
	}
	err = attach_multi(l, prog_fd, pid, path, offsets, cookies, n / 2, retprobe, skipped);
	if (!err)
		err = attach_multi(l, prog_fd, pid, path, offsets + n / 2, cookies + n / 2,
				   n - n / 2, retprobe, skipped + n / 2);
	return err;
}

int bk_uprobes_attach_some(struct bk_links *l, struct bpf_program *prog, pid_t pid,
			   const char *path, const uint64_t *offsets, const uint64_t *cookies,
			   size_t n, bool retprobe, bool *skipped)
{
	uint64_t *seq = NULL;
	size_t nskipped = 0;
	int err = 0;

	if (skipped)
		memset(skipped, 0, n * sizeof(*skipped));
	if (bk_uprobe_multi_used(prog)) {
		if (!cookies) {
			seq = malloc(n * sizeof(*seq));
			if (!seq)
				return -ENOMEM;
			for (size_t i = 0; i < n; i++)
				seq[i] = i;
		}
		err = attach_multi(l, bpf_program__fd(prog), pid, path, offsets,
				   cookies ? cookies : seq, n, retprobe, skipped);
		free(seq);
		if (err)
			bk_set_error("cannot attach a multi-uprobe link of %zu %s to %s: %s", n,
				     retprobe ? "return probes" : "probes", path, strerror(-err));
	} else {
		for (size_t i = 0; i < n && !err; i++) {
			LIBBPF_OPTS(bpf_uprobe_opts, opts, .retprobe = retprobe,
				    .bpf_cookie = cookies ? cookies[i] : i);

			/* libbpf: -1 is every process, 0 would be ourselves. */
			err = bk_links_add(l, bpf_program__attach_uprobe_opts(
						      prog, pid > 0 ? pid : -1, path, offsets[i], &opts));
			if (err && skipped && refused(err)) {
				skipped[i] = true;
				err = 0;
			}
			if (err)
				bk_set_error("cannot attach a uprobe to %s at offset 0x%llx: %s", path,
					     (unsigned long long)offsets[i], strerror(-err));
		}
	}
	for (size_t i = 0; skipped && i < n; i++)
		nskipped += skipped[i];
	if (!err && n && nskipped == n) {
		bk_set_error("the kernel cannot probe the instruction at any of the %zu offsets "
			     "in %s", n, path);
		err = -ENOTSUP;
	}
	return err;
}

int bk_uprobes_attach(struct bk_links *l, struct bpf_program *prog, pid_t pid, const char *path,
		      const uint64_t *offsets, const uint64_t *cookies, size_t n, bool retprobe)
{
	return bk_uprobes_attach_some(l, prog, pid, path, offsets, cookies, n, retprobe, NULL);
}
