// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * gotrace: trace calls of Go functions with arguments and results, decoded
 * from the registers of Go's ABIInternal by a signature the user gives.
 */
#include <argp.h>
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>
#include <bpf/bpf.h>
#include "core/attach.h"
#include "go/gotarget.h"
#include "core/json.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/opts.h"
#include "core/output.h"
#include "core/setup.h"
#include "gotrace.h"
#include "gotrace.skel.h"

#define MAX_PROBES 16
#define MAX_VALUES 64
#define SIG_LEN 1024
/* Floating-point argument registers of ABIInternal (X0-X14; arm64 F0-F15):
 * not in pt_regs, but the ABI's assignment counts them. */
#if defined(__aarch64__)
#define FLOAT_REGS 16
#else
#define FLOAT_REGS 15
#endif
/* Elements shown of an array, then "...". */
#define ARRAY_SHOW 8

/* K_OTHER: a type not known (not in DWARF, nested too deep): it and everything
 * after it show as "?". K_ERROR and K_IFACE have methods (an itab in the first
 * word), K_EFACE none (a type). */
enum kind { K_INT, K_UINT, K_BOOL, K_PTR, K_STRING, K_SLICE, K_ERROR, K_IFACE, K_EFACE, K_MAP,
	    K_FLOAT, K_COMPLEX, K_STRUCT, K_ARRAY, K_OTHER };

/*
 * One parameter or result and where ABIInternal puts it. A struct is followed
 * by its fields, an array by its element, each followed by its own members
 * (nsub counts them all).
 */
struct value {
	char name[64];		/* "" when the signature names none */
	enum kind kind;
	int size;		/* bytes in memory */
	int off;		/* a field: its offset in its struct */
	int count;		/* K_ARRAY: its length */
	int nsub;		/* K_STRUCT, K_ARRAY: the values after it that are its members */
	int reg;		/* in integer registers: the first one; -1: not (float, stack) */
	int stk;		/* a parameter or result on the stack: its offset there; -1: not */
	enum kind elem;		/* K_PTR: K_INT, K_UINT or K_BOOL when the pointee is read */
	int elem_size;		/* its size in bytes; 0: the pointee is not read */
	bool field;		/* a member of a struct or an array */
};

/* What the user asked for: "main.greet(name string, year int) string" or a glob. */
struct probe {
	char glob[512];
	bool has_sig;		/* parentheses given: arguments are shown */
	struct value args[MAX_VALUES], rets[MAX_VALUES];
	int nargs, nrets;
	bool rets_paren;	/* results written in parentheses */
	struct gotrace_spec spec;	/* what BPF reads, from assign_probe() */
};

static struct {
	const char *pos[MAX_PROBES + 1];
	int npos;
	bool list;
	const char *list_glob;
	struct probe probes[MAX_PROBES];
	int nprobes;
	struct gofunc *funcs;	/* every probed function ... */
	struct probe **sig;	/* ... and how to decode it */
	size_t nfuncs;
	struct gotarget_check chk;
	const struct gobin *gb;	/* for the names of interfaces' dynamic types */
} opt;

const char argp_program_doc[] =
	"Trace calls of Go functions with their arguments and results.\n"
	"\n"
	"USAGE: gotrace [-p PID | --binary PATH | BINARY] PROBE... [-j] [-d SECONDS]\n"
	"       gotrace --list [-p PID | --binary PATH | BINARY] [GLOB]\n"
	"\n"
	"PROBE is a function name or glob ('main.*'), optionally with its Go\n"
	"signature, which says how to decode the registers: 'main.greet(name\n"
	"string, year int) string'. Types: int*, uint*, uintptr, byte, rune, bool,\n"
	"string, []T, pointers, maps, chans, funcs, error, any, float*; floats in\n"
	"registers show as '?', values on the stack are decoded. Structs and\n"
	"arrays come from DWARF. Methods take the receiver\n"
	"as the first parameter. Without a signature it comes from DWARF, when\n"
	"the binary has it. Returns are caught with uprobes on every RET\n"
	"instruction, never with uretprobes (which crash Go programs).\n"
	"\n"
	"EXAMPLES:\n"
	"    gotrace -p 181 'main.greet(name string, year int) string'\n"
	"    gotrace ./server 'main.(*Server).get(s *Server, key string) ([]byte, error)'\n"
	"    gotrace -p 181 'main.*'             # every main function (arguments from DWARF)\n"
	"    gotrace --list ./server 'main.*'    # the functions there are to trace";

enum { OPT_LIST = 2000 };

static const struct argp_option options[] = {
	GOTARGET_OPTIONS,
	GOTARGET_OPTION_INFLIGHT,
	{ "list", OPT_LIST, NULL, 0, "List the Go functions matching GLOB (default: all) and exit", 0 },
	{},
};

/* ---- signatures ---- */

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = 0;
	return s;
}

/* Index of the ',' at depth 0 ending the item at s, or of its end. */
static int item_end(const char *s)
{
	int depth = 0, i;

	for (i = 0; s[i]; i++) {
		if (s[i] == '(' || s[i] == '[' || s[i] == '{')
			depth++;
		else if (depth && (s[i] == ')' || s[i] == ']' || s[i] == '}'))
			depth--;
		else if (!depth && s[i] == ',')
			break;
	}
	return i;
}

static int classify(const char *t, struct value *v)
{
	static const struct { const char *name; enum kind kind; int size; } basic[] = {
		{ "int", K_INT, 8 }, { "int64", K_INT, 8 }, { "int32", K_INT, 4 },
		{ "rune", K_INT, 4 }, { "int16", K_INT, 2 }, { "int8", K_INT, 1 },
		{ "uint", K_UINT, 8 }, { "uint64", K_UINT, 8 }, { "uintptr", K_UINT, 8 },
		{ "uint32", K_UINT, 4 }, { "uint16", K_UINT, 2 }, { "uint8", K_UINT, 1 },
		{ "byte", K_UINT, 1 }, { "bool", K_BOOL, 1 }, { "string", K_STRING, 16 },
		{ "error", K_ERROR, 16 }, { "any", K_EFACE, 16 }, { "interface{}", K_EFACE, 16 },
		{ "interface {}", K_EFACE, 16 }, { "float32", K_FLOAT, 4 },
		{ "float64", K_FLOAT, 8 }, { "unsafe.Pointer", K_PTR, 8 },
	};

	for (size_t i = 0; i < sizeof(basic) / sizeof(basic[0]); i++) {
		if (!strcmp(t, basic[i].name)) {
			v->kind = basic[i].kind;
			v->size = basic[i].size;
			return 0;
		}
	}
	v->size = 8;
	if (t[0] == '*') {
		struct value e = { .kind = K_OTHER };

		/* A pointer to an integer or a bool: its pointee is read too. */
		v->kind = K_PTR;
		if (!classify(t + 1, &e) && (e.kind == K_INT || e.kind == K_UINT || e.kind == K_BOOL))
			v->elem = e.kind, v->elem_size = e.size;
		return 0;
	}
	if (!strncmp(t, "[]", 2))
		v->kind = K_SLICE, v->size = 24;
	else if (!strncmp(t, "map[", 4))
		v->kind = K_MAP;
	else if (t[0] == '*' || !strncmp(t, "chan", 4) ||
		 !strncmp(t, "<-chan", 6) || !strncmp(t, "func", 4))
		v->kind = K_PTR;
	else if (!strncmp(t, "interface", 9))
		v->kind = K_IFACE, v->size = 16;
	else
		return -EINVAL;
	return 0;
}

