// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#include <dwarf.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "go/godwarf.h"

/* Go's own attribute: the reflect.Kind of a type. */
#define DW_AT_go_kind 0x2900

/* A unit's name is its Go package ("runtime", "net/http"). */
static int unit_is(Dwarf_Die *cu, const char *pkg, size_t pkglen)
{
	const char *name = dwarf_diename(cu);

	return name && strlen(name) == pkglen && !memcmp(name, pkg, pkglen);
}

/* The package of "net/http.(*conn).serve" or "runtime.g": up to the first '.' after the last '/'. */
static size_t pkg_len(const char *name)
{
	const char *slash = strrchr(name, '/'), *dot = strchr(slash ? slash : name, '.');

	return dot ? (size_t)(dot - name) : strlen(name);
}

static int member_location(Dwarf_Die *m, int64_t *off)
{
	Dwarf_Attribute a;
	Dwarf_Word w;
	Dwarf_Op *ops;
	size_t nops;

	if (!dwarf_attr_integrate(m, DW_AT_data_member_location, &a))
		return -EINVAL;
	if (!dwarf_formudata(&a, &w))
		goto ok;
	/* Old-style location: DW_OP_plus_uconst N. */
	if (dwarf_getlocation(&a, &ops, &nops) || nops != 1 || ops[0].atom != DW_OP_plus_uconst)
		return -EINVAL;
	w = ops[0].number;
ok:
	if (w > INT32_MAX)
		return -EINVAL;
	*off = (int64_t)w;
	return 0;
}

/* Searches the struct among the children of one unit. */
static int member_in_unit(Dwarf_Die *cu, const char *type, const char *member, int64_t *off)
{
	Dwarf_Die d, m;
	int r;

	if (dwarf_child(cu, &d))
		return -ENOENT;
	do {
		const char *name;

		if (dwarf_tag(&d) != DW_TAG_structure_type || !(name = dwarf_diename(&d)) ||
		    strcmp(name, type))
			continue;
		if (dwarf_child(&d, &m))
			return -ENOENT;
		do {
			name = dwarf_diename(&m);
			if (dwarf_tag(&m) == DW_TAG_member && name && !strcmp(name, member))
				return member_location(&m, off);
		} while ((r = dwarf_siblingof(&m, &m)) == 0);
		return r < 0 ? -EINVAL : -ENOENT;
	} while ((r = dwarf_siblingof(&d, &d)) == 0);
	return r < 0 ? -EINVAL : -ENOENT;
}

int godwarf_member_offset(Dwarf *dw, const char *type, const char *member, int64_t *off)
{
	size_t plen;
	int pass, err;

	if (!dw || !type || !member || !off)
		return -EINVAL;
	plen = pkg_len(type);
	/* The unit of the type's package first, then every unit. */
	for (pass = 0; pass < 2; pass++) {
		Dwarf_CU *cu = NULL;
		Dwarf_Die cudie;
		uint8_t ut;

		while (!dwarf_get_units(dw, cu, &cu, NULL, &ut, &cudie, NULL)) {
			if (ut != DW_UT_compile && ut != DW_UT_partial)
				continue;
			if (!pass && !unit_is(&cudie, type, plen))
				continue;
			err = member_in_unit(&cudie, type, member, off);
			if (err != -ENOENT)
				return err;
		}
	}
	return -ENOENT;
}

/* Name and kind of the type DIE d, following typedefs that have no kind. */
static int type_of(Dwarf_Die *d, struct godwarf_param *p)
{
	for (int hop = 0; hop < 8; hop++) {
		Dwarf_Attribute a;
		Dwarf_Word kind;
		const char *name = dwarf_diename(d);

		if (name && !p->type[0])
			snprintf(p->type, sizeof(p->type), "%s", name);
		if (dwarf_attr(d, DW_AT_go_kind, &a) && !dwarf_formudata(&a, &kind) && kind) {
			p->kind = (int)kind;
			return 0;
		}
		/* Some pointer types the linker makes say kind 0 (*bool in Go 1.19):
		 * a pointer all the same, not its pointee. */
		if (dwarf_tag(d) == DW_TAG_pointer_type) {
			p->kind = 22;
			return 0;
		}
		if (!dwarf_attr(d, DW_AT_type, &a))
			return 0;
		if (!dwarf_formref_die(&a, d))
			return -EINVAL;
	}
	return 0;
}

