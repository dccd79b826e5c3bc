// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include "core/log.h"
#include "core/opts.h"
#include "kernel/btfenum.h"

int bk_enum_names_load(struct bk_enum_names *e, const char *type, const char *prefix,
		       long max_value)
{
	struct btf *btf = bk_env.btf_path ? btf__parse(bk_env.btf_path, NULL)
					  : btf__load_vmlinux_btf();
	const struct btf_type *t;
	size_t plen = strlen(prefix);
	int err = 0, id;

	memset(e, 0, sizeof(*e));
	if (!btf) {
		err = -errno;
		bk_set_error("cannot read the kernel's BTF: %s", strerror(-err));
		return err;
	}
	id = btf__find_by_name_kind(btf, type, BTF_KIND_ENUM);
	if (id < 0) {
		err = -ENOENT;
		goto out;
	}
	t = btf__type_by_id(btf, id);
	for (int i = 0; i < btf_vlen(t); i++) {
		const struct btf_enum *v = btf_enum(t) + i;

		if (v->val >= 0 && v->val <= max_value && (size_t)v->val + 1 > e->n)
			e->n = v->val + 1;
	}
	e->name = calloc(e->n ? e->n : 1, sizeof(*e->name));
	if (!e->name) {
		err = -ENOMEM;
		goto out;
	}
	for (int i = 0; i < btf_vlen(t); i++) {
		const struct btf_enum *v = btf_enum(t) + i;
		const char *name = btf__name_by_offset(btf, v->name_off);

		if (v->val < 0 || v->val > max_value || !name || e->name[v->val])
			continue;
		if (!strncmp(name, prefix, plen))
			name += plen;
		e->name[v->val] = strdup(name);
		if (!e->name[v->val]) {
			err = -ENOMEM;
			goto out;
		}
	}
out:
	btf__free(btf);
	if (err && err != -ENOENT)
		bk_set_error("cannot read enum %s from the kernel's BTF: %s", type, strerror(-err));
	if (err)
		bk_enum_names_free(e);
	return err;
}

const char *bk_enum_name(const struct bk_enum_names *e, long v)
{
	return v >= 0 && (size_t)v < e->n ? e->name[v] : NULL;
}

long bk_enum_value(const struct bk_enum_names *e, const char *name, const char *prefix)
{
	size_t plen = strlen(prefix);

	if (!strncmp(name, prefix, plen))
		name += plen;
	for (size_t i = 0; i < e->n; i++)
		if (e->name[i] && !strcmp(e->name[i], name))
			return (long)i;
	return -ENOENT;
}

int bk_enum_consts(const char *const *names, long *values, int n)
{
	struct btf *btf = bk_env.btf_path ? btf__parse(bk_env.btf_path, NULL)
					  : btf__load_vmlinux_btf();
	int found = 0;

	if (!btf) {
		int err = -errno;

		bk_set_error("cannot read the kernel's BTF: %s", strerror(-err));
		return err;
	}
	for (__u32 id = 1; id < btf__type_cnt(btf) && found < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);

		if (!btf_is_enum(t))
			continue;
		for (int i = 0; i < btf_vlen(t); i++) {
			const char *name = btf__name_by_offset(btf, btf_enum(t)[i].name_off);

			for (int k = 0; name && k < n; k++) {
				if (!strcmp(name, names[k])) {
					values[k] = btf_enum(t)[i].val;
					found++;
				}
			}
		}
	}
	btf__free(btf);
	return found;
}

void bk_enum_names_free(struct bk_enum_names *e)
{
	for (size_t i = 0; e->name && i < e->n; i++)
		free(e->name[i]);
	free(e->name);
	memset(e, 0, sizeof(*e));
}
