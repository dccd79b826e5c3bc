/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * The user side of bpf/fsops.bpf.h (fsslower, fsdist): which file system,
 * which of its functions, and which of the three paths this kernel allows.
 *
 *	struct bk_fsops o = BK_FSOPS_PROGS(skel->progs);
 *	o.ops = 1 << FSOP_READ | ...;
 *	bk_fsops_choose(&o, "ext4", bk_env.force_path);	// before load
 *	if (!strcmp(o.path, "syscalls")) strcpy(rodata->targ_fstype, "ext4");
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

#define BK_FSOPS_SYS 12

struct bk_fsops {
	/* The programs of bpf/fsops.bpf.h (BK_FSOPS_PROGS). */
	struct bpf_program *fentry[FSOP_OPS], *fexit[FSOP_OPS], *kprobe[FSOP_OPS], *kretprobe;
	struct bpf_program *sys[FSOP_OPS][BK_FSOPS_SYS];	/* each list NULL-terminated */
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
		.sys = {                                                      \
			[FSOP_READ] = { (p).handle_read, (p).handle_read_exit, \
				(p).handle_pread64, (p).handle_pread64_exit,  \
				(p).handle_readv, (p).handle_readv_exit,      \
				(p).handle_preadv, (p).handle_preadv_exit,    \
				(p).handle_preadv2, (p).handle_preadv2_exit },\
			[FSOP_WRITE] = { (p).handle_write, (p).handle_write_exit, \
				(p).handle_pwrite64, (p).handle_pwrite64_exit, \
				(p).handle_writev, (p).handle_writev_exit,    \
				(p).handle_pwritev, (p).handle_pwritev_exit,  \
				(p).handle_pwritev2, (p).handle_pwritev2_exit }, \
			[FSOP_OPEN] = { (p).handle_openat, (p).handle_openat_exit, \
				(p).handle_openat2, (p).handle_openat2_exit,  \
				(p).handle_open, (p).handle_open_exit,        \
				(p).handle_creat, (p).handle_creat_exit },    \
			[FSOP_FSYNC] = { (p).handle_fsync, (p).handle_fsync_exit, \
				(p).handle_fdatasync, (p).handle_fdatasync_exit }, \
			[FSOP_GETATTR] = { (p).handle_newfstatat, (p).handle_newfstatat_exit, \
				(p).handle_statx, (p).handle_statx_exit,      \
				(p).handle_newfstat, (p).handle_newfstat_exit }, \
		},                                                            \
	}

#endif
