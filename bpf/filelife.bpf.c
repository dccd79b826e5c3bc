// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * filelife: files created and removed again while tracing, with their age.
 *
 * Preferred path: fentry, else kprobes, on security_inode_create (every
 * creation of a regular file passes it, by open(O_CREAT), creat or mknod) and
 * the return of vfs_unlink, paired by the dentry: exact, on every file system.
 *
 * Kernels with neither (the "tracepoint" path): the file systems' own
 * tracepoints where they exist, paired exactly: ext4:ext4_allocate_inode and
 * ext4:ext4_unlink_enter by device and inode, xfs:xfs_create and
 * xfs:xfs_remove by directory and name. Files on other file systems are
 * paired by name from the system calls (an open that created the file, an
 * unlink that succeeded): an approximation the user side labels. tmpfs is
 * left out of it (see filelife(8)).
 *
 * Births are kept in LRU tables: a file older than the newest 16,384 births
 * is forgotten, which for a tool about short-lived files is what is wanted.
 */
#include "events.bpf.h"
#include "file.bpf.h"
#include "filelife.h"

#define O_CREAT_FLAG 0100
#define AT_REMOVEDIR_FLAG 0x200

/* --fs: only files on file systems of this type ("" all). */
const volatile char targ_fstype[BK_FSTYPE_LEN] = {};
/* The tracepoint path: pair the other file systems' files by name too. */
const volatile __u32 targ_by_name = 0;
/* Index of the dentry among vfs_unlink's arguments (2 since 5.12, else 1). */
const volatile __u32 targ_unlink_dentry = 2;

struct birth {
	__u64 ts_ns;
	__u32 tgid;
	__u32 pad;
	char comm[16];
	char fstype[BK_FSTYPE_LEN];	/* the pairing by name: the file's; else empty */
};

struct ino_key {
	__u64 ino;
	__u32 dev;
	__u32 pad;
};

struct name_key {
	__u64 dir;		/* xfs: the directory's inode; 0 when pairing by name alone */
	__u32 dev;		/* xfs: its device; 0 when pairing by name alone */
	__u32 pad;
	char name[FILELIFE_KEY_NAME];
};

#define BIRTHS(name, key_type)                                                 \
	struct {                                                              \
		__uint(type, BPF_MAP_TYPE_LRU_HASH);                          \
		__uint(max_entries, 16384);                                   \
		__type(key, key_type);                                        \
		__type(value, struct birth);                                  \
	} name SEC(".maps")

BIRTHS(by_dentry, __u64);
BIRTHS(by_ino, struct ino_key);
BIRTHS(by_name, struct name_key);

/* Calls in flight: the unlink's path (tracepoint path), the dentry (kprobe path), the open. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);	/* tid */
	__type(value, __u64);
} starts SEC(".maps");

BK_SCRATCH(scratch, struct filelife_event);
BK_SCRATCH(scratch_key, struct name_key);

static __always_inline void born(void *map, const void *key, struct super_block *sb)
{
	struct birth b = { .ts_ns = bpf_ktime_get_ns(), .tgid = bpf_get_current_pid_tgid() >> 32 };

	bpf_get_current_comm(b.comm, sizeof(b.comm));
	if (sb)
		bpf_probe_read_kernel_str(b.fstype, sizeof(b.fstype), BPF_CORE_READ(sb, s_type, name));
	bpf_map_update_elem(map, key, &b, BPF_ANY);
}