/* A pointer's pointee kind: p->elem_kind from the pointer type DIE t. */
static void elem_of(Dwarf_Die *t, struct godwarf_param *p)
{
	struct godwarf_param e = { .kind = 0 };
	Dwarf_Attribute a;
	Dwarf_Die d;

	if (p->kind == 22 && dwarf_attr(t, DW_AT_type, &a) && dwarf_formref_die(&a, &d) &&
	    !type_of(&d, &e))
		p->elem_kind = e.kind;
}

/* Struct and array types are expanded this many levels deep, no more. */
#define GODWARF_DEPTH 4

static int64_t type_size(Dwarf_Die *t)
{
	Dwarf_Attribute a;
	Dwarf_Word w;

	if (!dwarf_attr_integrate(t, DW_AT_byte_size, &a) || dwarf_formudata(&a, &w) ||
	    w > INT32_MAX)
		return -1;
	return (int64_t)w;
}

/* An array type's length: its subrange's DW_AT_count (or upper bound + 1). */
static int64_t array_count(Dwarf_Die *t)
{
	Dwarf_Attribute a;
	Dwarf_Word w;
	Dwarf_Die r;

	if (dwarf_child(t, &r))
		return -1;
	do {
		if (dwarf_tag(&r) != DW_TAG_subrange_type)
			continue;
		if (dwarf_attr(&r, DW_AT_count, &a) && !dwarf_formudata(&a, &w) && w <= INT32_MAX)
			return (int64_t)w;
		if (dwarf_attr(&r, DW_AT_upper_bound, &a) && !dwarf_formudata(&a, &w) &&
		    w < INT32_MAX)
			return (int64_t)w + 1;
		return -1;
	} while (dwarf_siblingof(&r, &r) == 0);
	return -1;
}

static int members_of(Dwarf_Die *t, struct godwarf_param *p, size_t max, size_t *cnt, int depth);

/*
 * p[*cnt] from the type DIE t (kind, name, size; a pointer's pointee kind),
 * then, for a struct or an array within GODWARF_DEPTH, its members after it.
 */
static int entry_of(Dwarf_Die *t, struct godwarf_param *p, size_t max, size_t *cnt, int depth)
{
	struct godwarf_param *e = &p[*cnt];
	size_t at = *cnt;
	int r;

	if (type_of(t, e))
		return -EINVAL;
	elem_of(t, e);
	/* type_of left t at the DIE with the kind: a struct's, with its members */
	e->size = type_size(t);
	if (e->kind == 17)
		e->count = array_count(t);
	(*cnt)++;
	if (depth >= GODWARF_DEPTH ||
	    !((e->kind == 25 && dwarf_tag(t) == DW_TAG_structure_type) ||
	      (e->kind == 17 && dwarf_tag(t) == DW_TAG_array_type)))
		return 0;
	r = members_of(t, p, max, cnt, depth + 1);
	p[at].nfields = (int)(*cnt - at - 1);
	return r;
}

/* The fields of struct type DIE st, or the element of array type DIE st,
 * after p[*cnt - 1], each with its own members. */
