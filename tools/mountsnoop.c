// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * mountsnoop: trace mount(), umount2() and the mount API calls (fsopen,
 * fsconfig, fsmount, move_mount, open_tree, mount_setattr, fspick), with
 * their arguments and results, in every mount namespace.
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "core/attach.h"
#include "core/json.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/opts.h"
#include "core/output.h"
#include "core/setup.h"
#include "kernel/flags.h"
#include "mountsnoop.h"
#include "mountsnoop.skel.h"

const char argp_program_doc[] =
	"Trace mount(), umount2() and the mount API calls (fsopen, fsconfig, fsmount,\n"
	"move_mount, open_tree, mount_setattr, fspick), in every mount namespace.\n"
	"\n"
	"USAGE: mountsnoop [-p PID] [-t TID] [-u UID] [-n COMM] [--cgroup PATH] [-x]\n"
	"                  [-T] [-U] [-j] [-d SECONDS]\n"
	"\n"
	"EXAMPLES:\n"
	"    mountsnoop                # trace every mount call\n"
	"    mountsnoop -x             # only failed calls\n"
	"    mountsnoop -n containerd  # only containerd's\n"
	"    mountsnoop -j -T          # JSON lines";

static const char *const call_names[MOUNTSNOOP_CALLS] = {
	"mount", "umount2", "fsopen", "fsconfig", "fsmount",
	"move_mount", "open_tree", "mount_setattr", "fspick",
};

static const struct bk_flag ms_flags[] = {
	{ 1, "MS_RDONLY" }, { 2, "MS_NOSUID" }, { 4, "MS_NODEV" }, { 8, "MS_NOEXEC" },
	{ 16, "MS_SYNCHRONOUS" }, { 32, "MS_REMOUNT" }, { 64, "MS_MANDLOCK" },
	{ 128, "MS_DIRSYNC" }, { 256, "MS_NOSYMFOLLOW" }, { 1024, "MS_NOATIME" },
	{ 2048, "MS_NODIRATIME" }, { 4096, "MS_BIND" }, { 8192, "MS_MOVE" }, { 16384, "MS_REC" },
	{ 32768, "MS_SILENT" }, { 1 << 16, "MS_POSIXACL" }, { 1 << 17, "MS_UNBINDABLE" },
	{ 1 << 18, "MS_PRIVATE" }, { 1 << 19, "MS_SLAVE" }, { 1 << 20, "MS_SHARED" },
	{ 1 << 21, "MS_RELATIME" }, { 1 << 22, "MS_KERNMOUNT" }, { 1 << 23, "MS_I_VERSION" },
	{ 1 << 24, "MS_STRICTATIME" }, { 1 << 25, "MS_LAZYTIME" },
	/* The old magic number some programs still put in the upper half. */
	{ 0xc0ed0000, "MS_MGC_VAL" }, {},
};
static const struct bk_flag umount_flags[] = {
	{ 1, "MNT_FORCE" }, { 2, "MNT_DETACH" }, { 4, "MNT_EXPIRE" }, { 8, "UMOUNT_NOFOLLOW" }, {},
};
static const struct bk_flag cloexec_flags[] = { { 1, "CLOEXEC" }, {} };
static const struct bk_flag attr_flags[] = {
	{ 0x1, "MOUNT_ATTR_RDONLY" }, { 0x2, "MOUNT_ATTR_NOSUID" }, { 0x4, "MOUNT_ATTR_NODEV" },
	{ 0x8, "MOUNT_ATTR_NOEXEC" }, { 0x10, "MOUNT_ATTR_NOATIME" },
	{ 0x20, "MOUNT_ATTR_STRICTATIME" }, { 0x80, "MOUNT_ATTR_NODIRATIME" },
	{ 0x100000, "MOUNT_ATTR_IDMAP" }, { 0x200000, "MOUNT_ATTR_NOSYMFOLLOW" }, {},
};
static const struct bk_flag move_flags[] = {
	{ 0x1, "MOVE_MOUNT_F_SYMLINKS" }, { 0x2, "MOVE_MOUNT_F_AUTOMOUNTS" },
	{ 0x4, "MOVE_MOUNT_F_EMPTY_PATH" }, { 0x10, "MOVE_MOUNT_T_SYMLINKS" },
	{ 0x20, "MOVE_MOUNT_T_AUTOMOUNTS" }, { 0x40, "MOVE_MOUNT_T_EMPTY_PATH" },
	{ 0x100, "MOVE_MOUNT_SET_GROUP" }, { 0x200, "MOVE_MOUNT_BENEATH" }, {},
};
/* open_tree and mount_setattr take AT_* flags; open_tree adds its own two. */
static const struct bk_flag at_flags[] = {
	{ 0x1, "OPEN_TREE_CLONE" }, { 02000000, "OPEN_TREE_CLOEXEC" },
	{ 0x100, "AT_SYMLINK_NOFOLLOW" }, { 0x800, "AT_NO_AUTOMOUNT" },
	{ 0x1000, "AT_EMPTY_PATH" }, { 0x8000, "AT_RECURSIVE" }, {},
};
static const struct bk_flag fspick_flags[] = {
	{ 1, "FSPICK_CLOEXEC" }, { 2, "FSPICK_SYMLINK_NOFOLLOW" }, { 4, "FSPICK_NO_AUTOMOUNT" },
	{ 8, "FSPICK_EMPTY_PATH" }, {},
};
static const char *const fsconfig_cmds[] = {
	"FSCONFIG_SET_FLAG", "FSCONFIG_SET_STRING", "FSCONFIG_SET_BINARY", "FSCONFIG_SET_PATH",
	"FSCONFIG_SET_PATH_EMPTY", "FSCONFIG_SET_FD", "FSCONFIG_CMD_CREATE",
	"FSCONFIG_CMD_RECONFIGURE", "FSCONFIG_CMD_CREATE_EXCL",
};
#define N_FSCONFIG_CMDS (sizeof(fsconfig_cmds) / sizeof(fsconfig_cmds[0]))

