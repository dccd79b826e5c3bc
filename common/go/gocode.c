// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Facts read from a Go binary's machine code (x86-64 and arm64, through
 * goinsn.h) where no table holds them: the offset of goid in runtime.g, as
 * runtime.newproc1 writes it, and what a go-statement wrapper calls. Both
 * follow values through registers in straight-line code and give up rather
 * than guess.
 */
#include <ctype.h>
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "go/gobin.h"
#include "go/goinsn.h"

/* Instructions read at most from one function. */
#define MAX_INSNS 8192

/* The instructions of f, decoded in order; *n of them. */
static int decode_func(const struct gobin *gb, const struct gofunc *f, struct goinsn **out,
		       size_t *n)
{
	uint64_t len = f->end - f->entry, pos = 0;
	const uint8_t *code;
	struct goinsn *v;
	size_t cnt = 0;
	int l;

	if (f->end <= f->entry || !(code = gobin_bytes(gb, f->entry, len)))
		return -ENOENT;
	v = calloc(len < MAX_INSNS ? len : MAX_INSNS, sizeof(*v));
	if (!v)
		return -ENOMEM;
	while (pos < len && cnt < MAX_INSNS) {
		l = goinsn_decode(gobin_machine(gb), code + pos, len - pos, f->entry + pos, &v[cnt]);
		if (l <= 0) {
			/* Padding after the last RET (INT3 on x86, zeros on arm64) ends it. */
			if (cnt && code[pos] == 0xcc)
				break;
			free(v);
			return l == -ENOTSUP ? -ENOTSUP : -EILSEQ;
		}
		pos += (uint64_t)l;
		cnt++;
	}
	*out = v;
	*n = cnt;
	return 0;
}

static int writes(const struct goinsn *in, int reg)
{
	switch (in->op) {
	case GI_LOAD:
	case GI_MOV:
	case GI_ADD_IMM:
		return in->reg == reg;
	case GI_LOAD2:
		return in->reg == reg || in->reg2 == reg;
	case GI_CALL:
	case GI_CALL_REG:
	case GI_CALL_MEM:
		return 1;
	case GI_OTHER:
		for (int i = 0; i < 4 && in->wregs[i] != GOINSN_NONE; i++)
			if (in->wregs[i] == reg || in->wregs[i] == GOINSN_CLOBBER)
				return 1;
		return 0;
	}
	return 0;
}

/* Whether field disp of some base is incremented in v: INC/ADD 1 on x86,
 * LDR x, [b, #disp]; ADD x, x, #1; STR x, [c, #disp] on arm64. */
static int incremented(const struct goinsn *v, size_t n, int64_t disp, int sp)
{
	for (size_t i = 0; i < n; i++) {
		if (v[i].op == GI_INC_MEM && v[i].size == 8 && v[i].disp == disp && v[i].base != sp)
			return 1;
		if (i + 2 < n && v[i].op == GI_LOAD && v[i].size == 8 && v[i].disp == disp &&
		    v[i].base != sp && v[i + 1].op == GI_ADD_IMM && v[i + 1].imm == 1 &&
		    v[i + 1].reg2 == v[i].reg && v[i + 2].op == GI_STORE &&
		    v[i + 2].reg == v[i + 1].reg && v[i + 2].disp == disp)
			return 1;
	}
	return 0;
}

int gobin_goid_offset_code(const struct gobin *gb)
{
	struct goinsn *v;
	struct gofunc f;
	int64_t found = -1;
	size_t n;
	int sp, err;

	if (!gb)
		return -EINVAL;
	err = gobin_find_func(gb, "runtime.newproc1", &f);
	if (!err)
		err = decode_func(gb, &f, &v, &n);
	if (err)
		return err;
	sp = goinsn_sp(gobin_machine(gb));
	/* A value loaded from a field (the goid cache) and stored into another
	 * object within a few instructions, where the first field is then
	 * incremented: the second is goid. */
	for (size_t i = 0; i < n; i++) {
		const struct goinsn *ld = &v[i];

		if (ld->op != GI_LOAD || ld->size != 8 || ld->base == GOINSN_NONE || ld->base == sp)
			continue;
		for (size_t j = i + 1; j < n && j <= i + 4; j++) {
			const struct goinsn *st = &v[j];

			if (st->op == GI_STORE && st->reg == ld->reg && st->size == 8 &&
			    st->base != GOINSN_NONE && st->base != sp && st->disp != ld->disp) {
				if (incremented(v, n, ld->disp, sp)) {
					if (found >= 0 && found != st->disp) {
						free(v);
						return -ESRCH;
					}
					found = st->disp;
				}
				break;
			}
			if (writes(st, ld->reg))
				break;
		}
	}
	free(v);
	return found >= 0 && found < 4096 ? (int)found : -ESRCH;
}

