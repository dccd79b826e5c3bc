// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "core/attach.h"
#include "core/log.h"
#include "core/opts.h"
#include "fs/fshooks.h"
#include "kernel/kfunc.h"

const char *const bk_fsop_names[FSOP_OPS] = { "read", "write", "open", "fsync", "getattr" };

/* Each file system's file_operations and inode_operations functions. */
static const struct bk_fs_funcs fs_table[] = {
	{ "ext4", { "ext4_file_read_iter", "ext4_file_write_iter", "ext4_file_open",
		    "ext4_sync_file", "ext4_file_getattr" } },
	{ "xfs", { "xfs_file_read_iter", "xfs_file_write_iter", "xfs_file_open",
		   "xfs_file_fsync", "xfs_vn_getattr" } },
	{ "btrfs", { "btrfs_file_read_iter", "btrfs_file_write_iter", "btrfs_file_open",
		     "btrfs_sync_file", "btrfs_getattr" } },
	{ "nfs", { "nfs_file_read", "nfs_file_write", "nfs_file_open", "nfs_file_fsync",
		   "nfs_getattr" } },
	{ "f2fs", { "f2fs_file_read_iter", "f2fs_file_write_iter", "f2fs_file_open",
		    "f2fs_sync_file", "f2fs_getattr" } },
};
#define N_FS (sizeof(fs_table) / sizeof(fs_table[0]))

const struct bk_fs_funcs *bk_fs_funcs(const char *fs)
{
	for (size_t i = 0; i < N_FS; i++)
		if (!strcmp(fs, fs_table[i].fs))
			return &fs_table[i];
	return NULL;
}

const char *bk_fs_known(void)
{
	return "ext4, xfs, btrfs, nfs, f2fs";
}

void bk_fs_from_name(const char *argv0, const char *generic, const char *suffix,
		     char fs[BK_FSTYPE_LEN])
{
	const char *base = bk_run_name(argv0);
	size_t n, s = strlen(suffix);

	n = strlen(base);
	fs[0] = 0;
	if (!strcmp(base, generic) || n <= s || strcmp(base + n - s, suffix) ||
	    n - s >= BK_FSTYPE_LEN)
		return;
	memcpy(fs, base, n - s);
	fs[n - s] = 0;
}