#define W_NS 10

static void print_header(void)
{
	if (bk_env.json)
		return;
	bk_print_prefix_header();
	printf("%-*s %-*s %-*s CALL\n", BK_W_PID, "PID", BK_W_COMM, "COMM", W_NS, "MNT_NS");
}

/* A string argument as strace shows it: quoted and escaped, NULL, cut ("..."...) or unreadable. */
static const char *quoted(char *buf, size_t len, const struct mount_event *e, int i)
{
	char esc[4 * MOUNTSNOOP_STR_LEN];

	if (e->null & (1 << i))
		return "NULL";
	if (e->str_flags & BK_STR_UNREADABLE(i))
		return BK_UNREADABLE_MARK;
	bk_escape(esc, sizeof(esc), e->str[i], MOUNTSNOOP_STR_LEN);
	snprintf(buf, len, "\"%s\"%s", esc, e->str_flags & BK_STR_CUT(i) ? BK_CUT_MARK : "");
	return buf;
}

/* A null pointer is null; an unreadable string null too, with KEY_truncated. */
static void json_str(struct bk_json *j, const char *key, const struct mount_event *e, int i)
{
	if (e->null & (1 << i))
		bk_json_null(j, key);
	else
		bk_json_rec_str(j, key, e->str[i], MOUNTSNOOP_STR_LEN, e->str_flags, i);
}

static const char *cmd_name(char *buf, size_t len, __u64 cmd)
{
	if (cmd < N_FSCONFIG_CMDS)
		return fsconfig_cmds[cmd];
	snprintf(buf, len, "%llu", (unsigned long long)cmd);
	return buf;
}

