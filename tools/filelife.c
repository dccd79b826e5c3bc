// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * filelife: files created and removed while tracing, with their age.
 */
#include <argp.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "core/attach.h"
#include "core/json.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/opts.h"
#include "core/output.h"
#include "core/setup.h"
#include "fs/fshooks.h"
#include "filelife.h"
#include "filelife.skel.h"

static struct {
	char fs[BK_FSTYPE_LEN];
	bool by_name;		/* the tracepoint path pairs other file systems' files by name */
} opt;

const char argp_program_doc[] =
	"Trace short-lived files: each file created and removed while tracing, with its\n"
	"age. With fentry or kprobes every file system is followed exactly; without\n"
	"them, ext4 and xfs through their tracepoints, and files on other file systems\n"
	"(but tmpfs) paired by name from the system calls, an approximation the output\n"
	"says (see CAVEATS in filelife(8)).\n"
	"\n"
	"USAGE: filelife [--fs FS] [-p PID] [-t TID] [-u UID] [-n COMM] [--cgroup PATH]\n"
	"                [-T] [-U] [-j] [-d SECONDS]\n"
	"\n"
	"EXAMPLES:\n"
	"    filelife                  # every short-lived file\n"
	"    filelife --fs ext4 -T     # on ext4 file systems, with times\n"
	"    filelife -n make -j       # files make's processes removed, as JSON";

enum { OPT_FS = 2000 };