/*
 * "gowrap12", "func3", "7": the last name element of a go-statement closure;
 * Go 1.17 named them "pkg.fn·dwrap·N" (with middle dots).
 */
static int closure_suffix(const char *name, int gowrap_only)
{
	const char *s = strrchr(name, '.'), *d = strstr(name, "\xc2\xb7" "dwrap" "\xc2\xb7");

	if (d && !gowrap_only) {
		s = d + 9;
		goto digits;
	}

	if (!s || !*++s)
		return 0;
	if (!strncmp(s, "gowrap", 6))
		s += 6;
	else if (gowrap_only)
		return 0;
	else if (!strncmp(s, "func", 4))
		s += 4;
digits:
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

/* The function inlined directly into f at some PC before its first return. */
static const char *inlined_callee(const struct gobin *gb, const struct gofunc *f,
				  const struct goinsn *v, size_t n)
{
	struct gofunc_frame fr[64];
	uint64_t pc = f->entry;

	for (size_t i = 0; i < n && v[i].op != GI_RET; pc += v[i].len, i++) {
		int k = gobin_pc_frames(gb, pc, fr, 64);

		if (k >= 2 && k <= 64)
			return fr[k - 2].name;
	}
	return NULL;
}

/* r = 8 bytes at [base + disp], in the register tracking of gobin_go_wrapper(). */
static void load_reg(int8_t *depth, int32_t (*path)[GOWRAP_LOADS], int r, int base, int64_t disp)
{
	int d;

	if (r < 0 || r >= 256)
		return;
	if (base < 0 || base >= 256 || depth[base] < 0 || depth[base] >= GOWRAP_LOADS) {
		depth[r] = -1;
		return;
	}
	d = depth[base];
	if (r != base)
		memcpy(path[r], path[base], sizeof(path[r]));
	path[r][d] = (int32_t)disp;
	depth[r] = (int8_t)(d + 1);
}

/* Registers runtime.duffcopy and duffzero use (the Go ABI's internal docs). */
static void kill_duff(int machine, int8_t *depth)
{
	static const int arm64[] = { 16, 17, 20, 21, 27 };
	struct goinsn in;

	if (machine == EM_AARCH64) {
		for (size_t i = 0; i < sizeof(arm64) / sizeof(arm64[0]); i++)
			depth[arm64[i]] = -1;
		return;
	}
	/* x86-64: RSI, RDI (and flags): what a MOVSQ or STOSQ writes. */
	if (goinsn_decode(machine, (const uint8_t *)"\x48\xa5", 2, 0, &in) > 0)
		for (int i = 0; i < 4 && in.wregs[i] >= 0; i++)
			if (in.wregs[i] < 256)
				depth[in.wregs[i]] = -1;
}

int gobin_go_wrapper(const struct gobin *gb, const struct gofunc *f, struct gowrap *w)
{
	/* Per register: the loads from the closure that give its value, -1 none. */
	int8_t depth[256];
	int32_t path[256][GOWRAP_LOADS];
	int wid, ctxt, found = 0, err;
	struct goinsn *v;
	size_t n;

	if (!gb || !f || !w)
		return -EINVAL;
	memset(w, 0, sizeof(*w));
	wid = gobin_wrapper_id(gb);
	if (wid >= 0 ? f->func_id != wid || !closure_suffix(f->name, 0)
		     : !closure_suffix(f->name, 1))
		return -ENOENT;
	err = decode_func(gb, f, &v, &n);
	if (err)
		return err;
	/* Inlined: the call in the wrapper is the callee's own. */
	w->callee = inlined_callee(gb, f, v, n);
	if (w->callee) {
		w->inlined = 1;
		free(v);
		return 0;
	}
	memset(depth, -1, sizeof(depth));
	ctxt = goinsn_ctxt(gobin_machine(gb));
	if (ctxt >= 0 && ctxt < 256)
		depth[ctxt] = 0;
	for (size_t i = 0; i < n && v[i].op != GI_RET; i++) {
		const struct goinsn *in = &v[i];
		int r = in->reg, b = in->op == GI_CALL_MEM ? in->base : in->reg;
		struct gofunc callee;

		switch (in->op) {
		case GI_CALL:
			/* Duff's devices copy or zero stack arguments and leave the
			 * other registers alone. */
			if (!gobin_pc_info(gb, in->target, &callee, NULL, NULL) &&
			    !strncmp(callee.name, "runtime.duff", 12)) {
				kill_duff(gobin_machine(gb), depth);
				continue;
			}
			/* The last call before the return; runtime helpers aside. */
			if (!gobin_pc_info(gb, in->target, &callee, NULL, NULL) &&
			    callee.entry == in->target &&
			    (strncmp(callee.name, "runtime.", 8) || !strncmp(f->name, "runtime.", 8))) {
				w->callee = callee.name;
				w->callee_entry = callee.entry;
				w->nloads = 0;
				found = 1;
			}
			memset(depth, -1, sizeof(depth));
			continue;
		case GI_CALL_REG:
		case GI_CALL_MEM:
			w->callee = NULL;
			w->callee_entry = 0;
			w->nloads = 0;
			found = 0;
			if (b >= 0 && b < 256 && depth[b] >= 0 &&
			    depth[b] + (in->op == GI_CALL_MEM) >= 1 &&
			    depth[b] + (in->op == GI_CALL_MEM) <= GOWRAP_LOADS) {
				w->nloads = depth[b];
				memcpy(w->loads, path[b], sizeof(w->loads));
				if (in->op == GI_CALL_MEM)
					w->loads[w->nloads++] = (int32_t)in->disp;
				found = 1;
			}
			memset(depth, -1, sizeof(depth));
			continue;
		case GI_LOAD:
			if (in->size == 8)
				load_reg(depth, path, r, in->base, in->disp);
			else if (r >= 0 && r < 256)
				depth[r] = -1;
			continue;
		case GI_LOAD2:
			/* Both from the base's value before either is written. */
			load_reg(depth, path, in->reg2, in->base, in->disp + 8);
			if (in->reg2 != in->base)
				load_reg(depth, path, in->reg, in->base, in->disp);
			else
				depth[in->reg] = -1;
			continue;
		case GI_MOV:
			if (r >= 0 && r < 256) {
				depth[r] = in->reg2 >= 0 && in->reg2 < 256 ? depth[in->reg2] : -1;
				if (depth[r] >= 0)
					memcpy(path[r], path[in->reg2], sizeof(path[r]));
			}
			continue;
		default:
			for (int k = 0; k < 256; k++)
				if (depth[k] >= 0 && writes(in, k))
					depth[k] = -1;
			continue;
		}
	}
	free(v);
	return found ? 0 : -ESRCH;
}

int gobin_gopc_offset_code(const struct gobin *gb)
{
	struct goinsn *v;
	struct gofunc f;
	int sp, greg, err, found = -ESRCH;
	size_t n;

	if (!gb)
		return -EINVAL;
	err = gobin_find_func(gb, "runtime.printcreatedby", &f);
	if (!err)
		err = decode_func(gb, &f, &v, &n);
	if (err)
		return err;
	sp = goinsn_sp(gobin_machine(gb));
	greg = goinsn_greg(gobin_machine(gb));
	/* printcreatedby(gp) begins with pc := gp.gopc: the first 8-byte load
	 * through a register that is neither the stack pointer nor g (whose
	 * stack guard the prologue compares), before any call. */
	for (size_t i = 0; i < n; i++) {
		const struct goinsn *in = &v[i];

		if (in->op == GI_CALL || in->op == GI_CALL_REG || in->op == GI_CALL_MEM ||
		    in->op == GI_RET)
			break;
		if (in->op == GI_LOAD && in->size == 8 && in->base != GOINSN_NONE &&
		    in->base != sp && in->base != greg && in->disp > 0 && in->disp < 4096) {
			found = (int)in->disp;
			break;
		}
	}
	free(v);
	return found;
}

int gobin_frame_ready(const struct gobin *gb, const struct gofunc *f, uint64_t *vaddr)
{
	const uint8_t *code;
	uint64_t pos = 0, len;
	struct goinsn in;
	int l;

	if (!gb || gobin_machine(gb) != EM_X86_64)
		return -ENOTSUP;
	len = f->end > f->entry ? f->end - f->entry : 0;
	if (len > 64)
		len = 64;
	if (!len || !(code = gobin_bytes(gb, f->entry, len)))
		return -ENOENT;
	/* MOVQ SP, BP (Go 1.21+: PUSHQ BP first) or LEAQ off(SP), BP (before). */
	for (int i = 0; i < 12 && pos < len; i++) {
		const uint8_t *p = code + pos;

		l = goinsn_decode(EM_X86_64, p, len - pos, f->entry + pos, &in);
		if (l <= 0)
			return -EILSEQ;
		pos += (uint64_t)l;
		if ((l == 3 && p[0] == 0x48 && p[1] == 0x89 && p[2] == 0xe5) ||
		    (l >= 5 && p[0] == 0x48 && p[1] == 0x8d && (p[2] == 0x6c || p[2] == 0xac) &&
		     p[3] == 0x24)) {
			*vaddr = f->entry + pos;
			return 0;
		}
		if (in.op == GI_CALL || in.op == GI_RET || in.op == GI_JMP)
			break;
	}
	return -ESRCH;
}
