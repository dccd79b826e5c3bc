// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#include <argp.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <bpf/btf.h>
#include "block/block.h"
#include "core/attach.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/opts.h"

/* Reads a whole small sysfs file into buf, without its newline. 0 or -errno. */
static int read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	int err = 0;

	if (!f)
		return -errno;
	if (!fgets(buf, len, f))
		err = -EIO;
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;
	return err;
}

static int read_u64(const char *path, __u64 *v)
{
	char buf[64], *end;
	int err = read_line(path, buf, sizeof(buf));

	if (err)
		return err;
	errno = 0;
	*v = strtoull(buf, &end, 10);
	return errno || end == buf ? -EINVAL : 0;
}

/* "MAJ:MIN" of a sysfs dev file into a BK_BLOCK_DEV(). */
static int parse_majmin(const char *s, __u32 *dev)
{
	unsigned int ma, mi;
	char extra;

	if (sscanf(s, "%u:%u%c", &ma, &mi, &extra) != 2 || ma >= 4096 || mi >= (1U << 20))
		return -EINVAL;
	*dev = BK_BLOCK_DEV(ma, mi);
	return 0;
}

/*
 * The sysfs directory of device dev (/sys/dev/block/MAJ:MIN resolved: its
 * last component is the name; a partition's parent is its disk).
 */
static int sysfs_dir(__u32 dev, char dir[PATH_MAX])
{
	char link[64];

	snprintf(link, sizeof(link), "/sys/dev/block/%u:%u", BK_BLOCK_MAJOR(dev),
		 BK_BLOCK_MINOR(dev));
	return realpath(link, dir) ? 0 : -errno;
}

