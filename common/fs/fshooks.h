/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * The user side of bpf/fsops.bpf.h (fsslower, fsdist): which file system,
 * which of its functions, and which of the three paths this kernel allows.
 *
 *	struct bk_fsops o = BK_FSOPS_PROGS(skel->progs);
 *	o.ops = 1 << FSOP_READ | ...;
 *	bk_fsops_choose(&o, "ext4", bk_env.force_path);	// before load
 *	if (bk_fsops_approx(&o)) { rodata->targ_fstype = "ext4"; rodata->targ_ops = o.ops; }
 *	bk_load(); bk_fsops_attach(&o, &links); bk_attach();
 *
 * The file system comes from the tool's name (ext4slower, xfsdist) or
 * --fs FS. fentry, then kprobes, on the file system's own functions time
 * exactly its work; the "syscalls" path times the system calls on its
 * regular files, which is an approximation the tools must say they make.
 */
#ifndef BPFKIT_FS_FSHOOKS_H
#define BPFKIT_FS_FSHOOKS_H

#include <stdbool.h>
#include <bpf/libbpf.h>
#include <linux/types.h>
#include "core/links.h"
#include "file.h"
#include "fsops.h"

/* A file system whose own functions can be hooked: one function per operation. */
struct bk_fs_funcs {
	const char *fs;			/* type name, also its module's name */
	const char *func[FSOP_OPS];	/* read_iter, write_iter, open, fsync, getattr */
};

/* The table entry of a file system, or NULL. */
const struct bk_fs_funcs *bk_fs_funcs(const char *fs);
/* "ext4, xfs, btrfs, nfs, f2fs": for messages. */
const char *bk_fs_known(void);

/*
 * The file system a tool's name selects: "ext4" for argv0 ".../ext4slower"
 * with suffix "slower"; "" for the generic name ("fsslower") or any other.
 */
void bk_fs_from_name(const char *argv0, const char *generic, const char *suffix,
		     char fs[BK_FSTYPE_LEN]);

/* A --fs value: 1 to 15 of [a-z0-9_.-]. 0 or -EINVAL. */
int bk_fs_parse(const char *s, char fs[BK_FSTYPE_LEN]);

/* Names of the operations, as columns and JSON show them. */
extern const char *const bk_fsop_names[FSOP_OPS];

struct bk_fsops {
	/* The programs of bpf/fsops.bpf.h (BK_FSOPS_PROGS). */
	struct bpf_program *fentry[FSOP_OPS], *fexit[FSOP_OPS], *kprobe[FSOP_OPS], *kretprobe;
	struct bpf_program *sys_enter, *sys_exit;
	unsigned int ops;		/* 1 << FSOP_*: what the tool times */
	/* Set by bk_fsops_choose(). */
	const struct bk_fs_funcs *funcs;	/* NULL on the syscalls path */
	const char *path;		/* "fentry", "kprobe" or "syscalls" */
	unsigned int hooked;		/* the operations the chosen path times */
};

/*
 * Chooses the path for file system `fs` ("" for every file system: only
 * the syscalls path can do that) and sets the programs' autoload and
 * attach targets. `force` (--force-path) may be NULL. Returns 0, -EINVAL
 * for an unknown path name, or -ENOENT with the sentence set.
 */
int bk_fsops_choose(struct bk_fsops *o, const char *fs, const char *force);

/* After load: attaches the fentry/fexit or kprobe programs (return probes first). */
int bk_fsops_attach(struct bk_fsops *o, struct bk_links *links);

/* Whether the chosen path is the syscalls approximation. */
bool bk_fsops_approx(const struct bk_fsops *o);

#define BK_FSOPS_PROGS(p)                                                       \
	{                                                                     \
		.fentry = { (p).handle_read_fentry, (p).handle_write_fentry,  \
			    (p).handle_open_fentry, (p).handle_fsync_fentry,  \
			    (p).handle_getattr_fentry },                      \
		.fexit = { (p).handle_read_fexit, (p).handle_write_fexit,     \
			   (p).handle_open_fexit, (p).handle_fsync_fexit,     \
			   (p).handle_getattr_fexit },                        \
		.kprobe = { (p).handle_read_kprobe, (p).handle_write_kprobe,  \
			    (p).handle_open_kprobe, (p).handle_fsync_kprobe,  \
			    (p).handle_getattr_kprobe },                      \
		.kretprobe = (p).handle_op_kretprobe,                         \
		.sys_enter = (p).handle_sys_enter,                            \
		.sys_exit = (p).handle_sys_exit,                              \
	}

#endif