/* Parses "a, b int, s string" or "int, error" (without the parentheses). */
static int parse_list(char *s, struct value *vals, int *n, const char *what, char *err,
		      size_t errlen)
{
	char *items[16];
	int cnt = 0, named = 0;

	s = trim(s);
	if (!*s) {
		*n = 0;
		return 0;
	}
	for (;;) {
		int e = item_end(s);
		char c = s[e];

		if (cnt == 16) {
			snprintf(err, errlen, "more than %d %s", 16, what);
			return -E2BIG;
		}
		s[e] = 0;
		items[cnt++] = trim(s);
		if (!c)
			break;
		s += e + 1;
	}
	/* Named when any item is "name type" (top-level space): then a lone
	 * word is a name sharing the type of the next item, as in Go. */
	for (int i = 0; i < cnt; i++)
		if (strpbrk(items[i], " \t") && !strchr("*[(<", items[i][0]) &&
		    strncmp(items[i], "func", 4) && strncmp(items[i], "chan", 4) &&
		    strncmp(items[i], "map[", 4) && strncmp(items[i], "interface", 9))
			named = 1;
	for (int i = cnt - 1; i >= 0; i--) {
		char *it = items[i], *type = it, *sp;

		memset(&vals[i], 0, sizeof(vals[i]));
		if (named) {
			sp = strpbrk(it, " \t");
			if (sp) {
				*sp = 0;
				type = trim(sp + 1);
			} else if (i + 1 < cnt) {
				type = NULL;	/* takes the next item's type */
			} else {
				snprintf(err, errlen, "%s '%s' has no type", what, it);
				return -EINVAL;
			}
			snprintf(vals[i].name, sizeof(vals[i].name), "%s", it);
			if (!type) {
				vals[i].kind = vals[i + 1].kind;
				vals[i].size = vals[i + 1].size;
				continue;
			}
		}
		if (!*type || classify(type, &vals[i])) {
			snprintf(err, errlen, "cannot decode type '%s': give one of int*, uint*, "
				 "bool, string, []T, *T, map, chan, func, error, any, float*, "
				 "or the underlying type of a named type", type);
			return -EINVAL;
		}
	}
	*n = cnt;
	return 0;
}

/* Integer registers a scalar value takes. */
static int reg_words(const struct value *v)
{
	switch (v->kind) {
	case K_STRING: case K_ERROR: case K_IFACE: case K_EFACE:
		return 2;
	case K_SLICE:
		return 3;
	default:
		return 1;
	}
}

/* The members of struct or array v: for (m = first(v); m; m = next(v, m)). */
static const struct value *first(const struct value *v)
{
	return v->nsub ? v + 1 : NULL;
}

static const struct value *next(const struct value *v, const struct value *m)
{
	m += 1 + m->nsub;
	return m <= v + v->nsub ? m : NULL;
}

static int align_of(const struct value *v)
{
	int a = 1;

	switch (v->kind) {
	case K_INT: case K_UINT: case K_BOOL: case K_FLOAT:
		return v->size < 8 ? v->size : 8;
	case K_COMPLEX:
		return v->size / 2;
	case K_STRUCT: case K_ARRAY:
		for (const struct value *m = first(v); m; m = next(v, m))
			if (align_of(m) > a)
				a = align_of(m);
		return a;
	default:
		return 8;
	}
}

/* Whether v's layout is not known (it is, or holds, K_OTHER). */
static bool unknown(const struct value *v)
{
	if (v->kind == K_OTHER || v->size < 0)
		return true;
	for (int k = 1; k <= v->nsub; k++)
		if (v[k].kind == K_OTHER || v[k].size < 0)
			return true;
	return false;
}

/* ABIInternal's register assignment of v from integer register *ir and float
 * register *fr: false when it does not fit (then it goes on the stack). */
static bool reg_assign(struct value *v, int *ir, int *fr)
{
	int words;

	switch (v->kind) {
	case K_FLOAT: case K_COMPLEX:
		words = v->kind == K_COMPLEX ? 2 : 1;
		if (*fr + words > FLOAT_REGS)
			return false;
		*fr += words;
		v->reg = -1;	/* X registers are not in pt_regs */
		return true;
	case K_ARRAY:
		/* Only arrays of length 0 and 1 go in registers. */
		if (v->count > 1)
			return false;
		v->reg = *ir;
		return v->count == 0 || reg_assign(v + 1, ir, fr);
	case K_STRUCT:
		v->reg = *ir;
		for (struct value *m = (struct value *)first(v); m; m = (struct value *)next(v, m))
			if (!reg_assign(m, ir, fr))
				return false;
		return true;
	default:
		words = reg_words(v);
		if (*ir + words > GOTRACE_REGS)
			return false;
		v->reg = *ir;
		*ir += words;
		return true;
	}
}

/*
 * ABIInternal's assignment: each value in registers when all of it fits in
 * those left, else all of it on the stack (at the next offset aligned for its
 * type), and the values after it go on with the registers. *stk: the stack
 * offset, in and out.
 */
static void assign(struct value *vals, int n, int *stk)
{
	int ir = 0, fr = 0;
	bool lost = false;

	for (int k = 0; k < n; k++)
		vals[k].reg = vals[k].stk = -1;
	for (int i = 0; i < n; i += 1 + vals[i].nsub) {
		struct value *v = &vals[i];
		int sir = ir, sfr = fr, a;

		lost |= unknown(v);
		if (lost)
			continue;
		if (reg_assign(v, &ir, &fr))
			continue;
		ir = sir;
		fr = sfr;
		for (int k = 0; k <= v->nsub; k++)
			v[k].reg = -1;
		a = align_of(v);
		*stk = (*stk + a - 1) / a * a;
		v->stk = *stk;
		*stk += v->size;
	}
}

