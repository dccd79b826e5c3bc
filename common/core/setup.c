// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include "core/attach.h"
#include "core/links.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/opts.h"
#include "core/setup.h"
#include "kernel/features.h"

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

/* This process's effective capabilities, as a mask of 1 << CAP_*. */
static __u64 effective_caps(void)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2] = {};

	if (syscall(SYS_capget, &hdr, data))
		return geteuid() == 0 ? ~0ULL : 0;
	return data[0].effective | (__u64)data[1].effective << 32;
}

static bool has_cap(int cap)
{
	return effective_caps() & (1ULL << cap);
}

/*
 * What the tools need, found by running them with fewer capabilities
 * (README, Requirements): CAP_BPF and CAP_PERFMON always (or CAP_SYS_ADMIN,
 * which covers both); a user other than root also CAP_DAC_READ_SEARCH to read
 * tracefs (mode 0700) for tracepoints, said by bk_tracefs(); uprobes
 * CAP_SYS_ADMIN, said by bk_exit() when a kernel refusal comes without it.
 */
static bool has_caps(void)
{
	return has_cap(CAP_SYS_ADMIN) || (has_cap(CAP_BPF) && has_cap(CAP_PERFMON));
}

/* A kernel BTF file: one BTF (raw or in an ELF file) with the kernel's task_struct. */
static int check_btf(const char *path)
{
	libbpf_print_fn_t print;
	struct btf *btf;
	int err;

	if (faccessat(AT_FDCWD, path, R_OK, AT_EACCESS)) {
		err = -errno;
		bk_set_error("cannot read the BTF file '%s': %s", path, strerror(-err));
		return err;
	}
	/* libbpf's own words about a file that is not BTF would come first: quiet. */
	print = libbpf_set_print(NULL);
	btf = btf__parse(path, NULL);
	err = btf ? 0 : -errno;
	libbpf_set_print(print);
	if (!btf) {
		/* A system error (EIO) is worth its words; libbpf's format errors are not. */
		bool sys = err > -4000 && err != -EINVAL && err != -ENOENT && err != -EPROTO;

		bk_set_error("'%s' is not a BTF file (raw, or an ELF file with a .BTF section)%s%s",
			     path, sys ? ": " : "", sys ? strerror(-err) : "");
		return -EINVAL;
	}
	err = btf__find_by_name_kind(btf, "task_struct", BTF_KIND_STRUCT) > 0 ? 0 : -EINVAL;
	if (err)
		bk_set_error("'%s' is BTF but not a kernel's: it has no struct task_struct", path);
	btf__free(btf);
	return err;
}

int bk_init(const char *prog)
{
	int err;

	bk_log_init(prog);
	bk_signals_early();
	if (!has_caps()) {
		bk_set_error("needs root, or the CAP_BPF and CAP_PERFMON capabilities (and more for "
			     "some tools: see Requirements in the README)");
		return -EPERM;
	}
	if (bk_env.btf_path) {
		err = check_btf(bk_env.btf_path);
		if (err)
			return err;
	} else if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		return bk_set_unsupported("BTF (/sys/kernel/btf/vmlinux): use a kernel built with "
					  "CONFIG_DEBUG_INFO_BTF=y, or give a BTF file with --btf PATH");
	}
	if (bk_env.pid) {
		err = bk_target(bk_env.pid);
		if (err)
			return err;
	}
	bk_log_hold(true);
	return 0;
}

const struct bpf_object_open_opts *bk_open_opts(void)
{
	static struct bpf_object_open_opts opts;

	memset(&opts, 0, sizeof(opts));
	opts.sz = sizeof(opts);
	opts.btf_custom_path = bk_env.btf_path;
	return &opts;
}

void bk_filter_fill(volatile struct bk_filter *f)
{
	f->tgid = bk_env.pid;
	f->tid = bk_env.tid;
	f->uid = bk_env.uid;
	f->uid_set = bk_env.uid_set;
	f->failed_only = bk_env.failed_only;
	f->cgroup_set = bk_env.cgroup != NULL;
	for (int i = 0; i < BK_COMM_LEN; i++)
		f->comm[i] = bk_env.comm[i];
}

int bk_events_size(struct bpf_map *events, volatile struct bk_wakeup *w, size_t bytes)
{
	size_t sz = (size_t)sysconf(_SC_PAGESIZE);

	while (sz < bytes)
		sz <<= 1;
	w->bytes = sz / 4;
	return bpf_map__set_max_entries(events, sz);
}

/* The verifier's last lines from libbpf's held messages, indented. */
static void verifier_tail(char *out, size_t len, int lines)
{
	const char *log = bk_log_held(), *begin, *end, *p;
	int n = 0;

	out[0] = 0;
	begin = strstr(log, "-- BEGIN PROG LOAD LOG --");
	if (!begin)
		return;
	end = strstr(begin, "-- END PROG LOAD LOG --");
	if (!end)
		end = begin + strlen(begin);
	/* Walk back `lines` lines from the end, skipping the blank last one. */
	p = end;
	while (p > begin && (p[-1] == '\n'))
		p--;
	while (p > begin && n < lines) {
		p--;
		if (*p == '\n')
			n++;
	}
	if (*p == '\n')
		p++;
	for (size_t o = 0; p < end && o + 8 < len;) {
		if (o == 0 || p[-1] == '\n')
			o += snprintf(out + o, len - o, "    ");
		if (*p != '\n' || p + 1 < end)
			out[o++] = *p;
		out[o] = 0;
		p++;
	}
}

