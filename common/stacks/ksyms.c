// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* Kernel symbols from kallsyms, see ksyms.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "stacks/ksyms.h"

struct ent {
	__u64 addr;
	__u32 name;	/* offset in the blob */
	__u32 mod;	/* offset in the blob of the module name, 0 for "" */
};

struct bk_ksyms {
	struct ent *ents;
	size_t n, cap;
	char *blob;
	size_t blob_len, blob_cap;
	bool restricted;
	/* the module name last added, to share its copy in the blob */
	__u32 last_mod;
};

static int blob_add(struct bk_ksyms *ks, const char *s, size_t len, __u32 *off)
{
	if (ks->blob_len + len + 1 > ks->blob_cap) {
		size_t cap = ks->blob_cap ? ks->blob_cap * 2 : 1 << 20;
		char *p;

		while (cap < ks->blob_len + len + 1)
			cap *= 2;
		p = realloc(ks->blob, cap);
		if (!p)
			return -ENOMEM;
		ks->blob = p;
		ks->blob_cap = cap;
	}
	memcpy(ks->blob + ks->blob_len, s, len);
	ks->blob[ks->blob_len + len] = 0;
	*off = (__u32)ks->blob_len;
	ks->blob_len += len + 1;
	return 0;
}

static int cmp_ent(const void *a, const void *b)
{
	const struct ent *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	/* Stable for aliases: the first in the file wins (kept by name offset). */
	return x->name < y->name ? -1 : x->name > y->name;
}

/* One line: "ffffffff81000000 T _stext" or "... t ext4_foo\t[ext4]". */
static int add_line(struct bk_ksyms *ks, char *line, bool *any_nonzero)
{
	char *end, *type, *name, *mod;
	unsigned long long addr;
	size_t nlen, mlen;
	struct ent *e;
	int err;

	addr = strtoull(line, &end, 16);
	if (end == line || *end != ' ')
		return 0;
	type = end + 1;
	if (!type[0] || type[1] != ' ')
		return 0;
	if (addr)
		*any_nonzero = true;
	if (*type != 't' && *type != 'T' && *type != 'w' && *type != 'W')
		return 0;
	name = type + 2;
	nlen = strcspn(name, " \t\n");
	if (!nlen)
		return 0;
	mod = name + nlen;
	mod += strspn(mod, " \t");
	mlen = 0;
	if (*mod == '[') {
		mod++;
		mlen = strcspn(mod, "]\n");
	}
	if (!addr)
		return 0;
	if (ks->n == ks->cap) {
		size_t cap = ks->cap ? ks->cap * 2 : 65536;
		void *p = realloc(ks->ents, cap * sizeof(*ks->ents));

		if (!p)
			return -ENOMEM;
		ks->ents = p;
		ks->cap = cap;
	}
	e = &ks->ents[ks->n];
	e->addr = addr;
	e->mod = 0;
	if (mlen) {
		if (ks->last_mod && !strncmp(ks->blob + ks->last_mod, mod, mlen) &&
		    !ks->blob[ks->last_mod + mlen]) {
			e->mod = ks->last_mod;
		} else {
			err = blob_add(ks, mod, mlen, &e->mod);
			if (err)
				return err;
			ks->last_mod = e->mod;
		}
	}
	err = blob_add(ks, name, nlen, &e->name);
	if (err)
		return err;
	ks->n++;
	return 0;
}

int bk_ksyms_load(const char *path, struct bk_ksyms **out)
{
	struct bk_ksyms *ks;
	bool any_nonzero = false;
	char line[1024];
	__u32 empty;
	int err = 0;
	FILE *f;

	*out = NULL;
	f = fopen(path ? path : "/proc/kallsyms", "re");
	if (!f)
		return -errno;
	ks = calloc(1, sizeof(*ks));
	if (!ks) {
		fclose(f);
		return -ENOMEM;
	}
	/* Offset 0 of the blob is the empty string: "no module". */
	err = blob_add(ks, "", 0, &empty);
	while (!err && fgets(line, sizeof(line), f))
		err = add_line(ks, line, &any_nonzero);
	fclose(f);
	if (err) {
		bk_ksyms_free(ks);
		return err;
	}
	ks->restricted = !any_nonzero;
	if (ks->n)
		qsort(ks->ents, ks->n, sizeof(*ks->ents), cmp_ent);
	*out = ks;
	return 0;
}

void bk_ksyms_free(struct bk_ksyms *ks)
{
	if (!ks)
		return;
	free(ks->ents);
	free(ks->blob);
	free(ks);
}

size_t bk_ksyms_count(const struct bk_ksyms *ks)
{
	return ks->n;
}

bool bk_ksyms_restricted(const struct bk_ksyms *ks)
{
	return ks->restricted;
}

const char *bk_ksyms_restricted_why(void)
{
	return "kernel addresses in /proc/kallsyms read as zero (kernel.kptr_restrict is set, "
	       "or this process lacks CAP_SYSLOG): kernel frames are shown as addresses";
}

int bk_ksyms_find(const struct bk_ksyms *ks, __u64 addr, struct bk_ksym *sym)
{
	size_t lo = 0, hi = ks->n, mid;
	const struct ent *e;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (ks->ents[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return -ENOENT;
	e = &ks->ents[lo - 1];
	/* Of aliases at one address, the first of the file. */
	while (e > ks->ents && e[-1].addr == e->addr)
		e--;
	sym->name = ks->blob + e->name;
	sym->module = ks->blob + e->mod;
	sym->addr = e->addr;
	sym->offset = addr - e->addr;
	return 0;
}

__u64 bk_ksyms_addr(const struct bk_ksyms *ks, const char *name)
{
	for (size_t i = 0; i < ks->n; i++)
		if (!strcmp(ks->blob + ks->ents[i].name, name))
			return ks->ents[i].addr;
	return 0;
}