/* ---- where values are, and what BPF reads of them ---- */

/* What one side of a call (its arguments, or its results) brought. */
struct side {
	const __u64 *regs;	/* registers, then stack words */
	const char (*strs)[GOTRACE_STR_LEN];
	__u8 str_ok;
	const __u64 *words;
	__u8 word_ok;
	int stack_len;		/* bytes of stack words read, 0: none */
	const __u8 *str_at;	/* the spec's slots: strings, */
	const __u8 *word_at;	/* words read through pointers, */
	const __u8 *word_off;	/* at these offsets */
	__u64 bias;		/* run-time address - link-time address (PIE) */
};

/*
 * Value v is in registers (at < 0: from v->reg) or at byte `at` of the
 * stack words. Word k of it into *w (word 0 of a scalar: its size only);
 * false when it was not read.
 */
static bool get_word(const struct value *v, const struct side *x, int at, int k, __u64 *w)
{
	int n = k || v->size >= 8 || v->size <= 0 ? 8 : v->size, o = at + 8 * k;

	if (at < 0) {
		if (v->reg < 0)
			return false;
		*w = x->regs[v->reg + k];
		return true;
	}
	if (o + n > x->stack_len)
		return false;
	*w = 0;
	memcpy(w, (const char *)(x->regs + GOTRACE_REGS) + o, n);
	return true;
}

/* Whether v (at `at`, as above) was read at all. */
static bool is_read(const struct value *v, const struct side *x, int at)
{
	if (at < 0)
		return v->reg >= 0;
	return at + (v->size < 8 ? v->size : 8) <= x->stack_len;
}

/* The index of word k of v among registers then stack words. */
static int word_index(const struct value *v, int at, int k)
{
	return at < 0 ? v->reg + k : GOTRACE_REGS + at / 8 + k;
}

/* Where member m of v (at `at`) is; element i for arrays. */
static int member_at(const struct value *v, const struct value *m, int at, int i)
{
	if (at < 0)
		return -1;
	return v->kind == K_ARRAY ? at + i * m->size : at + m->off;
}

/* The slot of a (word, offset) pair in which[]/off[] (off NULL: strings), -1 none. */
static int slot_of(const __u8 *which, const __u8 *off, int n, int w, int o)
{
	for (int i = 0; i < n; i++)
		if (which[i] == w && (!off || off[i] == o))
			return i;
	return -1;
}

/* Takes a slot for (w, o) when one is free. */
static void take_slot(__u8 *which, __u8 *off, int n, int w, int o)
{
	if ((w >= GOTRACE_ALL && !(w & GOTRACE_VIA_WORD)) || slot_of(which, off, n, w, o) >= 0)
		return;
	for (int i = 0; i < n; i++) {
		if (which[i] == GOTRACE_NONE) {
			which[i] = w;
			if (off)
				off[i] = o;
			return;
		}
	}
}

/*
 * The slots value v (at `at`) needs: strings' bytes; words read through a
 * pointer: a map's length first in the map (hmap.count before Go 1.24, the
 * swiss map's used since), an interface's type after its itab's interface
 * type, what an interface's data word points at (an integer's or a bool's
 * value), a pointer's integer or bool.
 */
static void need(const struct value *v, int at, int stack_len, __u8 *str, __u8 *word, __u8 *off)
{
	struct side x = { .stack_len = stack_len };
	int w;

	if (v->kind == K_STRUCT || v->kind == K_ARRAY) {
		int i = 0;

		if (at < 0 && v->reg < 0)
			return;
		for (const struct value *m = first(v); m; m = next(v, m))
			for (i = 0; i < (v->kind == K_ARRAY ? v->count : 1) && i < ARRAY_SHOW; i++)
				need(m, member_at(v, m, at, i), stack_len, str, word, off);
		return;
	}
	if (!is_read(v, &x, at))
		return;
	w = word_index(v, at, 0);
	switch (v->kind) {
	case K_STRING:
		take_slot(str, NULL, GOTRACE_STRS, w, 0);
		break;
	case K_PTR:
		if (v->elem_size)
			take_slot(word, off, GOTRACE_WORDS, w, 0);
		break;
	case K_MAP:
		take_slot(word, off, GOTRACE_WORDS, w, 0);
		break;
	case K_ERROR: case K_IFACE:
		take_slot(word, off, GOTRACE_WORDS, w, 8);
		/* fall through */
	case K_EFACE: {
		int d;

		/* The data word's pointee: an integer, or a string's pointer and
		 * length, whose bytes are read too (the type is known only later). */
		take_slot(word, off, GOTRACE_WORDS, w + 1, 0);
		take_slot(word, off, GOTRACE_WORDS, w + 1, 8);
		d = slot_of(word, off, GOTRACE_WORDS, w + 1, 0);
		if (d >= 0 && slot_of(word, off, GOTRACE_WORDS, w + 1, 8) == d + 1)
			take_slot(str, NULL, GOTRACE_STRS, GOTRACE_VIA_WORD | d, 0);
		break;
	}
	default:
		break;
	}
}

/* Registers and stack places of a probe's values, and the spec BPF reads by. */
static void assign_probe(struct probe *p)
{
	struct gotrace_spec *sp = &p->spec;
	int stk = 0, rstk;

	memset(sp, GOTRACE_NONE, sizeof(*sp));
	assign(p->args, p->nargs, &stk);
	/* Results on the stack follow the arguments, from a word boundary. */
	rstk = (stk + 7) / 8 * 8;
	sp->arg_stack_len = rstk < GOTRACE_STACK_WORDS * 8 ? rstk : GOTRACE_STACK_WORDS * 8;
	sp->ret_stack_off = rstk;
	stk = 0;
	assign(p->rets, p->nrets, &stk);
	stk = (stk + 7) / 8 * 8;
	sp->ret_stack_len = stk < GOTRACE_STACK_WORDS * 8 ? stk : GOTRACE_STACK_WORDS * 8;
	for (int i = 0; i < p->nargs; i += 1 + p->args[i].nsub)
		need(&p->args[i], p->args[i].stk, sp->arg_stack_len, sp->arg_str, sp->arg_word,
		     sp->arg_word_off);
	for (int i = 0; i < p->nrets; i += 1 + p->rets[i].nsub)
		need(&p->rets[i], p->rets[i].stk, sp->ret_stack_len, sp->ret_str, sp->ret_word,
		     sp->ret_word_off);
}

