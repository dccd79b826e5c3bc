// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include "core/attach.h"
#include "core/log.h"
#include "core/opts.h"
#include "core/setup.h"

const char *bk_attach_path;
static struct btf *vmlinux_btf;
static int btf_err;

static struct btf *kernel_btf(void)
{
	if (!vmlinux_btf && !btf_err) {
		vmlinux_btf = bk_env.btf_path ? btf__parse(bk_env.btf_path, NULL)
					      : btf__load_vmlinux_btf();
		if (!vmlinux_btf)
			btf_err = -errno;
	}
	return vmlinux_btf;
}

static bool btf_has(const char *name, __u32 kind, __s32 *id)
{
	struct btf *btf = kernel_btf();
	__s32 r;

	if (!btf)
		return false;
	r = btf__find_by_name_kind(btf, name, kind);
	if (id)
		*id = r;
	return r > 0;
}

/*
 * fentry needs a BPF trampoline: some kernels have BTF but cannot make one at
 * all, which only an attach shows (a trampoline costs a code patch and an RCU
 * grace period: it is tried once per run, on the first function that loads).
 * And the verifier refuses some functions that are in BTF (its deny list,
 * functions without an address): that a load shows, so each function gets a
 * test load of its own, remembered by BTF id.
 */
#define FENTRY_CACHE 64

static int fentry_works(__s32 btf_id)
{
	static struct {
		__s32 id;
		int loads;
	} cache[FENTRY_CACHE];
	static int ncache, trampolines = -1;
	struct bpf_insn insns[2] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = BPF_TRACE_FENTRY,
		    .attach_btf_id = btf_id);
	int fd = -1, link, loads = -1;

	for (int i = 0; i < ncache && loads < 0; i++)
		if (cache[i].id == btf_id)
			loads = cache[i].loads;
	if (loads < 0) {
		fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "bk_probe", "GPL", insns, 2, &opts);
		loads = fd >= 0;
		if (ncache < FENTRY_CACHE)
			cache[ncache++] = (typeof(cache[0])){ btf_id, loads };
	}
	if (loads && trampolines < 0) {
		if (fd < 0)
			fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "bk_probe", "GPL", insns, 2, &opts);
		link = fd < 0 ? -1 : bpf_raw_tracepoint_open(NULL, fd);
		trampolines = link >= 0;
		if (link >= 0)
			close(link);
	}
	if (fd >= 0)
		close(fd);
	return loads && trampolines;
}

static bool kallsyms_has(const char *func)
{
	char line[512], name[256];
	bool found = false;
	FILE *f = fopen("/proc/kallsyms", "r");

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%*s %*s %255s", name) == 1 && !strcmp(name, func))
			found = true;
	}
	fclose(f);
	return found;
}

/*
 * Whether path exists, with this process's effective credentials: access()
 * checks the real ones and drops the capabilities of a non-root user, so a
 * tool run with CAP_DAC_READ_SEARCH would not see inside tracefs.
 */
static bool exists(const char *path)
{
	return !faccessat(AT_FDCWD, path, F_OK, AT_EACCESS);
}

bool bk_kprobes_available(void)
{
	return exists("/sys/bus/event_source/devices/kprobe/type") ||
	       exists("/sys/kernel/tracing/kprobe_events");
}

static bool prefix(const char *s, const char *p)
{
	return !strncmp(s, p, strlen(p));
}