static const char *base(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

int bk_disk_parse(const char *s, struct bk_disk *d)
{
	char dir[PATH_MAX], path[PATH_MAX + 32], buf[64];
	struct stat st;
	__u32 dev;
	int err;

	memset(d, 0, sizeof(*d));
	if (strchr(s, '/')) {
		if (stat(s, &st)) {
			err = -errno;
			bk_set_usage_error("--disk %s: %s", s, strerror(-err));
			return -ENOENT;
		}
		if (!S_ISBLK(st.st_mode)) {
			bk_set_usage_error("--disk %s: not a block device", s);
			return -ENOTBLK;
		}
		dev = BK_BLOCK_DEV(major(st.st_rdev), minor(st.st_rdev));
	} else if (isdigit((unsigned char)s[0])) {
		if (parse_majmin(s, &dev)) {
			bk_set_usage_error("--disk %s: want a disk name, a device file or MAJOR:MINOR", s);
			return -EINVAL;
		}
	} else {
		if (!*s || strlen(s) >= BK_DISK_NAME_LEN || strchr(s, '.')) {
			bk_set_usage_error("--disk '%s': want a disk name, a device file or MAJOR:MINOR", s);
			return -EINVAL;
		}
		snprintf(path, sizeof(path), "/sys/class/block/%s/dev", s);
		if (read_line(path, buf, sizeof(buf)) || parse_majmin(buf, &dev)) {
			bk_set_usage_error("--disk %s: no such disk or partition (see /proc/partitions)", s);
			return -ENOENT;
		}
	}
	if (sysfs_dir(dev, dir)) {
		bk_set_usage_error("--disk %s: no block device %u:%u on this system", s,
				   BK_BLOCK_MAJOR(dev), BK_BLOCK_MINOR(dev));
		return -ENOENT;
	}
	snprintf(d->name, sizeof(d->name), "%.*s", BK_DISK_NAME_LEN - 1, base(dir));
	snprintf(path, sizeof(path), "%s/partition", dir);
	d->partition = !access(path, F_OK);
	if (!d->partition) {
		snprintf(d->disk, sizeof(d->disk), "%s", d->name);
		d->dev = dev;
		return 0;
	}
	/* A partition: its disk is the parent directory; its sectors from start and size. */
	snprintf(path, sizeof(path), "%s/start", dir);
	err = read_u64(path, &d->start);
	snprintf(path, sizeof(path), "%s/size", dir);
	err = err ?: read_u64(path, &d->sectors);
	*strrchr(dir, '/') = 0;
	snprintf(d->disk, sizeof(d->disk), "%.*s", BK_DISK_NAME_LEN - 1, base(dir));
	snprintf(path, sizeof(path), "%s/dev", dir);
	err = err ?: read_line(path, buf, sizeof(buf));
	err = err ?: parse_majmin(buf, &d->dev);
	if (err) {
		bk_set_usage_error("--disk %s: cannot read its disk and sectors from %s", s, dir);
		return -ENOENT;
	}
	return 0;
}

void bk_disk_arg(const struct argp_state *state, const char *arg, struct bk_disk *d)
{
	if (bk_disk_parse(arg, d))
		bk_usage(state, "%s", bk_error());
}

/* Names already seen; a new disk is looked up once. */
static struct {
	__u32 dev;
	char name[BK_DISK_NAME_LEN];
} *names;
static size_t nnames, capnames;

static void name_add(__u32 dev, const char *name)
{
	for (size_t i = 0; i < nnames; i++)
		if (names[i].dev == dev) {
			snprintf(names[i].name, sizeof(names[i].name), "%s", name);
			return;
		}
	if (nnames == capnames) {
		size_t cap = capnames ? 2 * capnames : 64;
		void *n = realloc(names, cap * sizeof(*names));

		if (!n)
			return;
		names = n;
		capnames = cap;
	}
	names[nnames].dev = dev;
	snprintf(names[nnames].name, sizeof(names[nnames].name), "%s", name);
	nnames++;
}

static void read_partitions(void)
{
	FILE *f = fopen("/proc/partitions", "r");
	char line[256], name[BK_DISK_NAME_LEN];
	unsigned int ma, mi;

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%u %u %*u %31s", &ma, &mi, name) == 3)
			name_add(BK_BLOCK_DEV(ma, mi), name);
	if (f)
		fclose(f);
}

const char *bk_disk_name(__u32 dev)
{
	static char unknown[32];
	static bool read;
	char dir[PATH_MAX];

	if (!read) {
		read_partitions();
		read = true;
	}
	for (size_t i = 0; i < nnames; i++)
		if (names[i].dev == dev)
			return names[i].name;
	/* Not in /proc/partitions (hidden, empty, or new): sysfs, then the number. */
	if (!sysfs_dir(dev, dir)) {
		name_add(dev, base(dir));
		for (size_t i = 0; i < nnames; i++)
			if (names[i].dev == dev)
				return names[i].name;
	}
	snprintf(unknown, sizeof(unknown), "%u:%u", BK_BLOCK_MAJOR(dev), BK_BLOCK_MINOR(dev));
	return unknown;
}

/* Request flags by the kernel's enums: op values and REQ_ flag bit numbers. */
#define MAX_OPS 256
#define MAX_BITS 32
static char *op_names[MAX_OPS];
static char *flag_names[MAX_BITS];
static __u32 op_mask = 0xff;
/* The bits blk_fill_rwbs() looks at, by name; -1 when the kernel lacks one. */
static int bit_preflush = -1, bit_fua = -1, bit_rahead = -1, bit_sync = -1, bit_meta = -1,
	   bit_atomic = -1;
static long op_read = -1, op_write = -1, op_flush = -1, op_discard = -1, op_secure_erase = -1;

static void lower(char *s)
{
	for (; *s; s++)
		*s = tolower((unsigned char)*s);
}

static void read_enum(const struct btf *btf, const char *type, const char *prefix, char **out,
		      long max)
{
	int id = btf__find_by_name_kind(btf, type, BTF_KIND_ENUM);
	size_t plen = strlen(prefix);
	const struct btf_type *t;

	if (id < 0)
		return;
	t = btf__type_by_id(btf, id);
	for (int i = 0; i < btf_vlen(t); i++) {
		const struct btf_enum *v = btf_enum(t) + i;
		const char *name = btf__name_by_offset(btf, v->name_off);

		if (!name || strncmp(name, prefix, plen) || v->val < 0 || v->val >= max ||
		    out[v->val])
			continue;
		out[v->val] = strdup(name + plen);
	}
}

static long find_name(char **names, long n, const char *name)
{
	for (long i = 0; i < n; i++)
		if (names[i] && !strcmp(names[i], name))
			return i;
	return -1;
}

/* How many arguments a raw tracepoint passes (its btf_trace_ typedef's prototype), or -1. */
static int tp_args(const struct btf *btf, const char *tp)
{
	char name[128];
	const struct btf_type *t;
	int id;

	snprintf(name, sizeof(name), "btf_trace_%s", tp);
	id = btf__find_by_name_kind(btf, name, BTF_KIND_TYPEDEF);
	if (id < 0)
		return -1;
	t = btf__type_by_id(btf, id);
	while (t && (btf_is_typedef(t) || btf_is_ptr(t)))
		t = btf__type_by_id(btf, t->type);
	/* The first parameter is the tracepoint's own data pointer. */
	return t && btf_is_func_proto(t) ? btf_vlen(t) - 1 : -1;
}

static int read_btf(volatile struct bk_block_opts *o)
{
	struct btf *btf = bk_env.btf_path ? btf__parse(bk_env.btf_path, NULL)
					  : btf__load_vmlinux_btf();
	long v;
	int err;

	if (!btf) {
		err = -errno;
		bk_set_error("cannot read the kernel's BTF: %s", strerror(-err));
		return err;
	}
	o->rq_arg = tp_args(btf, "block_rq_issue") == 2;
	o->bio_arg = tp_args(btf, "block_bio_queue") == 2;
	if (!op_names[0] && !flag_names[MAX_BITS - 1]) {
		read_enum(btf, "req_op", "REQ_OP_", op_names, MAX_OPS);
		read_enum(btf, "req_opf", "REQ_OP_", op_names, MAX_OPS);
		read_enum(btf, "req_flag_bits", "__REQ_", flag_names, MAX_BITS);
		for (int i = 0; i < MAX_OPS; i++)
			if (op_names[i])
				lower(op_names[i]);
	}
	btf__free(btf);
	/* The op is the low bits, as many as the first flag's bit number. */
	v = find_name(flag_names, MAX_BITS, "FAILFAST_DEV");
	if (v > 0 && v < 32)
		op_mask = (1U << v) - 1;
	bit_preflush = find_name(flag_names, MAX_BITS, "PREFLUSH");
	bit_fua = find_name(flag_names, MAX_BITS, "FUA");
	bit_rahead = find_name(flag_names, MAX_BITS, "RAHEAD");
	bit_sync = find_name(flag_names, MAX_BITS, "SYNC");
	bit_meta = find_name(flag_names, MAX_BITS, "META");
	bit_atomic = find_name(flag_names, MAX_BITS, "ATOMIC");
	op_read = find_name(op_names, MAX_OPS, "read");
	op_write = find_name(op_names, MAX_OPS, "write");
	op_flush = find_name(op_names, MAX_OPS, "flush");
	op_discard = find_name(op_names, MAX_OPS, "discard");
	op_secure_erase = find_name(op_names, MAX_OPS, "secure_erase");
	return 0;
}

static bool bit(__u32 flags, int b)
{
	return b >= 0 && (flags & (1U << b));
}

char *bk_rq_rwbs(char *buf, size_t len, __u32 flags)
{
	long op = flags & op_mask;
	char s[16];
	int i = 0;

	if (bit(flags, bit_preflush))
		s[i++] = 'F';
	if (op == op_write)
		s[i++] = 'W';
	else if (op == op_discard)
		s[i++] = 'D';
	else if (op == op_secure_erase) {
		s[i++] = 'D';
		s[i++] = 'E';
	} else if (op == op_flush)
		s[i++] = 'F';
	else if (op == op_read)
		s[i++] = 'R';
	else
		s[i++] = 'N';
	if (bit(flags, bit_fua))
		s[i++] = 'F';
	if (bit(flags, bit_rahead))
		s[i++] = 'A';
	if (bit(flags, bit_sync))
		s[i++] = 'S';
	if (bit(flags, bit_meta))
		s[i++] = 'M';
	if (bit(flags, bit_atomic))
		s[i++] = 'U';
	s[i] = 0;
	snprintf(buf, len, "%s", s);
	return buf;
}

char *bk_rq_op(char *buf, size_t len, __u32 flags)
{
	__u32 op = flags & op_mask;

	if (op < MAX_OPS && op_names[op])
		snprintf(buf, len, "%s", op_names[op]);
	else
		snprintf(buf, len, "op%u", op);
	return buf;
}

char *bk_rq_flags(char *buf, size_t len, __u32 flags)
{
	size_t n = 0;

	buf[0] = 0;
	for (int b = 0; b < MAX_BITS && n < len; b++) {
		if (!(flags & ~op_mask & (1U << b)))
			continue;
		if (flag_names[b] && strcmp(flag_names[b], "NR_BITS"))
			n += snprintf(buf + n, len - n, "%s%s", n ? "|" : "", flag_names[b]);
		else
			n += snprintf(buf + n, len - n, "%s0x%x", n ? "|" : "", 1U << b);
	}
	return buf;
}

void bk_block_lost_check(void *ctx, bool final)
{
	struct bk_block_lost *l = ctx;
	__u64 now = *l->count;

	if (final && now)
		bk_warn("%llu requests were not counted in all: %s was full",
			(unsigned long long)now, l->table);
	else if (!final && now > l->seen)
		bk_warn("%llu requests were not counted: %s was full (%llu in all)",
			(unsigned long long)(now - l->seen), l->table, (unsigned long long)now);
	l->seen = now;
}

void bk_block_lost_watch(struct bk_loop *loop, struct bk_block_lost *lost,
			 volatile __u64 *lost_starts, volatile __u64 *lost_keys, const char *table)
{
	loop->lost_starts = lost_starts;
	loop->lost_what = "requests were not followed";
	lost->count = lost_keys;
	lost->table = table;
	loop->on_check = bk_block_lost_check;
	loop->check_ctx = lost;
}

bool bk_block_task_filter(void)
{
	return bk_env.pid || bk_env.tid || bk_env.uid_set || bk_env.comm[0] || bk_env.cgroup;
}

void bk_block_disk_fill(const struct bk_disk *disk, volatile struct bk_block_opts *o)
{
	if (!disk || !disk->dev)
		return;
	o->dev = disk->dev;
	if (disk->partition) {
		o->sector_lo = disk->start;
		o->sector_hi = disk->start + disk->sectors;
	}
}

int bk_block_choose(struct bk_block_progs *p, bool issuer, const struct bk_disk *disk,
		    const char *force, volatile struct bk_block_opts *o)
{
	bool track = issuer || bk_block_task_filter();
	/* tp_btf, else raw_tp; with the issuer from block_io_start, else block_bio_queue. */
	struct bk_variant v[4] = {
		{ "tp_btf", { p->issue[0], p->complete[0], p->io_start[0] }, { p->merge[0] } },
		{ "tp_btf_bio", { p->issue[0], p->complete[0], p->bio_queue[0] }, { p->merge[0] } },
		{ "raw_tp", { p->issue[1], p->complete[1], p->io_start[1] }, { p->merge[1] } },
		{ "raw_tp_bio", { p->issue[1], p->complete[1], p->bio_queue[1] }, { p->merge[1] } },
	};
	struct bpf_program **all = (struct bpf_program **)p;
	int n = 4, chosen, err;

	/* bk_choose() turns on what the chosen path uses; nothing else loads. */
	for (size_t i = 0; i < sizeof(*p) / sizeof(*all); i++)
		if (all[i])
			bpf_program__set_autoload(all[i], false);
	if (!track) {
		v[0].progs[2] = NULL;
		v[1] = v[2];
		v[1].progs[2] = NULL;
		n = 2;
	}
	chosen = bk_choose(v, n, force);
	if (chosen < 0)
		return chosen;
	err = read_btf(o);
	if (err)
		return err;
	o->issuer = !track ? BK_ISSUER_NONE
			   : strstr(v[chosen].name, "_bio") ? BK_ISSUER_BIO_QUEUE : BK_ISSUER_IO_START;
	o->task_filter = bk_block_task_filter();
	o->op_mask = op_mask;
	bk_block_disk_fill(disk, o);
	if (track)
		bk_info(1, "issuers from %s", o->issuer == BK_ISSUER_IO_START
						    ? "block_io_start"
						    : "block_bio_queue (the request's first bio)");
	return 0;
}