/* The ')' closing the '(' just before s, or NULL. */
static char *match_paren(char *s)
{
	int depth = 0;

	for (; *s; s++) {
		if (*s == '(' || *s == '[' || *s == '{')
			depth++;
		else if (*s == ')' && !depth)
			return s;
		else if (*s == ')' || *s == ']' || *s == '}')
			depth--;
	}
	return NULL;
}

/* "main.(*T).get(s *T, key string) (v []byte, err error)" into p. */
static int parse_probe(const char *spec, struct probe *p, char *err, size_t errlen)
{
	char buf[SIG_LEN], *open = NULL, *close, *rest;

	memset(p, 0, sizeof(*p));
	if (strlen(spec) >= sizeof(buf)) {
		snprintf(err, errlen, "too long");
		return -ENAMETOOLONG;
	}
	snprintf(buf, sizeof(buf), "%s", spec);
	/* The parameters open at the first '(' not right after a '.': Go
	 * writes method receivers as "pkg.(*T).m". */
	for (char *c = buf; *c; c++) {
		if (*c == '(' && (c == buf || c[-1] != '.')) {
			open = c;
			break;
		}
	}
	if (open) {
		*open = 0;
		close = match_paren(open + 1);
		if (!close) {
			snprintf(err, errlen, "unbalanced parentheses");
			return -EINVAL;
		}
		*close = 0;
		p->has_sig = true;
		if (parse_list(open + 1, p->args, &p->nargs, "parameter", err, errlen))
			return -EINVAL;
		rest = trim(close + 1);
		if (*rest == '(') {
			size_t l = strlen(rest);

			if (rest[l - 1] != ')') {
				snprintf(err, errlen, "unbalanced parentheses in the results");
				return -EINVAL;
			}
			rest[l - 1] = 0;
			rest++;
			p->rets_paren = true;
		}
		if (parse_list(rest, p->rets, &p->nrets, "result", err, errlen))
			return -EINVAL;
		if (p->nrets > 1)
			p->rets_paren = true;
	}
	rest = trim(buf);
	if (strlen(rest) >= sizeof(p->glob)) {
		snprintf(err, errlen, "the function name or glob is longer than %zu bytes",
			 sizeof(p->glob) - 1);
		return -ENAMETOOLONG;
	}
	snprintf(p->glob, sizeof(p->glob), "%s", rest);
	if (!p->glob[0] || strpbrk(p->glob, " \t")) {
		snprintf(err, errlen, "want a function name or glob, then its signature");
		return -EINVAL;
	}
	assign_probe(p);
	return 0;
}

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	char err[256];

	switch (key) {
	case OPT_LIST:
		opt.list = true;
		break;
	case ARGP_KEY_ARG:
		if (opt.npos == MAX_PROBES + 1)
			bk_usage(state, "at most %d probes", MAX_PROBES);
		opt.pos[opt.npos++] = arg;
		break;
	case ARGP_KEY_END: {
		int i = gotarget_end(state, opt.pos, opt.npos);

		if (opt.list) {
			if (opt.npos - i > 1)
				bk_usage(state, "--list takes one GLOB");
			opt.list_glob = i < opt.npos ? opt.pos[i] : "*";
			break;
		}
		if (i >= opt.npos)
			bk_usage(state, "give the functions to trace: 'main.greet(name string) string'");
		for (; i < opt.npos; i++) {
			if (opt.nprobes == MAX_PROBES)
				bk_usage(state, "at most %d probes", MAX_PROBES);
			if (parse_probe(opt.pos[i], &opt.probes[opt.nprobes++], err, sizeof(err)))
				bk_usage(state, "bad probe '%s': %s", opt.pos[i], err);
		}
		break;
	}
	default:
		return gotarget_parse_opt(key, arg, state);
	}
	return 0;
}

/* ---- values ---- */

static long long sext(__u64 v, int size)
{
	int shift = 64 - 8 * size;

	return (long long)(v << shift) >> shift;
}

static __u64 zext(__u64 v, int size)
{
	return size >= 8 ? v : v & ((1ULL << (8 * size)) - 1);
}

/* A Go-quoted string: control bytes, backslashes and quotes escaped. */
static void quote(char *dst, size_t dstlen, const char *s, size_t len)
{
	size_t o = 0, start = 0;

	dst[o++] = '"';
	for (size_t i = 0; i <= len && o < dstlen - 4; i++) {
		if (i < len && s[i] != '"' && s[i])
			continue;
		o += bk_escape(dst + o, dstlen - o - 3, s + start, i - start);
		if (i < len && o < dstlen - 4) {
			dst[o++] = '\\';
			dst[o++] = s[i] ? '"' : '0';
		}
		start = i + 1;
	}
	dst[o++] = '"';
	dst[o] = 0;
}

/* The string bytes of v (at `at`) that were read, or NULL. */
static const char *str_bytes(const struct value *v, const struct side *x, int at, size_t *len,
			     bool *cut)
{
	__u64 l;
	int i;

	if (!get_word(v, x, at, 1, &l))
		return NULL;
	*cut = l > GOTRACE_STR_LEN;
	*len = *cut ? GOTRACE_STR_LEN : l;
	if (l == 0)
		return "";
	i = slot_of(x->str_at, NULL, GOTRACE_STRS, word_index(v, at, 0), 0);
	if (i < 0 || !(x->str_ok & (1 << i)))
		return NULL;
	return x->strs[i];
}

/* Whether v is a string longer than what was kept of it. */
static bool str_cut(const struct value *v, const struct side *x)
{
	__u64 l;

	return v->kind == K_STRING && get_word(v, x, v->stk, 1, &l) && l > GOTRACE_STR_LEN;
}

/* The word read at offset o through word k of v, or false. */
static bool word_of(const struct value *v, const struct side *x, int at, int k, int o, __u64 *w)
{
	int i = slot_of(x->word_at, x->word_off, GOTRACE_WORDS, word_index(v, at, k), o);

	if (i < 0 || !(x->word_ok & (1 << i)))
		return false;
	*w = x->words[i];
	return true;
}

/*
 * The dynamic type's name of a non-nil interface v into buf: from the
 * itab's type (read in BPF) or the empty interface's type word; false when
 * it is not known (not read, not a type of the binary).
 */