/* A removed file that was born while tracing: its event, ready for the name. */
static __always_inline struct filelife_event *died(void *map, const void *key, __u32 source)
{
	__u64 id = bpf_get_current_pid_tgid(), now = bpf_ktime_get_ns();
	struct filelife_event *e;
	struct birth *b = bpf_map_lookup_elem(map, key);

	if (!b)
		return NULL;
	e = bk_scratch(&scratch);
	if (!e)
		return NULL;
	e->ts_ns = now;
	e->age_ns = now - b->ts_ns;
	e->creator_tgid = b->tgid;
	__builtin_memcpy(e->creator_comm, b->comm, sizeof(e->comm));
	__builtin_memcpy(e->fstype, b->fstype, sizeof(e->fstype));
	bpf_map_delete_elem(map, key);
	e->tgid = id >> 32;
	e->tid = (__u32)id;
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->source = source;
	e->name_is_path = 0;
	e->str_flags = 0;
	e->pad = 0;
	e->name[0] = 0;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	return e;
}

static __always_inline void emit(struct filelife_event *e, long len)
{
	if (len < 1)
		len = 1;
	if (len > FILELIFE_PATH_LEN)
		len = FILELIFE_PATH_LEN;
	bk_output(e, offsetof(struct filelife_event, name) + len);
}

/* --- fentry and kprobe paths: every file system, paired by dentry. --- */

static __always_inline int create(struct dentry *dentry)
{
	__u64 key = (__u64)dentry;

	if (bk_filtered(bpf_get_current_pid_tgid()) ||
	    !bk_sb_fstype_is(BPF_CORE_READ(dentry, d_sb), targ_fstype))
		return 0;
	born(&by_dentry, &key, NULL);
	return 0;
}

static __always_inline int unlinked(struct dentry *dentry, long ret)
{
	__u64 key = (__u64)dentry;
	struct filelife_event *e;
	long len;

	if (ret || bk_filtered(bpf_get_current_pid_tgid()))
		return 0;
	e = died(&by_dentry, &key, FILELIFE_VFS);
	if (!e)
		return 0;
	bpf_probe_read_kernel_str(e->fstype, sizeof(e->fstype),
				  BPF_CORE_READ(dentry, d_sb, s_type, name));
	len = bk_dentry_name(dentry, e->name, sizeof(e->name), &e->str_flags, 0);
	emit(e, len);
	return 0;
}

/* fentry int security_inode_create(struct inode *dir, struct dentry *dentry, umode_t mode) */
SEC("fentry/security_inode_create")
int BPF_PROG(handle_create_fentry, struct inode *dir, struct dentry *dentry)
{
	return create(dentry);
}

/* fexit int vfs_unlink([struct mnt_idmap *idmap,] struct inode *dir, struct dentry *dentry, struct inode **delegated_inode) */
SEC("fexit/vfs_unlink")
int handle_unlink_fexit(unsigned long long *ctx)
{
	/*
	 * The result follows the arguments: one more with the idmap. Loads at
	 * fixed offsets, and only those two: before 6.3 or so the verifier
	 * refuses a load of delegated_inode (a pointer to a pointer), and the
	 * branch not taken (targ_unlink_dentry is read-only) is never checked.
	 * barrier_var keeps the compiler from merging the two into a load at
	 * a computed offset, which the verifier refuses too.
	 */
	__u64 d, r;

	if (targ_unlink_dentry == 2) {
		d = ctx[2];
		r = ctx[4];
		barrier_var(d);
		barrier_var(r);
	} else {
		d = ctx[1];
		r = ctx[3];
		barrier_var(d);
		barrier_var(r);
	}
	return unlinked((struct dentry *)d, (int)r);
}

/* kprobe int security_inode_create(struct inode *dir, struct dentry *dentry, umode_t mode) */
SEC("kprobe/security_inode_create")
int BPF_KPROBE(handle_create_kprobe, struct inode *dir, struct dentry *dentry)
{
	return create(dentry);
}

/* kprobe vfs_unlink(...): the dentry waits for the return */
SEC("kprobe/vfs_unlink")
int handle_unlink_kprobe(struct pt_regs *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	/* Both loads at fixed offsets: the verifier refuses a computed ctx offset. */
	__u64 p2 = PT_REGS_PARM2(ctx), p3 = PT_REGS_PARM3(ctx);
	__u64 dentry = targ_unlink_dentry == 2 ? p3 : p2;

	bk_starts_update(&starts, &tid, &dentry);
	return 0;
}