int bk_fs_parse(const char *s, char fs[BK_FSTYPE_LEN])
{
	size_t n = strlen(s);

	if (!n || n >= BK_FSTYPE_LEN || strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_.-") != n)
		return -EINVAL;
	memcpy(fs, s, n + 1);
	return 0;
}

/*
 * Whether `path` can hook `fs`'s functions for the operations in `ops`
 * (getattr may be missing: it is then not timed); which ones in *hooked.
 */
static bool funcs_ok(const char *path, const struct bk_fs_funcs *f, unsigned int ops,
		     unsigned int *hooked, char *why, size_t len)
{
	char sec[160];

	*hooked = 0;
	if (!f) {
		snprintf(why, len, "%s", "no file system named with its own functions");
		return false;
	}
	for (int op = 0; op < FSOP_OPS; op++) {
		if (!(ops & (1u << op)))
			continue;
		snprintf(sec, sizeof(sec), "%s/%s", path, f->func[op]);
		if (!strcmp(path, "fentry")) {
			if (bk_kfunc_fentry_ok(f->func[op], f->fs, why, len)) {
				*hooked |= 1u << op;
				continue;
			}
		} else if (bk_hook_available(sec, why, len) == 1) {
			*hooked |= 1u << op;
			continue;
		}
		if (op != FSOP_GETATTR)
			return false;
		bk_info(1, "%s: getattr is not timed (%s)", path, why);
	}
	return true;
}

static bool sys_ok(struct bk_fsops *o, unsigned int *hooked, char *why, size_t len)
{
	*hooked = o->ops;
	return bk_hook_available(bpf_program__section_name(o->sys_enter), why, len) == 1 &&
	       bk_hook_available(bpf_program__section_name(o->sys_exit), why, len) == 1;
}

static void autoload_all(struct bk_fsops *o, bool on)
{
	for (int op = 0; op < FSOP_OPS; op++) {
		bpf_program__set_autoload(o->fentry[op], on);
		bpf_program__set_autoload(o->fexit[op], on);
		bpf_program__set_autoload(o->kprobe[op], on);
	}
	bpf_program__set_autoload(o->kretprobe, on);
	bpf_program__set_autoload(o->sys_enter, on);
	bpf_program__set_autoload(o->sys_exit, on);
}

int bk_fsops_choose(struct bk_fsops *o, const char *fs, const char *force)
{
	static const char *const paths[] = { "fentry", "kprobe", "syscalls" };
	const struct bk_fs_funcs *f = fs[0] ? bk_fs_funcs(fs) : NULL;
	char why[256], all[1024] = "";
	unsigned int hooked = 0;
	int chosen = -1, tried = 0, i;
	size_t n = 0;

	for (i = 0; i < 3 && chosen < 0; i++) {
		bool ok;

		if (force && strcmp(force, paths[i]))
			continue;
		tried++;
		why[0] = 0;
		if (i < 2 && !fs[0])
			snprintf(why, sizeof(why), "%s", "no file system given (--fs)");
		ok = why[0] ? false
			    : i < 2 ? funcs_ok(paths[i], f, o->ops, &hooked, why, sizeof(why))
				    : sys_ok(o, &hooked, why, sizeof(why));
		if (ok) {
			chosen = i;
			break;
		}
		if (i < 2 && fs[0] && !f)
			snprintf(why, sizeof(why), "%s has no hooks of its own in this tool (those of %s "
				 "have)", fs, bk_fs_known());
		bk_info(1, "%s path not available: %s", paths[i], why);
		n += snprintf(all + n, sizeof(all) - n, "%s%s: %s", n ? "; " : "", paths[i], why);
		if (n >= sizeof(all))
			n = sizeof(all) - 1;
	}
	if (force && !tried) {
		bk_set_usage_error("unknown path '%s': this tool has fentry, kprobe, syscalls", force);
		return -EINVAL;
	}
	if (chosen < 0 && !force)
		return bk_set_unsupported("hook this tool can use: %s", all);
	if (chosen < 0) {
		bk_set_error("the forced path is not available on this kernel: %s", all);
		return -ENOENT;
	}
	o->path = paths[chosen];
	o->funcs = chosen < 2 ? f : NULL;
	o->hooked = hooked;
	bk_attach_path = o->path;

	/* Only the chosen path's programs, for the operations it times, load. */
	autoload_all(o, false);
	for (int op = 0; op < FSOP_OPS; op++) {
		if (!(hooked & (1u << op)))
			continue;
		if (chosen == 0) {
			bpf_program__set_autoload(o->fentry[op], true);
			bpf_program__set_autoload(o->fexit[op], true);
			bpf_program__set_attach_target(o->fentry[op], 0, f->func[op]);
			bpf_program__set_attach_target(o->fexit[op], 0, f->func[op]);
		} else if (chosen == 1) {
			bpf_program__set_autoload(o->kprobe[op], true);
			bpf_program__set_autoload(o->kretprobe, true);
		} else {
			bpf_program__set_autoload(o->sys_enter, true);
			bpf_program__set_autoload(o->sys_exit, true);
		}
	}
	return 0;
}

int bk_fsops_attach(struct bk_fsops *o, struct bk_links *links)
{
	int err;

	if (!o->funcs)
		return 0;
	/* Return probes first, so that no entry is left without its return. */
	for (int pass = 0; pass < 2; pass++) {
		for (int op = 0; op < FSOP_OPS; op++) {
			const char *fn = o->funcs->func[op];
			struct bpf_link *l;

			if (!(o->hooked & (1u << op)))
				continue;
			if (!strcmp(o->path, "fentry"))
				l = bpf_program__attach_trace(pass ? o->fentry[op] : o->fexit[op]);
			else if (pass)
				l = bpf_program__attach_kprobe(o->kprobe[op], false, fn);
			else
				l = bpf_program__attach_kprobe(o->kretprobe, true, fn);
			err = bk_links_add(links, l);
			if (err) {
				bk_set_error("cannot attach %s to %s: %s", o->path, fn, strerror(-err));
				return err;
			}
		}
	}
	return 0;
}

bool bk_fsops_approx(const struct bk_fsops *o)
{
	return o->path && !strcmp(o->path, "syscalls");
}