static bool iface_type(const struct value *v, const struct side *x, int at, __u64 w, char *buf,
		       size_t sz)
{
	__u64 t = w, n;
	uint64_t size;
	size_t l;
	int kind;

	if (v->kind != K_EFACE && !word_of(v, x, at, 0, 8, &t))
		return false;
	if (!t || gobin_type_name(opt.gb, t - x->bias, buf, sz))
		return false;
	/* An integer or a bool held: its value, "int(42)"; the user side knows
	 * the kind only now, so the word was read whatever the type. */
	l = strlen(buf);
	if (!gobin_type_kind(opt.gb, t - x->bias, &kind, &size) && kind == 24 &&
	    word_of(v, x, at, 1, 0, &n)) {
		/* A string held: its text, string("abc"). */
		int d = slot_of(x->word_at, x->word_off, GOTRACE_WORDS, word_index(v, at, 1), 0);
		int i = slot_of(x->str_at, NULL, GOTRACE_STRS, GOTRACE_VIA_WORD | d, 0);
		__u64 len;
		char q[GOTRACE_STR_LEN * 4 + 8];

		if (d >= 0 && word_of(v, x, at, 1, 8, &len) &&
		    (len == 0 || (i >= 0 && (x->str_ok & (1 << i))))) {
			quote(q, sizeof(q), len ? x->strs[i] : "",
			      len > GOTRACE_STR_LEN ? GOTRACE_STR_LEN : len);
			snprintf(buf + l, sz - l, "(%s%s)", q, len > GOTRACE_STR_LEN ? "..." : "");
		}
		return true;
	}
	if (word_of(v, x, at, 1, 0, &n) &&
	    !gobin_type_kind(opt.gb, t - x->bias, &kind, &size) && kind >= 1 && kind <= 12 &&
	    size >= 1 && size <= 8 && l + 24 < sz) {
		if (kind == 1)
			snprintf(buf + l, sz - l, "(%s)", n & 0xff ? "true" : "false");
		else if (kind <= 6)
			snprintf(buf + l, sz - l, "(%lld)", sext(n, size));
		else
			snprintf(buf + l, sz - l, "(%llu)", (unsigned long long)zext(n, size));
	}
	return true;
}

/* The pointee n of pointer v as text. */
static const char *scalar(const struct value *v, __u64 n, char *buf, size_t sz)
{
	if (v->elem == K_BOOL)
		snprintf(buf, sz, "%s", n & 0xff ? "true" : "false");
	else if (v->elem == K_INT)
		snprintf(buf, sz, "%lld", sext(n, v->elem_size));
	else
		snprintf(buf, sz, "%llu", (unsigned long long)zext(n, v->elem_size));
	return buf;
}

/* A float's bits as a double. */
static double float_of(const struct value *v, __u64 w)
{
	float f;
	double d;

	if (v->size == 4) {
		__u32 b = (__u32)w;

		memcpy(&f, &b, sizeof(f));
		return f;
	}
	memcpy(&d, &w, sizeof(d));
	return d;
}

/* Elements of array v shown. */
static int shown(const struct value *v)
{
	return v->count < ARRAY_SHOW ? v->count : ARRAY_SHOW;
}

/* One value (at `at`: see get_word()) as Go-ish text. */
static void format_value(char *buf, size_t sz, const struct value *v, const struct side *x,
			 int at)
{
	char pv[24];
	const char *s;
	size_t len, o;
	bool cut;
	__u64 w, n, c;

	if (v->kind == K_STRUCT || v->kind == K_ARRAY) {
		char *fv;

		if ((at < 0 && v->reg < 0) || !(fv = malloc(sz))) {
			snprintf(buf, sz, "?");
			return;
		}
		o = snprintf(buf, sz, v->kind == K_STRUCT ? "{" : "[");
		for (const struct value *m = first(v); m; m = next(v, m)) {
			for (int i = 0; i < (v->kind == K_ARRAY ? shown(v) : 1) && o < sz; i++) {
				format_value(fv, sz, m, x, member_at(v, m, at, i));
				if (v->kind == K_ARRAY)
					o += snprintf(buf + o, sz - o, "%s%s", i ? ", " : "", fv);
				else
					o += snprintf(buf + o, sz - o, "%s%s=%s", m != v + 1 ? ", " : "",
						      m->name, fv);
			}
		}
		if (v->kind == K_ARRAY && v->count > ARRAY_SHOW && o < sz)
			o += snprintf(buf + o, sz - o, ", ...");
		if (o < sz)
			snprintf(buf + o, sz - o, v->kind == K_STRUCT ? "}" : "]");
		free(fv);
		return;
	}
	if (!get_word(v, x, at, 0, &w)) {
		snprintf(buf, sz, "?");
		return;
	}
	switch (v->kind) {
	case K_INT:
		snprintf(buf, sz, "%lld", sext(w, v->size));
		break;
	case K_UINT:
		snprintf(buf, sz, "%llu", (unsigned long long)zext(w, v->size));
		break;
	case K_BOOL:
		snprintf(buf, sz, "%s", w & 0xff ? "true" : "false");
		break;
	case K_FLOAT:
		snprintf(buf, sz, "%g", float_of(v, w));
		break;
	case K_PTR:
		if (!w)
			snprintf(buf, sz, "nil");
		else if (v->elem_size && word_of(v, x, at, 0, 0, &n))
			snprintf(buf, sz, "0x%llx->%s", (unsigned long long)w, scalar(v, n, pv, sizeof(pv)));
		else
			snprintf(buf, sz, "0x%llx", (unsigned long long)w);
		break;
	case K_MAP:
		if (!w)
			snprintf(buf, sz, "nil");
		else if (word_of(v, x, at, 0, 0, &n))
			snprintf(buf, sz, "map[len=%llu]", (unsigned long long)n);
		else
			snprintf(buf, sz, "0x%llx", (unsigned long long)w);
		break;
	case K_STRING:
		s = str_bytes(v, x, at, &len, &cut);
		if (!s) {
			snprintf(buf, sz, "?");
			break;
		}
		quote(buf, sz - 4, s, len);
		if (cut)
			strcat(buf, "...");
		break;
	case K_SLICE:
		if (!w)
			snprintf(buf, sz, "nil");
		else if (get_word(v, x, at, 1, &n) && get_word(v, x, at, 2, &c))
			snprintf(buf, sz, "[len=%llu cap=%llu]", (unsigned long long)n,
				 (unsigned long long)c);
		else
			snprintf(buf, sz, "?");
		break;
	case K_ERROR:
	case K_IFACE:
	case K_EFACE:
		/* An interface is nil when its type word is. */
		if (!w)
			snprintf(buf, sz, "nil");
		else if (!iface_type(v, x, at, w, buf, sz))
			snprintf(buf, sz, "non-nil");
		break;
	default:
		snprintf(buf, sz, "?");
		break;
	}
}