/* kretprobe vfs_unlink -> int */
SEC("kretprobe/vfs_unlink")
int BPF_KRETPROBE(handle_unlink_kretprobe, int ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 *dentry = bpf_map_lookup_elem(&starts, &tid);

	if (!dentry)
		return 0;
	unlinked((struct dentry *)*dentry, ret);
	bpf_map_delete_elem(&starts, &tid);
	return 0;
}

/* --- The tracepoint path. --- */

/*
 * tracepoint syscalls:sys_enter_unlink(const char *pathname) and
 * sys_enter_unlinkat(int dfd, const char *pathname, int flag): the path,
 * for ext4's names and the pairing by name.
 */
static __always_inline int unlink_enter(const char *path)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 p = (__u64)path;

	if (bk_filtered(bpf_get_current_pid_tgid()))
		return 0;
	bk_starts_update(&starts, &tid, &p);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_unlink")
int handle_unlink(struct trace_event_raw_sys_enter *ctx)
{
	return unlink_enter((const char *)ctx->args[0]);
}

SEC("tracepoint/syscalls/sys_enter_unlinkat")
int handle_unlinkat(struct trace_event_raw_sys_enter *ctx)
{
	if (ctx->args[2] & AT_REMOVEDIR_FLAG)
		return 0;
	return unlink_enter((const char *)ctx->args[1]);
}

/* The last component of the path at p (user memory) into k->name. */
static __always_inline int last_component(const char *p, struct name_key *k)
{
	char path[FILELIFE_PATH_LEN];
	long n = bpf_probe_read_user_str(path, sizeof(path), p);
	int start = 0, i;

	if (n <= 0)
		return -1;
	/* Backwards from the last byte to the first '/': one way out of the loop. */
	for (i = 0; i < FILELIFE_PATH_LEN; i++) {
		long j = n - 2 - i;

		if (j < 0)
			break;
		if (path[j & (FILELIFE_PATH_LEN - 1)] == '/') {
			start = j + 1;
			break;
		}
	}
	for (i = 0; i < FILELIFE_KEY_NAME - 1; i++) {
		char c = path[(start + i) & (FILELIFE_PATH_LEN - 1)];

		k->name[i] = c;
		if (!c)
			break;
	}
	return 0;
}