static const struct argp_option options[] = {
	{ "fs", OPT_FS, "FS", 0, "Only files on file systems of this type (ext4, xfs, btrfs, ...)", 0 },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case OPT_FS:
		if (bk_fs_parse(arg, opt.fs))
			bk_usage(state, "invalid --fs '%s': want a file system type such as ext4", arg);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const char *const sources[] = { "vfs", "ext4", "xfs", "syscalls" };

static void print_header(void)
{
	if (bk_env.json)
		return;
	if (opt.by_name)
		printf("# approximation: files on %s are paired by name from the system calls "
		       "(see CAVEATS in filelife(8))\n",
		       opt.fs[0] ? opt.fs : "file systems other than ext4, xfs and tmpfs");
	bk_print_prefix_header();
	printf("%-*s %-*s %9s FILE\n", BK_W_PID, "PID", BK_W_COMM, "COMM", "AGE(s)");
}

static int handle_event(void *ctx, void *data, size_t size)
{
	const struct filelife_event *e = data;
	size_t len = size - offsetof(struct filelife_event, name);
	const char *name = e->name, *slash;
	char comm[4 * 16], esc[4 * FILELIFE_PATH_LEN];
	struct bk_json j;

	if (len > sizeof(e->name))
		len = sizeof(e->name);
	/* A path given to unlink: the file is its last component. */
	if (e->name_is_path && (slash = memrchr(e->name, '/', strnlen(e->name, len))))
		name = slash + 1;
	if (bk_env.json) {
		bk_json_event(&j, stdout, e->ts_ns, e->tgid, e->tid, e->uid, e->comm);
		bk_json_uint(&j, "age_ns", e->age_ns);
		bk_json_rec_str(&j, "file", name, len - (name - e->name), e->str_flags, 0);
		if (e->name_is_path)
			bk_json_rec_str(&j, "path", e->name, len, e->str_flags, 0);
		if (e->fstype[0])
			bk_json_str(&j, "fstype", e->fstype, sizeof(e->fstype));
		else
			bk_json_null(&j, "fstype");
		bk_json_uint(&j, "creator_pid", e->creator_tgid);
		bk_json_str(&j, "creator_comm", e->creator_comm, sizeof(e->creator_comm));
		bk_json_str(&j, "source", e->source < 4 ? sources[e->source] : "?", 16);
		bk_json_bool(&j, "approx", e->source == FILELIFE_SYSCALLS);
		bk_json_end(&j);
		return 0;
	}
	bk_escape(comm, sizeof(comm), e->comm, sizeof(e->comm));
	bk_escape_str(esc, sizeof(esc), name, len - (name - e->name), e->str_flags, 0);
	bk_print_prefix(e->ts_ns, e->uid);
	printf("%-*u %-*s %9.3f %s\n", BK_W_PID, e->tgid, BK_W_COMM, comm, e->age_ns / 1e9,
	       esc[0] ? esc : "?");
	return 0;
}

/* Where vfs_unlink's dentry is: after the idmap (5.12 and later), else second. */
static __u32 unlink_dentry_arg(void)
{
	struct btf *btf = bk_env.btf_path ? btf__parse(bk_env.btf_path, NULL)
					  : btf__load_vmlinux_btf();
	const struct btf_type *t;
	__u32 arg = 2;
	__s32 id;

	if (!btf)
		return arg;
	id = btf__find_by_name_kind(btf, "vfs_unlink", BTF_KIND_FUNC);
	t = id > 0 ? btf__type_by_id(btf, btf__type_by_id(btf, id)->type) : NULL;
	if (t && btf_vlen(t) == 3)
		arg = 1;
	btf__free(btf);
	return arg;
}

int main(int argc, char **argv)
{
	struct filelife_bpf *skel = NULL;
	struct bk_loop loop = {};
	int err;

	/* Arguments; the shared letters land in bk_env. */
	bk_parse_args(argc, argv, options, parse_arg, argp_program_doc,
		      BK_OPT_FILTERS | BK_OPT_TIMESTAMP | BK_OPT_UIDCOL | BK_OPT_DURATION |
		      BK_OPT_JSON | BK_OPT_FORCE_PATH);

	/* Logging, privileges, BTF; then open the BPF object. */
	err = bk_init("filelife");
	if (err)
		goto cleanup;
	skel = filelife_bpf__open_opts(bk_open_opts());
	err = bk_opened(skel);
	if (err)
		goto cleanup;

	/* fentry, else kprobes, on the VFS; else the file systems' tracepoints. */
	struct bk_variant variants[] = {
		{ "fentry", { skel->progs.handle_create_fentry, skel->progs.handle_unlink_fexit } },
		{ "kprobe",
		  { skel->progs.handle_create_kprobe, skel->progs.handle_unlink_kprobe,
		    skel->progs.handle_unlink_kretprobe } },
		{ "tracepoint",
		  { skel->progs.handle_unlinkat, skel->progs.handle_unlinkat_exit,
		    skel->progs.handle_openat, skel->progs.handle_openat_exit },
		  { skel->progs.handle_unlink, skel->progs.handle_unlink_exit,
		    skel->progs.handle_ext4_create, skel->progs.handle_ext4_unlink,
		    skel->progs.handle_xfs_create, skel->progs.handle_xfs_remove,
		    skel->progs.handle_open, skel->progs.handle_open_exit,
		    skel->progs.handle_openat2, skel->progs.handle_openat2_exit,
		    skel->progs.handle_creat, skel->progs.handle_creat_exit } },
	};
	err = bk_choose(variants, 3, bk_env.force_path);
	if (err < 0)
		goto cleanup;

	/* On the tracepoint path: which file systems, how. */
	if (!strcmp(bk_attach_path, "tracepoint")) {
		bool ext4 = !opt.fs[0] || !strcmp(opt.fs, "ext4");
		bool xfs = !opt.fs[0] || !strcmp(opt.fs, "xfs");

		if (!strcmp(opt.fs, "tmpfs")) {
			bk_set_error("tmpfs has no tracepoints for the creation and removal of files and "
				     "this kernel has neither fentry nor kprobes: tmpfs files cannot be "
				     "followed here");
			err = -EOPNOTSUPP;
			goto cleanup;
		}
		opt.by_name = !opt.fs[0] || (!ext4 && !xfs);
		if (!ext4) {
			bpf_program__set_autoload(skel->progs.handle_ext4_create, false);
			bpf_program__set_autoload(skel->progs.handle_ext4_unlink, false);
		}
		if (!xfs) {
			bpf_program__set_autoload(skel->progs.handle_xfs_create, false);
			bpf_program__set_autoload(skel->progs.handle_xfs_remove, false);
		}
		if (!opt.by_name) {
			struct bpf_program *p[] = {
				skel->progs.handle_open, skel->progs.handle_open_exit,
				skel->progs.handle_openat, skel->progs.handle_openat_exit,
				skel->progs.handle_openat2, skel->progs.handle_openat2_exit,
				skel->progs.handle_creat, skel->progs.handle_creat_exit,
			};
			for (size_t i = 0; i < sizeof(p) / sizeof(p[0]); i++)
				bpf_program__set_autoload(p[i], false);
		}
		if (opt.by_name)
			bk_info(1, "no fentry or kprobes: pairing files by name on %s",
				opt.fs[0] ? opt.fs : "file systems other than ext4, xfs and tmpfs");
	}

	/* Filters and settings go to .rodata before load. */
	bk_filter_fill(&skel->rodata->bk_filter);
	memcpy((char *)skel->rodata->targ_fstype, opt.fs, sizeof(opt.fs));
	skel->rodata->targ_by_name = opt.by_name;
	skel->rodata->targ_unlink_dentry = unlink_dentry_arg();
	err = bk_events_size(skel->maps.events, &skel->rodata->bk_wakeup, 1 << 20);
	if (err)
		goto cleanup;

	/* Load (the verifier runs here) and attach. */
	err = bk_start(skel->skeleton);
	if (err)
		goto cleanup;

	/* Events and signals, then the header. */
	err = bk_events(&loop, skel->maps.events, handle_event, NULL, &skel->bss->bk_drops);
	if (err)
		goto cleanup;
	loop.lost_starts = &skel->bss->bk_lost_starts;
	loop.lost_what = "removals were not followed";
	bk_signals();
	print_header();

	/* Until Ctrl-C, SIGTERM or -d. */
	err = bk_run(&loop);

cleanup:
	bk_loop_free(&loop);
	filelife_bpf__destroy(skel);
	return bk_exit(err);
}