/* One argument or result (at `at`) as the JSON value `key` (NULL in arrays). */
static void json_value(struct bk_json *j, const char *key, const struct value *v,
		       const struct side *x, int at)
{
	char hex[256];
	const char *s;
	size_t len;
	bool cut;
	__u64 w, n, c;

	if (v->kind == K_STRUCT || v->kind == K_ARRAY) {
		if (at < 0 && v->reg < 0) {
			bk_json_null(j, key);
			return;
		}
		if (v->kind == K_STRUCT)
			bk_json_object_begin(j, key);
		else
			bk_json_array_begin(j, key);
		for (const struct value *m = first(v); m; m = next(v, m))
			for (int i = 0; i < (v->kind == K_ARRAY ? shown(v) : 1); i++)
				json_value(j, v->kind == K_ARRAY ? NULL : m->name, m, x,
					   member_at(v, m, at, i));
		if (v->kind == K_STRUCT) {
			bk_json_object_end(j);
		} else {
			bk_json_array_end(j);
			/* Longer than shown: NAME_len says how long. */
			if (key && v->count > ARRAY_SHOW) {
				snprintf(hex, sizeof(hex), "%.*s_len", 200, key);
				bk_json_uint(j, hex, v->count);
			}
		}
		return;
	}
	if (!get_word(v, x, at, 0, &w) || v->kind == K_COMPLEX || v->kind == K_OTHER) {
		bk_json_null(j, key);
		return;
	}
	switch (v->kind) {
	case K_INT:
		bk_json_int(j, key, sext(w, v->size));
		break;
	case K_UINT:
		bk_json_uint(j, key, zext(w, v->size));
		break;
	case K_BOOL:
		bk_json_bool(j, key, w & 0xff);
		break;
	case K_FLOAT:
		bk_json_double(j, key, float_of(v, w));
		break;
	case K_PTR:
		snprintf(hex, sizeof(hex), "0x%llx", (unsigned long long)w);
		if (w)
			bk_json_str(j, key, hex, sizeof(hex));
		else
			bk_json_null(j, key);
		/* An argument's pointee read: NAME_value, a number or a bool. */
		if (w && key && v->elem_size && word_of(v, x, at, 0, 0, &n)) {
			char k[sizeof(v->name) + 8];

			snprintf(k, sizeof(k), "%s_value", key);
			if (v->elem == K_BOOL)
				bk_json_bool(j, k, n & 0xff);
			else if (v->elem == K_INT)
				bk_json_int(j, k, sext(n, v->elem_size));
			else
				bk_json_uint(j, k, zext(n, v->elem_size));
		}
		break;
	case K_MAP:
		if (!w) {
			bk_json_null(j, key);
		} else if (word_of(v, x, at, 0, 0, &n)) {
			bk_json_object_begin(j, key);
			bk_json_uint(j, "len", n);
			bk_json_object_end(j);
		} else {
			snprintf(hex, sizeof(hex), "0x%llx", (unsigned long long)w);
			bk_json_str(j, key, hex, sizeof(hex));
		}
		break;
	case K_STRING:
		s = str_bytes(v, x, at, &len, &cut);
		if (s && key)
			bk_json_str_cut(j, key, s, len, cut);
		else if (s)
			bk_json_str(j, key, s, len);
		else
			bk_json_null(j, key);
		break;
	case K_SLICE:
		if (w && get_word(v, x, at, 1, &n) && get_word(v, x, at, 2, &c)) {
			bk_json_object_begin(j, key);
			bk_json_uint(j, "len", n);
			bk_json_uint(j, "cap", c);
			bk_json_object_end(j);
		} else {
			bk_json_null(j, key);
		}
		break;
	default:
		/* Interfaces: the dynamic type's name. */
		if (!w)
			bk_json_null(j, key);
		else if (iface_type(v, x, at, w, hex, sizeof(hex)))
			bk_json_str(j, key, hex, sizeof(hex));
		else
			bk_json_str(j, key, "non-nil", 8);
		break;
	}
}

/* "main.greet(name="gopher", year=2009) = "hello gopher, 2009"" */
static void format_call(char *buf, size_t sz, const struct side *a, const struct side *r,
			const char *name, const struct probe *p)
{
	char val[2048];
	size_t o;

	o = snprintf(buf, sz, "%s(", name);
	if (!p->has_sig)
		o += snprintf(buf + o, o < sz ? sz - o : 0, "...");
	for (int i = 0; i < p->nargs && o < sz; i += 1 + p->args[i].nsub) {
		format_value(val, sizeof(val), &p->args[i], a, p->args[i].stk);
		o += snprintf(buf + o, sz - o, "%s%s%s%s", i ? ", " : "", p->args[i].name,
			      p->args[i].name[0] ? "=" : "", val);
	}
	if (o < sz)
		o += snprintf(buf + o, sz - o, ")");
	if (p->nrets && o < sz)
		o += snprintf(buf + o, sz - o, " = %s", p->rets_paren ? "(" : "");
	for (int i = 0; i < p->nrets && o < sz; i += 1 + p->rets[i].nsub) {
		format_value(val, sizeof(val), &p->rets[i], r, p->rets[i].stk);
		o += snprintf(buf + o, sz - o, "%s%s%s%s", i ? ", " : "", p->rets[i].name,
			      p->rets[i].name[0] ? "=" : "", val);
	}
	if (p->rets_paren && o < sz)
		snprintf(buf + o, sz - o, ")");
}

static void print_header(void)
{
	if (bk_env.json)
		return;
	printf("%-*s %-*s %-7s %s %s\n", BK_W_TIME, "TIME", BK_W_PID, "PID", "GOID", "CALL",
	       "LAT(us)");
}