static int members_of(Dwarf_Die *st, struct godwarf_param *p, size_t max, size_t *cnt, int depth)
{
	const struct godwarf_param *s = &p[*cnt - 1];
	int is_result = s->is_result;
	Dwarf_Attribute a;
	Dwarf_Die m, t;
	int r;

	if (s->kind == 17) {
		if (*cnt == max || *cnt == 64)
			return -E2BIG;
		memset(&p[*cnt], 0, sizeof(p[*cnt]));
		p[*cnt].is_result = is_result;
		p[*cnt].is_field = depth;
		if (!dwarf_attr(st, DW_AT_type, &a) || !dwarf_formref_die(&a, &t))
			return -EINVAL;
		return entry_of(&t, p, max, cnt, depth);
	}
	if (dwarf_child(st, &m))
		return 0;
	do {
		const char *name;
		int64_t off;

		if (dwarf_tag(&m) != DW_TAG_member)
			continue;
		if (*cnt == max || *cnt == 64)
			return -E2BIG;
		memset(&p[*cnt], 0, sizeof(p[*cnt]));
		name = dwarf_diename(&m);
		if (name)
			snprintf(p[*cnt].name, sizeof(p[*cnt].name), "%s", name);
		p[*cnt].is_result = is_result;
		p[*cnt].is_field = depth;
		p[*cnt].offset = member_location(&m, &off) ? -1 : off;
		if (!dwarf_attr(&m, DW_AT_type, &a) || !dwarf_formref_die(&a, &t))
			return -EINVAL;
		if ((r = entry_of(&t, p, max, cnt, depth)))
			return r;
	} while ((r = dwarf_siblingof(&m, &m)) == 0);
	return r < 0 ? -EINVAL : 0;
}

/* The function's formal parameters, in order, into p. */
static int params_of(Dwarf_Die *fn, struct godwarf_param *p, size_t max, size_t *n)
{
	size_t cnt = 0;
	Dwarf_Die d;
	int r;

	if (dwarf_child(fn, &d)) {
		*n = 0;
		return 0;
	}
	do {
		Dwarf_Attribute a;
		Dwarf_Die t;
		const char *name;
		bool flag = false;

		if (dwarf_tag(&d) != DW_TAG_formal_parameter)
			continue;
		if (cnt == max || cnt == 64)
			return -E2BIG;
		memset(&p[cnt], 0, sizeof(p[cnt]));
		name = dwarf_diename(&d);
		/* "~r0", "~p0": the compiler's names for unnamed ones */
		if (name && name[0] != '~')
			snprintf(p[cnt].name, sizeof(p[cnt].name), "%s", name);
		/* DW_AT_variable_parameter: a result, in Go */
		if (dwarf_attr(&d, DW_AT_variable_parameter, &a))
			dwarf_formflag(&a, &flag);
		p[cnt].is_result = flag;
		if (!dwarf_attr(&d, DW_AT_type, &a) || !dwarf_formref_die(&a, &t))
			return -EINVAL;
		if ((r = entry_of(&t, p, max, &cnt, 0)))
			return r;
	} while ((r = dwarf_siblingof(&d, &d)) == 0);
	if (r < 0)
		return -EINVAL;
	*n = cnt;
	return 0;
}

int godwarf_func_params(Dwarf *dw, const char *func, struct godwarf_param *p, size_t max,
			size_t *n)
{
	Dwarf_CU *cu = NULL;
	Dwarf_Die cudie, d;
	size_t plen;
	uint8_t ut;
	int r;

	if (!dw || !func || !p || !n)
		return -EINVAL;
	plen = pkg_len(func);
	/* Go emits one unit per package, its functions as the unit's children. */
	while (!dwarf_get_units(dw, cu, &cu, NULL, &ut, &cudie, NULL)) {
		if ((ut != DW_UT_compile && ut != DW_UT_partial) || !unit_is(&cudie, func, plen) ||
		    dwarf_child(&cudie, &d))
			continue;
		do {
			const char *name = dwarf_diename(&d);

			if (dwarf_tag(&d) == DW_TAG_subprogram && name && !strcmp(name, func))
				return params_of(&d, p, max, n);
		} while ((r = dwarf_siblingof(&d, &d)) == 0);
		if (r < 0)
			return -EINVAL;
	}
	return -ENOENT;
}