/* The call with its arguments, as strace would write it, without the result. */
static void format_call(char *out, size_t len, const struct mount_event *e)
{
	char s[MOUNTSNOOP_STRS][4 * MOUNTSNOOP_STR_LEN + 8], f[256], g[256], d[24], d2[24];
	const __u64 *a = e->arg;

	switch (e->call) {
	case MOUNTSNOOP_MOUNT:
		snprintf(out, len, "mount(%s, %s, %s, %s, %s)", quoted(s[0], sizeof(s[0]), e, 0),
			 quoted(s[1], sizeof(s[1]), e, 1), quoted(s[2], sizeof(s[2]), e, 2),
			 bk_flags_str(f, sizeof(f), a[0], ms_flags), quoted(s[3], sizeof(s[3]), e, 3));
		break;
	case MOUNTSNOOP_UMOUNT:
		snprintf(out, len, "umount2(%s, %s)", quoted(s[0], sizeof(s[0]), e, 0),
			 bk_flags_str(f, sizeof(f), a[0], umount_flags));
		break;
	case MOUNTSNOOP_FSOPEN:
		snprintf(out, len, "fsopen(%s, %s)", quoted(s[0], sizeof(s[0]), e, 0),
			 a[0] == 1 ? "FSOPEN_CLOEXEC" : bk_flags_str(f, sizeof(f), a[0], cloexec_flags));
		break;
	case MOUNTSNOOP_FSCONFIG:
		snprintf(out, len, "fsconfig(%d, %s, %s, %s, %d)", (int)a[0],
			 cmd_name(f, sizeof(f), a[1]), quoted(s[0], sizeof(s[0]), e, 0),
			 e->null & 2 || !(a[1] == 1 || a[1] == 3 || a[1] == 4) ? "NULL"
									: quoted(s[1], sizeof(s[1]), e, 1),
			 (int)a[2]);
		break;
	case MOUNTSNOOP_FSMOUNT:
		snprintf(out, len, "fsmount(%d, %s, %s)", (int)a[0],
			 a[1] == 1 ? "FSMOUNT_CLOEXEC" : bk_flags_str(f, sizeof(f), a[1], cloexec_flags),
			 bk_flags_str(g, sizeof(g), a[2], attr_flags));
		break;
	case MOUNTSNOOP_MOVE_MOUNT:
		snprintf(out, len, "move_mount(%s, %s, %s, %s, %s)", bk_dfd_str(d, sizeof(d), (int)a[0]),
			 quoted(s[0], sizeof(s[0]), e, 0), bk_dfd_str(d2, sizeof(d2), (int)a[1]),
			 quoted(s[1], sizeof(s[1]), e, 1), bk_flags_str(f, sizeof(f), a[2], move_flags));
		break;
	case MOUNTSNOOP_OPEN_TREE:
	case MOUNTSNOOP_FSPICK:
		snprintf(out, len, "%s(%s, %s, %s)", call_names[e->call],
			 bk_dfd_str(d, sizeof(d), (int)a[0]), quoted(s[0], sizeof(s[0]), e, 0),
			 bk_flags_str(f, sizeof(f), a[1],
				      e->call == MOUNTSNOOP_FSPICK ? fspick_flags : at_flags));
		break;
	case MOUNTSNOOP_MOUNT_SETATTR:
		snprintf(out, len, "mount_setattr(%s, %s, %s, {attr_set=%s, attr_clr=%s})",
			 bk_dfd_str(d, sizeof(d), (int)a[0]), quoted(s[0], sizeof(s[0]), e, 0),
			 bk_flags_str(f, sizeof(f), a[1], at_flags),
			 bk_flags_str(g, sizeof(g), a[2], attr_flags),
			 bk_flags_str(s[1], sizeof(s[1]), a[3], attr_flags));
		break;
	default:
		snprintf(out, len, "call%u()", e->call);
	}
}

static void json_args(struct bk_json *j, const struct mount_event *e)
{
	const __u64 *a = e->arg;
	char c[24];

	switch (e->call) {
	case MOUNTSNOOP_MOUNT:
		json_str(j, "source", e, 0);
		json_str(j, "target", e, 1);
		json_str(j, "fstype", e, 2);
		bk_json_uint(j, "flags", a[0]);
		json_str(j, "data", e, 3);
		break;
	case MOUNTSNOOP_UMOUNT:
		json_str(j, "target", e, 0);
		bk_json_uint(j, "flags", a[0]);
		break;
	case MOUNTSNOOP_FSOPEN:
		json_str(j, "fsname", e, 0);
		bk_json_uint(j, "flags", a[0]);
		break;
	case MOUNTSNOOP_FSCONFIG:
		bk_json_int(j, "fd", (int)a[0]);
		bk_json_str(j, "cmd", cmd_name(c, sizeof(c), a[1]), 64);
		json_str(j, "key", e, 0);
		if (a[1] == 1 || a[1] == 3 || a[1] == 4)
			json_str(j, "value", e, 1);
		bk_json_int(j, "aux", (int)a[2]);
		break;
	case MOUNTSNOOP_FSMOUNT:
		bk_json_int(j, "fd", (int)a[0]);
		bk_json_uint(j, "flags", a[1]);
		bk_json_uint(j, "attr_flags", a[2]);
		break;
	case MOUNTSNOOP_MOVE_MOUNT:
		bk_json_int(j, "from_dfd", (int)a[0]);
		json_str(j, "from_path", e, 0);
		bk_json_int(j, "to_dfd", (int)a[1]);
		json_str(j, "to_path", e, 1);
		bk_json_uint(j, "flags", a[2]);
		break;
	case MOUNTSNOOP_OPEN_TREE:
	case MOUNTSNOOP_FSPICK:
	case MOUNTSNOOP_MOUNT_SETATTR:
		bk_json_int(j, "dfd", (int)a[0]);
		json_str(j, "path", e, 0);
		bk_json_uint(j, "flags", a[1]);
		if (e->call == MOUNTSNOOP_MOUNT_SETATTR) {
			bk_json_uint(j, "attr_set", a[2]);
			bk_json_uint(j, "attr_clr", a[3]);
		}
		break;
	}
}