static int handle_event(void *ctx, void *data, size_t size)
{
	static struct gotrace_event full;
	const struct gotrace_event *e = data;
	const struct probe *p;
	const char *name;
	char call[4096], t[48];
	struct side a, r;
	struct bk_json j;

	/* Calls without strings come without the string arrays. */
	if (size < offsetof(struct gotrace_event, arg_str) || e->func >= opt.nfuncs)
		return 0;
	if (size < sizeof(*e)) {
		memset(&full, 0, sizeof(full));
		memcpy(&full, data, size);
		e = &full;
	}
	name = opt.funcs[e->func].name;
	p = opt.sig[e->func];
	/* The load bias (PIE) turns run-time type addresses into the binary's. */
	a = (struct side){ e->args, e->arg_str, e->arg_str_ok, e->arg_words, e->arg_word_ok,
			   e->arg_stack_ok ? p->spec.arg_stack_len : 0, p->spec.arg_str,
			   p->spec.arg_word, p->spec.arg_word_off,
			   e->entry_ip - opt.funcs[e->func].entry };
	r = (struct side){ e->rets, e->ret_str, e->ret_str_ok, e->ret_words, e->ret_word_ok,
			   e->ret_stack_ok ? p->spec.ret_stack_len : 0, p->spec.ret_str,
			   p->spec.ret_word, p->spec.ret_word_off, a.bias };
	format_call(call, sizeof(call), &a, &r, name, p);
	if (bk_env.json) {
		bk_time_iso(t, sizeof(t), e->ts_ns);
		bk_json_begin(&j, stdout);
		bk_json_str(&j, "time", t, sizeof(t));
		bk_json_uint(&j, "pid", e->tgid);
		bk_json_uint(&j, "tid", e->tid);
		bk_json_uint(&j, "goid", e->goid);
		bk_json_str(&j, "func", name, (size_t)-1);
		bk_json_str(&j, "call", call, sizeof(call));
		bk_json_uint(&j, "lat_ns", e->lat_ns);
		if (p->has_sig) {
			bk_json_object_begin(&j, "args");
			for (int i = 0; i < p->nargs; i += 1 + p->args[i].nsub) {
				char key[sizeof(p->args[i].name)];

				snprintf(key, sizeof(key), "%.*s", (int)sizeof(key) - 1,
					 p->args[i].name);
				if (!key[0])
					snprintf(key, sizeof(key), "arg%d", i);
				json_value(&j, key, &p->args[i], &a, p->args[i].stk);
			}
			bk_json_object_end(&j);
			bk_json_array_begin(&j, "ret");
			for (int i = 0; i < p->nrets; i += 1 + p->rets[i].nsub)
				json_value(&j, NULL, &p->rets[i], &r, p->rets[i].stk);
			bk_json_array_end(&j);
			/* Results have no keys: their cut flags go in a parallel array. */
			bk_json_array_begin(&j, "ret_truncated");
			for (int i = 0; i < p->nrets; i += 1 + p->rets[i].nsub)
				bk_json_bool(&j, NULL, str_cut(&p->rets[i], &r));
			bk_json_array_end(&j);
		}
		bk_json_end(&j);
		return 0;
	}
	bk_time_hms(t, sizeof(t), e->ts_ns);
	printf("%-*s %-*u %-7llu %s %.3f\n", BK_W_TIME, t, BK_W_PID, e->tgid,
	       (unsigned long long)e->goid, call, e->lat_ns / 1000.0);
	return 0;
}

/* ---- functions ---- */

/* Every function each probe matches, in one table; the first probe wins. */
static int match_funcs(struct gouprobe *gp)
{
	struct gofunc *fs;
	size_t n;
	int err;

	for (int p = 0; p < opt.nprobes; p++) {
		err = gouprobe_match(gp, opt.probes[p].glob, GO_MAX_FUNCS, &fs, &n);
		if (err)
			return err;
		for (size_t i = 0; i < n; i++) {
			bool dup = false;

			for (size_t k = 0; k < opt.nfuncs && !dup; k++)
				dup = opt.funcs[k].entry == fs[i].entry;
			if (dup)
				continue;
			if (opt.nfuncs == GO_MAX_FUNCS) {
				free(fs);
				bk_set_error("the probes match more than %d functions", GO_MAX_FUNCS);
				return -E2BIG;
			}
			if (!opt.funcs) {
				opt.funcs = calloc(GO_MAX_FUNCS, sizeof(*opt.funcs));
				opt.sig = calloc(GO_MAX_FUNCS, sizeof(*opt.sig));
				if (!opt.funcs || !opt.sig) {
					free(fs);
					return -ENOMEM;
				}
			}
			opt.sig[opt.nfuncs] = &opt.probes[p];
			opt.funcs[opt.nfuncs++] = fs[i];
		}
		free(fs);
	}
	return 0;
}

/* reflect.Kind (DW_AT_go_kind) -> how the value is decoded. */
static void kind_of(int go_kind, const char *type, struct value *v)
{
	static const signed char ints[] = { [2] = 8, [3] = 1, [4] = 2, [5] = 4, [6] = 8,
					    [7] = 8, [8] = 1, [9] = 2, [10] = 4, [11] = 8, [12] = 8 };

	v->size = 8;
	if (go_kind >= 2 && go_kind <= 12) {
		v->kind = go_kind <= 6 ? K_INT : K_UINT;
		v->size = ints[go_kind];
		return;
	}
	switch (go_kind) {
	case 1:
		v->kind = K_BOOL;
		v->size = 1;
		break;
	case 13: case 14:
		v->kind = K_FLOAT;
		v->size = go_kind == 13 ? 4 : 8;
		break;
	case 15: case 16:
		v->kind = K_COMPLEX;
		v->size = go_kind == 15 ? 8 : 16;
		break;
	case 17:
		v->kind = K_ARRAY;
		break;
	case 25:
		v->kind = K_STRUCT;
		break;
	case 18: case 19: case 22: case 26:
		v->kind = K_PTR;
		break;
	case 21:
		v->kind = K_MAP;
		break;
	case 20:
		v->size = 16;
		v->kind = !strcmp(type, "error") ? K_ERROR :
			  !strcmp(type, "interface {}") || !strcmp(type, "any") ? K_EFACE : K_IFACE;
		break;
	case 23:
		v->kind = K_SLICE;
		v->size = 24;
		break;
	case 24:
		v->kind = K_STRING;
		v->size = 16;
		break;
	default:
		v->kind = K_OTHER;
		break;
	}
}

