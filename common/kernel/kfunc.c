// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#include <stdio.h>
#include <bpf/btf.h>
#include "core/attach.h"
#include "core/opts.h"
#include "kernel/kfunc.h"

bool bk_kfunc_in_btf(const char *func, const char *module)
{
	struct btf *vm, *mod;
	char path[128];
	bool found;

	vm = bk_env.btf_path ? btf__parse(bk_env.btf_path, NULL) : btf__load_vmlinux_btf();
	if (!vm)
		return false;
	found = btf__find_by_name_kind(vm, func, BTF_KIND_FUNC) > 0;
	if (!found && module) {
		snprintf(path, sizeof(path), "/sys/kernel/btf/%s", module);
		mod = btf__parse_split(path, vm);
		if (mod) {
			found = btf__find_by_name_kind(mod, func, BTF_KIND_FUNC) > 0;
			btf__free(mod);
		}
	}
	btf__free(vm);
	return found;
}

int bk_kfunc_fentry_ok(const char *func, const char *module, char *why, size_t len)
{
	char sec[160];

	if (!bk_kfunc_in_btf(func, module)) {
		snprintf(why, len, "no kernel function %s in BTF%s%s%s", func, module ? " (is " : "",
			 module ? module : "", module ? " loaded?)" : "");
		return 0;
	}
	snprintf(sec, sizeof(sec), "fentry/%s", func);
	if (bk_hook_available(sec, why, len) == 1)
		return 1;
	/* A module's function: the trampoline test runs on a kernel function. */
	return bk_hook_available("fentry/vfs_read", why, len) == 1;
}