/* tracepoint syscalls:sys_exit_unlink(at)(long ret): pairing by name */
static __always_inline int unlink_exit(long ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid(), zero = 0;
	struct filelife_event *e;
	struct name_key *k;
	__u64 *p = bpf_map_lookup_elem(&starts, &tid);

	if (!p)
		return 0;
	if (targ_by_name && !ret) {
		k = bpf_map_lookup_elem(&scratch_key, &zero);
		if (k) {
			__builtin_memset(k, 0, sizeof(*k));
			if (!last_component((const char *)*p, k)) {
				e = died(&by_name, k, FILELIFE_SYSCALLS);
				if (e) {
					e->name_is_path = 1;
					emit(e, bk_read_user_str(e->name, sizeof(e->name),
								 (const char *)*p, &e->str_flags, 0));
				}
			}
		}
	}
	bpf_map_delete_elem(&starts, &tid);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_unlink")
int handle_unlink_exit(struct trace_event_raw_sys_exit *ctx)
{
	return unlink_exit(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_unlinkat")
int handle_unlinkat_exit(struct trace_event_raw_sys_exit *ctx)
{
	return unlink_exit(ctx->ret);
}

/*
 * The ext4 tracepoints' records, declared here: arm64's vmlinux.h (ext4 built
 * as a module there) has no trace_event_raw_ext4_* types. A tracepoint record
 * is a stable layout, read at fixed offsets.
 */
struct bk_ext4_allocate_inode {
	struct trace_entry ent;
	dev_t dev;
	ino_t ino;
	ino_t dir;
	__u16 mode;
};

struct bk_ext4_unlink_enter {
	struct trace_entry ent;
	dev_t dev;
	ino_t ino;
	ino_t parent;
	loff_t size;
};

/* tracepoint ext4:ext4_allocate_inode(dev_t dev, ino_t ino, ino_t dir, __u16 mode) */
SEC("tracepoint/ext4/ext4_allocate_inode")
int handle_ext4_create(struct bk_ext4_allocate_inode *ctx)
{
	struct ino_key k = { .ino = ctx->ino, .dev = ctx->dev };

	if ((ctx->mode & BK_S_IFMT) != BK_S_IFREG || bk_filtered(bpf_get_current_pid_tgid()))
		return 0;
	born(&by_ino, &k, NULL);
	return 0;
}

/* tracepoint ext4:ext4_unlink_enter(dev_t dev, ino_t ino, ino_t parent, loff_t size) */
SEC("tracepoint/ext4/ext4_unlink_enter")
int handle_ext4_unlink(struct bk_ext4_unlink_enter *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct ino_key k = { .ino = ctx->ino, .dev = ctx->dev };
	struct filelife_event *e;
	__u64 *p;
	long len = 1;

	if (bk_filtered(bpf_get_current_pid_tgid()))
		return 0;
	e = died(&by_ino, &k, FILELIFE_EXT4);
	if (!e)
		return 0;
	__builtin_memcpy(e->fstype, "ext4", 5);
	/* The name: the path the unlink call was given, when it came from one. */
	p = bpf_map_lookup_elem(&starts, &tid);
	if (p) {
		len = bk_read_user_str(e->name, sizeof(e->name), (const char *)*p, &e->str_flags, 0);
		e->name_is_path = 1;
	}
	emit(e, len);
	return 0;
}

/* The record of xfs:xfs_create and xfs:xfs_remove (xfs_namespace_class), as its format file gives it. */
struct xfs_namespace_rec {
	__u64 common;
	__u32 dev;
	__u32 pad;
	__u64 dp_ino;
	__s32 namelen;
	__u32 data_loc_name;	/* offset (low 16 bits) and length of the name in the record */
};

static __always_inline int xfs_key(struct xfs_namespace_rec *ctx, struct name_key *k)
{
	__builtin_memset(k, 0, sizeof(*k));
	k->dir = ctx->dp_ino;
	k->dev = ctx->dev;
	return bpf_probe_read_kernel_str(k->name, sizeof(k->name),
					 (char *)ctx + (ctx->data_loc_name & 0xffff));
}

/* tracepoint xfs:xfs_create(dev_t dev, xfs_ino_t dp_ino, int namelen, char name[]) */
SEC("tracepoint/xfs/xfs_create")
int handle_xfs_create(struct xfs_namespace_rec *ctx)
{
	__u32 zero = 0;
	struct name_key *k = bpf_map_lookup_elem(&scratch_key, &zero);

	if (!k || bk_filtered(bpf_get_current_pid_tgid()))
		return 0;
	xfs_key(ctx, k);
	born(&by_name, k, NULL);
	return 0;
}

/* tracepoint xfs:xfs_remove(dev_t dev, xfs_ino_t dp_ino, int namelen, char name[]) */
SEC("tracepoint/xfs/xfs_remove")
int handle_xfs_remove(struct xfs_namespace_rec *ctx)
{
	__u32 zero = 0;
	struct name_key *k = bpf_map_lookup_elem(&scratch_key, &zero);
	struct filelife_event *e;

	if (!k || bk_filtered(bpf_get_current_pid_tgid()))
		return 0;
	xfs_key(ctx, k);
	e = died(&by_name, k, FILELIFE_XFS);
	if (!e)
		return 0;
	__builtin_memcpy(e->fstype, "xfs", 4);
	emit(e, bk_read_kernel_str(e->name, sizeof(e->name),
				   (char *)ctx + (ctx->data_loc_name & 0xffff), &e->str_flags, 0));
	return 0;
}

/*
 * The pairing by name, births: an open with O_CREAT that created its file
 * (FMODE_CREATED), on a file system without tracepoints of its own.
 * tracepoint syscalls:sys_enter_{open,openat,openat2,creat}: the flags.
 */
static __always_inline int open_enter(__u64 flags)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 one = 1;

	if (!(flags & O_CREAT_FLAG) || bk_filtered(bpf_get_current_pid_tgid()))
		return 0;
	bk_starts_update(&starts, &tid, &one);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_open")
int handle_open(struct trace_event_raw_sys_enter *ctx)
{
	return open_enter(ctx->args[1]);
}

SEC("tracepoint/syscalls/sys_enter_openat")
int handle_openat(struct trace_event_raw_sys_enter *ctx)
{
	return open_enter(ctx->args[2]);
}

SEC("tracepoint/syscalls/sys_enter_openat2")
int handle_openat2(struct trace_event_raw_sys_enter *ctx)
{
	struct open_how how = {};

	bpf_probe_read_user(&how, sizeof(how), (void *)ctx->args[2]);
	return open_enter(how.flags);
}

SEC("tracepoint/syscalls/sys_enter_creat")
int handle_creat(struct trace_event_raw_sys_enter *ctx)
{
	return open_enter(O_CREAT_FLAG);
}

/* Whether a file system is paired by name: not those with tracepoints, not tmpfs. */
static __always_inline bool by_name_fs(struct super_block *sb)
{
	char t[BK_FSTYPE_LEN];

	if (bpf_probe_read_kernel_str(t, sizeof(t), BPF_CORE_READ(sb, s_type, name)) <= 0)
		return false;
	if (t[0] == 'e' && t[1] == 'x' && t[2] == 't' && t[3] >= '2' && t[3] <= '4' && !t[4])
		return false;	/* ext2, ext3, ext4: the ext4 driver's tracepoints */
	if (t[0] == 'x' && t[1] == 'f' && t[2] == 's' && !t[3])
		return false;
	if (t[0] == 't' && t[1] == 'm' && t[2] == 'p' && t[3] == 'f' && t[4] == 's' && !t[5])
		return false;
	return bk_sb_fstype_is(sb, targ_fstype);
}

/* tracepoint syscalls:sys_exit_{open,openat,openat2,creat}(long ret) */
static __always_inline int open_exit(long ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid(), zero = 0;
	struct name_key *k;
	struct file *f;
	__u32 flags = 0;

	if (!bpf_map_lookup_elem(&starts, &tid))
		return 0;
	bpf_map_delete_elem(&starts, &tid);
	if (ret < 0)
		return 0;
	f = bk_fd_file(ret);
	if (!f || !(BPF_CORE_READ(f, f_mode) & BK_FMODE_CREATED) || bk_file_type(f) != BK_S_IFREG ||
	    !by_name_fs(BPF_CORE_READ(f, f_inode, i_sb)))
		return 0;
	k = bpf_map_lookup_elem(&scratch_key, &zero);
	if (!k)
		return 0;
	__builtin_memset(k, 0, sizeof(*k));
	bk_file_name(f, k->name, sizeof(k->name), &flags, 0);
	born(&by_name, k, BPF_CORE_READ(f, f_inode, i_sb));
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_open")
int handle_open_exit(struct trace_event_raw_sys_exit *ctx)
{
	return open_exit(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_openat")
int handle_openat_exit(struct trace_event_raw_sys_exit *ctx)
{
	return open_exit(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_openat2")
int handle_openat2_exit(struct trace_event_raw_sys_exit *ctx)
{
	return open_exit(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_creat")
int handle_creat_exit(struct trace_event_raw_sys_exit *ctx)
{
	return open_exit(ctx->ret);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