/* The signatures DWARF gives functions probed without one (none when stripped). */
static void dwarf_sigs(struct gouprobe *gp)
{
	struct godwarf_param dp[64];
	size_t n, found = 0;
	int tops;

	for (size_t i = 0; i < opt.nfuncs; i++) {
		struct probe *p;

		if (opt.sig[i]->has_sig ||
		    gobin_func_params(gouprobe_gobin(gp), opt.funcs[i].name, dp, 64, &n))
			continue;
		p = calloc(1, sizeof(*p));
		if (!p)
			return;
		p->has_sig = true;
		for (size_t k = 0; k < n; k++) {
			int *cnt = dp[k].is_result ? &p->nrets : &p->nargs;
			struct value *v = (dp[k].is_result ? p->rets : p->args) + *cnt;

			if (*cnt == MAX_VALUES)
				continue;
			snprintf(v->name, sizeof(v->name), "%.63s", dp[k].name);
			v->field = dp[k].is_field;
			kind_of(dp[k].kind, dp[k].type, v);
			if (v->kind == K_PTR && dp[k].elem_kind) {
				struct value e = { .kind = K_OTHER };

				kind_of(dp[k].elem_kind, "", &e);
				if (e.kind == K_INT || e.kind == K_UINT || e.kind == K_BOOL)
					v->elem = e.kind, v->elem_size = e.size;
			}
			v->off = (int)dp[k].offset;
			v->nsub = dp[k].nfields;
			if (v->kind == K_STRUCT || v->kind == K_ARRAY) {
				v->size = (int)dp[k].size;
				v->count = (int)dp[k].count;
				/* Not expanded (too deep): its layout is not known. */
				if (v->size < 0 || (v->size > 0 && !v->nsub) ||
				    (v->kind == K_ARRAY && (v->count < 0 || (v->count && !v->nsub))))
					v->kind = K_OTHER;
			}
			(*cnt)++;
		}
		tops = 0;
		for (int k = 0; k < p->nrets; k++)
			tops += !p->rets[k].field;
		p->rets_paren = tops > 1 || (p->nrets && p->rets[0].name[0]);
		assign_probe(p);
		opt.sig[i] = p;
		found++;
	}
	bk_info(1, "signatures of %zu of %zu functions from DWARF", found, opt.nfuncs);
}

/* --list: names and source lines of every match (listing attaches nothing: no cap). */
static int list_funcs(struct gouprobe *gp)
{
	struct gofunc *fs;
	const char *file;
	size_t n;
	int line, err;

	err = gouprobe_match(gp, opt.list_glob, (size_t)-1, &fs, &n);
	if (err)
		return err;
	for (size_t i = 0; i < n; i++) {
		if (gobin_pc_info(gouprobe_gobin(gp), fs[i].entry, NULL, &file, &line) || !file)
			printf("%s\n", fs[i].name);
		else
			printf("%s %s:%d\n", fs[i].name, file, line);
	}
	free(fs);
	return 0;
}

/* What BPF reads of each function's values, then entry and RET probes. */
static int attach_funcs(struct gotrace_bpf *skel, struct gouprobe *gp,
			struct bk_links *links)
{
	int fd = bpf_map__fd(skel->maps.specs), err;

	for (__u32 i = 0; i < opt.nfuncs; i++) {
		if (bpf_map_update_elem(fd, &i, &opt.sig[i]->spec, BPF_ANY)) {
			err = -errno;
			bk_set_error("cannot fill the signature map: %s", strerror(errno));
			return err;
		}
	}
	return gotarget_attach(gp, opt.funcs, opt.nfuncs, skel->progs.handle_call,
			       skel->progs.handle_call_exit, links);
}

int main(int argc, char **argv)
{
	struct bk_links links = {};
	struct gotrace_bpf *skel = NULL;
	struct gouprobe *gp = NULL;
	struct bk_loop loop = {};
	int err;

	/* Arguments; the shared letters land in bk_env. */
	bk_parse_args_doc(argc, argv, options, parse_arg, "[BINARY] PROBE...",
			  argp_program_doc,
			  BK_OPT_PID | BK_OPT_UID | BK_OPT_COMM | BK_OPT_CGROUP | BK_OPT_DURATION |
			  BK_OPT_JSON);

	/* --list reads the binary only: no privileges needed. */
	if (opt.list) {
		bk_log_init("gotrace");
		err = gouprobe_open(gotarget.binary, bk_env.pid, GOUPROBE_READ_ONLY, &gp);
		if (!err)
			err = list_funcs(gp);
		goto cleanup;
	}

	/* Logging, privileges, BTF; then the Go program and its functions. */
	err = bk_init("gotrace");
	if (err)
		goto cleanup;
	err = gotarget_open(GOTARGET_NEED_GOID, &gp);
	if (err)
		goto cleanup;
	if (!gouprobe_regabi(gp) && opt.probes[0].has_sig) {
		err = -ENOTSUP;
		bk_set_error("%s was built with %s, which passes arguments on the stack: "
			     "arguments are decoded for Go 1.17 and later only",
			     gouprobe_name(gp), gouprobe_go_version(gp));
		goto cleanup;
	}
	opt.gb = gouprobe_gobin(gp);
	err = match_funcs(gp);
	if (err)
		goto cleanup;
	dwarf_sigs(gp);

	/* Open the BPF object. */
	skel = gotrace_bpf__open_opts(bk_open_opts());
	err = bk_opened(skel);
	if (err)
		goto cleanup;

	/* Filters and the goroutine layout go to .rodata before load. */
	bk_filter_fill(&skel->rodata->bk_filter);
	skel->rodata->go_goid_offset = gouprobe_goid_offset(gp);
	skel->rodata->go_regabi = gouprobe_regabi(gp);
	err = bk_events_size(skel->maps.events, &skel->rodata->bk_wakeup, 4 << 20);
	if (!err)
		err = gotarget_set_inflight(skel->maps.starts, skel->maps.go_unfit);
	if (err)
		goto cleanup;

	/* One path: uprobes (named for -v and the test matrix). */
	struct bk_variant variants[] = {
		{ "uprobe", { skel->progs.handle_call, skel->progs.handle_call_exit } },
	};
	err = bk_choose(variants, 1, NULL);
	if (err < 0)
		goto cleanup;
	gotarget_multi(skel->progs.handle_call, skel->progs.handle_call_exit);

	/* Load (the verifier runs here); signatures and probes, then the rest. */
	err = bk_load(skel->skeleton);
	if (err)
		goto cleanup;
	err = attach_funcs(skel, gp, &links);
	if (err)
		goto cleanup;
	err = bk_attach(skel->skeleton);
	if (err)
		goto cleanup;

	/* Events, signals, then the header. */
	err = bk_events(&loop, skel->maps.events, handle_event, NULL, &skel->bss->bk_drops);
	if (err)
		goto cleanup;
	gotarget_loop(&loop, &opt.chk, gp, skel->maps.go_goid_samples, &skel->bss->go_goid_checked,
		      &skel->bss->bk_lost_starts);
	bk_signals();
	print_header();

	/* Until Ctrl-C, SIGTERM or -d. */
	err = bk_run(&loop);

cleanup:
	bk_loop_free(&loop);
	bk_links_destroy(&links);
	gotrace_bpf__destroy(skel);
	free(opt.funcs);
	for (size_t i = 0; i < opt.nfuncs; i++)
		if (opt.sig[i] < opt.probes || opt.sig[i] >= opt.probes + MAX_PROBES)
			free(opt.sig[i]);
	free(opt.sig);
	gouprobe_close(gp);
	return bk_exit(err);
}