static int handle_event(void *ctx, void *data, size_t size)
{
	const struct mount_event *e = data;
	const char *call = e->call < MOUNTSNOOP_CALLS ? call_names[e->call] : "?";
	char comm[4 * 16], text[4 * 4 * MOUNTSNOOP_STR_LEN + 512], ret[64];
	const char *name;
	struct bk_json j;

	if (size < sizeof(*e))
		return 0;
	if (bk_env.json) {
		bk_json_event(&j, stdout, e->ts_ns, e->tgid, e->tid, e->uid, e->comm);
		bk_json_str(&j, "call", call, 32);
		bk_json_uint(&j, "mnt_ns", e->mnt_ns);
		bk_json_int(&j, "ret", e->ret >= 0 ? e->ret : -1);
		bk_json_int(&j, "err", e->ret >= 0 ? 0 : -e->ret);
		bk_json_uint(&j, "lat_ns", e->lat_ns);
		json_args(&j, e);
		bk_json_end(&j);
		return 0;
	}
	bk_escape(comm, sizeof(comm), e->comm, sizeof(e->comm));
	format_call(text, sizeof(text), e);
	name = e->ret < 0 ? strerrorname_np((int)-e->ret) : NULL;
	if (e->ret >= 0)
		snprintf(ret, sizeof(ret), "%lld", (long long)e->ret);
	else if (name)
		snprintf(ret, sizeof(ret), "-1 %s", name);
	else
		snprintf(ret, sizeof(ret), "-1 E%lld", (long long)-e->ret);
	bk_print_prefix(e->ts_ns, e->uid);
	printf("%-*u %-*s %-*llu %s = %s\n", BK_W_PID, e->tgid, BK_W_COMM, comm, W_NS,
	       (unsigned long long)e->mnt_ns, text, ret);
	return 0;
}

int main(int argc, char **argv)
{
	struct mountsnoop_bpf *skel = NULL;
	struct bk_loop loop = {};
	int err;

	/* Arguments; the shared letters land in bk_env. */
	bk_parse_args(argc, argv, NULL, NULL, argp_program_doc,
		      BK_OPT_FILTERS | BK_OPT_FAILED | BK_OPT_TIMESTAMP | BK_OPT_UIDCOL |
		      BK_OPT_DURATION | BK_OPT_JSON);

	/* Logging, privileges, BTF; then open the BPF object. */
	err = bk_init("mountsnoop");
	if (err)
		goto cleanup;
	skel = mountsnoop_bpf__open_opts(bk_open_opts());
	err = bk_opened(skel);
	if (err)
		goto cleanup;

	/* Filters go to .rodata before load; mounts are rare: 256 KB (about 100 records). */
	bk_filter_fill(&skel->rodata->bk_filter);
	err = bk_events_size(skel->maps.events, &skel->rodata->bk_wakeup, 256 << 10);
	if (err)
		goto cleanup;

	/* The syscall tracepoints: mount and umount2, the mount API where the kernel has it (5.2+). */
	struct bk_variant variants[] = {
		{ "tracepoint",
		  { skel->progs.handle_mount, skel->progs.handle_mount_exit,
		    skel->progs.handle_umount, skel->progs.handle_umount_exit },
		  { skel->progs.handle_fsopen, skel->progs.handle_fsopen_exit,
		    skel->progs.handle_fsconfig, skel->progs.handle_fsconfig_exit,
		    skel->progs.handle_fsmount, skel->progs.handle_fsmount_exit,
		    skel->progs.handle_move_mount, skel->progs.handle_move_mount_exit,
		    skel->progs.handle_open_tree, skel->progs.handle_open_tree_exit,
		    skel->progs.handle_fspick, skel->progs.handle_fspick_exit,
		    skel->progs.handle_mount_setattr, skel->progs.handle_mount_setattr_exit } },
	};
	err = bk_choose(variants, 1, NULL);
	if (err < 0)
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
	loop.lost_what = "mount calls were not shown";
	bk_signals();
	print_header();

	/* Until Ctrl-C, SIGTERM or -d. */
	err = bk_run(&loop);

cleanup:
	bk_loop_free(&loop);
	mountsnoop_bpf__destroy(skel);
	return bk_exit(err);
}