int bk_hook_available(const char *sec, char *why, size_t whylen)
{
	const char *arg = strchr(sec, '/');
	char path[512], name[256];
	__s32 id;

	if (!arg)
		return 1;
	arg++;
	if (prefix(sec, "tracepoint/") || prefix(sec, "tp/")) {
		if (bk_tracefs()) {
			snprintf(why, whylen, "%s", bk_error());
			return 0;
		}
		snprintf(path, sizeof(path), "/sys/kernel/tracing/events/%s", arg);
		if (!exists(path)) {
			snprintf(path, sizeof(path), "/sys/kernel/debug/tracing/events/%s", arg);
			if (!exists(path)) {
				snprintf(why, whylen, "no tracepoint %s", arg);
				return 0;
			}
		}
		return 1;
	}
	if (prefix(sec, "tp_btf/") || prefix(sec, "raw_tp/") || prefix(sec, "raw_tracepoint/")) {
		snprintf(name, sizeof(name), "btf_trace_%s", arg);
		if (!btf_has(name, BTF_KIND_TYPEDEF, NULL)) {
			snprintf(why, whylen, "no raw tracepoint %s", arg);
			return 0;
		}
		return 1;
	}
	if (prefix(sec, "fentry/") || prefix(sec, "fexit/")) {
		if (!btf_has(arg, BTF_KIND_FUNC, &id)) {
			snprintf(why, whylen, "no kernel function %s in BTF", arg);
			return 0;
		}
		if (!fentry_works(id)) {
			snprintf(why, whylen, "fentry programs do not load on %s on this kernel", arg);
			return 0;
		}
		return 1;
	}
	if (prefix(sec, "kprobe/") || prefix(sec, "kretprobe/")) {
		if (!bk_kprobes_available()) {
			snprintf(why, whylen, "this kernel has no kprobes");
			return 0;
		}
		if (!kallsyms_has(arg)) {
			snprintf(why, whylen, "no kernel function %s to kprobe", arg);
			return 0;
		}
		return 1;
	}
	return 1;
}

static int variant_ok(struct bk_variant *v, char *why, size_t whylen)
{
	for (int i = 0; i < BK_VARIANT_PROGS && v->progs[i]; i++)
		if (!bk_hook_available(bpf_program__section_name(v->progs[i]), why, whylen))
			return 0;
	return 1;
}

static void disable(struct bpf_program **progs)
{
	for (int i = 0; i < BK_VARIANT_PROGS && progs[i]; i++)
		bpf_program__set_autoload(progs[i], false);
}

int bk_choose(struct bk_variant *v, int n, const char *force)
{
	char why[256], all[1024] = "", names[256] = "";
	int chosen = -1, i, len = 0;

	for (i = 0; i < n; i++)
		snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s",
			 i ? ", " : "", v[i].name);
	for (i = 0; i < n && chosen < 0; i++) {
		if (force && strcmp(force, v[i].name))
			continue;
		why[0] = 0;
		if (variant_ok(&v[i], why, sizeof(why))) {
			chosen = i;
			break;
		}
		bk_info(1, "%s path not available: %s", v[i].name, why);
		len += snprintf(all + len, sizeof(all) - len, "%s%s", len ? "; " : "", why);
		if (len >= (int)sizeof(all))
			len = sizeof(all) - 1;
	}
	if (chosen < 0) {
		if (force && !len)
			bk_set_usage_error("unknown path '%s': this tool has %s", force, names);
		else if (force)
			bk_set_error("the %s path is not available on this kernel: %s", force, all);
		else
			bk_set_unsupported("hook this tool can use: %s", all);
		btf__free(vmlinux_btf);
		vmlinux_btf = NULL;
		return force && !len ? -EINVAL : -ENOENT;
	}
	for (i = 0; i < n; i++) {
		if (i == chosen)
			continue;
		disable(v[i].progs);
		disable(v[i].optional);
	}
	/* Programs shared with the chosen variant stay on. */
	for (i = 0; i < BK_VARIANT_PROGS && v[chosen].progs[i]; i++)
		bpf_program__set_autoload(v[chosen].progs[i], true);
	for (i = 0; i < BK_VARIANT_PROGS && v[chosen].optional[i]; i++) {
		struct bpf_program *p = v[chosen].optional[i];
		int ok = bk_hook_available(bpf_program__section_name(p), why, sizeof(why));

		bpf_program__set_autoload(p, ok);
		if (!ok)
			bk_info(1, "skipping %s: %s", bpf_program__name(p), why);
	}
	btf__free(vmlinux_btf);
	vmlinux_btf = NULL;
	bk_attach_path = v[chosen].name;
	return chosen;
}