int bk_load(struct bpf_object_skeleton *s)
{
	struct utsname u;
	char tail[1200], prog[128] = "", missing[128];
	const char *held, *q;
	int err;

	err = bpf_object__load_skeleton(s);
	if (!err)
		return 0;
	uname(&u);
	held = bk_log_held();
	q = strstr(held, "prog '");
	if (q)
		sscanf(q, "prog '%127[^']'", prog);
	verifier_tail(tail, sizeof(tail), 6);
	/* A kernel older than what the object uses: say what it lacks. */
	if (err != -EPERM && bk_missing_feature(*s->obj, missing, sizeof(missing)))
		bk_set_error("this kernel (%s) lacks %s, which this tool needs", u.release, missing);
	else if (tail[0])
		bk_set_error("the kernel (%s) rejected BPF program '%s'; the verifier's last words:\n%s",
			     u.release, prog, tail);
	else if (err == -EPERM)
		bk_set_error("the kernel refused to load BPF programs (%s): are BPF programs "
			     "restricted here (lockdown, a seccomp or LSM policy)?", strerror(-err));
	else if (strstr(held, "failed to find valid kernel BTF") || strstr(held, "vmlinux BTF"))
		bk_set_error("cannot use this kernel's BTF: give a BTF file with --btf PATH");
	else
		bk_set_error("cannot load BPF programs%s%s into kernel %s: %s", prog[0] ? " like " : "",
			     prog, u.release, strerror(-err));
	return err;
}

static int set_cgroup(struct bpf_object *obj)
{
	struct bpf_map *m = bpf_object__find_map_by_name(obj, "bk_cgroups");
	__u32 key = 0;
	int fd, err;

	if (!bk_env.cgroup || !m)
		return 0;
	fd = open(bk_env.cgroup, O_RDONLY | O_DIRECTORY);
	if (fd < 0) {
		err = -errno;
		bk_set_error("cannot open cgroup '%s': %s", bk_env.cgroup, strerror(errno));
		return err;
	}
	err = bpf_map_update_elem(bpf_map__fd(m), &key, &fd, BPF_ANY);
	if (err) {
		err = -errno;
		bk_set_error("'%s' is not a cgroup v2 directory: %s", bk_env.cgroup, strerror(errno));
	}
	close(fd);
	return err;
}

int bk_attach(struct bpf_object_skeleton *s)
{
	char kind[32] = "";
	int err = set_cgroup(*s->obj), n = 0;

	if (err)
		return err;
	for (int i = 0; i < s->prog_cnt; i++) {
		struct bpf_program *prog = *s->progs[i].prog;
		struct bpf_link **link = s->progs[i].link;
		const char *sec = bpf_program__section_name(prog);

		if (!bpf_program__autoload(prog) || !strchr(sec, '/') || *link)
			continue;
		*link = bpf_program__attach(prog);
		if (!*link) {
			err = -errno;
			bk_set_error("cannot attach %s to %s: %s", bpf_program__name(prog), sec,
				     strerror(-err));
			return err;
		}
		if (!n++)
			snprintf(kind, sizeof(kind), "%.*s", (int)strcspn(sec, "/"), sec);
	}
	bk_log_hold(false);
	/* Tests wait for this line; it also says which path a tool took. */
	bk_info(1, "attached via %s (%zu links)", bk_attach_path ? bk_attach_path : kind,
		n + bk_links_held);
	return 0;
}

int bk_opened(const void *skel)
{
	int err = errno ? -errno : -ENOMEM;

	if (skel)
		return 0;
	bk_set_error("cannot open the BPF object: %s", strerror(-err));
	return err;
}

int bk_start(struct bpf_object_skeleton *s)
{
	int err = bk_load(s);

	return err ? err : bk_attach(s);
}

int bk_exit(int err)
{
	bool usage;

	/* Output the tool printed after the loop (a -c table) must be written too. */
	if (!err)
		err = bk_output_status() < 0 ? -EIO : 0;
	else
		fflush(stdout);
	if (!err)
		return 0;
	/* Only what the user typed is a usage error; an -EINVAL from the kernel is not. */
	usage = bk_error_is_usage();
	if ((err == -EPERM || err == -EACCES) && has_caps() && !has_cap(CAP_SYS_ADMIN) && !usage) {
		char why[1024];

		/* Refused without CAP_SYS_ADMIN: uprobes need it (CAP_PERFMON is not enough). */
		snprintf(why, sizeof(why), "%s", bk_error()[0] ? bk_error() : strerror(-err));
		bk_set_error("%s (uprobes need CAP_SYS_ADMIN, which this process does not have)", why);
	}
	if (err < 0)
		bk_report(bk_prog, err);
	return usage ? BK_EXIT_USAGE : 1;
}

int bk_tracefs(void)
{
	struct stat st;
	int err;

	if (!stat("/sys/kernel/tracing/events", &st))
		return 0;
	err = errno;
	if (!stat("/sys/kernel/debug/tracing/events", &st))
		return 0;
	if (err != ENOENT) {
		/* There, but closed to us: tracefs is root's, mode 0700. */
		bk_set_error("cannot read tracefs (/sys/kernel/tracing): %s; a user other than "
			     "root needs CAP_DAC_READ_SEARCH for the tracepoints", strerror(err));
		return -err;
	}
	if (!mount("nodev", "/sys/kernel/tracing", "tracefs", 0, NULL)) {
		bk_info(0, "mounted tracefs on /sys/kernel/tracing (it was not mounted)");
		return 0;
	}
	bk_set_error("tracefs is not mounted and could not be (%s): run "
		     "'mount -t tracefs nodev /sys/kernel/tracing'", strerror(errno));
	return -ENOENT;
}
