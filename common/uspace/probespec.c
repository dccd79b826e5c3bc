// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/bpf.h>
#include "uspace/elfsym.h"
#include "uspace/ifunc.h"
#include "core/log.h"
#include "core/opts.h"
#include "uspace/probespec.h"
#include "core/setup.h"
#include "uspace/uprobe_target.h"
#include "uspace/uprobes.h"

/* Characters of names and globs: identifiers, dots, and fnmatch's own. */
static bool glob_ok(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.$@*?[]!-", *s))
			return false;
	return true;
}

static int copy(char *dst, size_t sz, const char *src, size_t len)
{
	if (len >= sz)
		return -ENAMETOOLONG;
	memcpy(dst, src, len);
	dst[len] = 0;
	return 0;
}

int probespec_parse(const char *s, struct probespec *ps)
{
	const char *c1, *c2;
	struct uprobe_spec us;
	int err;

	memset(ps, 0, sizeof(*ps));
	if (!strncmp(s, "t:", 2)) {
		ps->kind = PROBESPEC_TRACEPOINT;
		c1 = strchr(s + 2, ':');
		if (!c1 || strchr(c1 + 1, ':'))
			goto bad;
		if (copy(ps->group, sizeof(ps->group), s + 2, c1 - s - 2) ||
		    copy(ps->glob, sizeof(ps->glob), c1 + 1, strlen(c1 + 1)))
			return -ENAMETOOLONG;
		if (!glob_ok(ps->group) || !glob_ok(ps->glob))
			goto bad;
		return 0;
	}
	if (!strncmp(s, "u:", 2)) {
		/* u:PATH:NAME or u:PATH:PROVIDER:NAME; a path has no ':'. */
		ps->kind = PROBESPEC_USDT;
		c1 = strchr(s + 2, ':');
		if (!c1 || c1 == s + 2)
			goto bad;
		c2 = strchr(c1 + 1, ':');
		if (copy(ps->target, sizeof(ps->target), s + 2, c1 - s - 2))
			return -ENAMETOOLONG;
		if (c2) {
			if (copy(ps->group, sizeof(ps->group), c1 + 1, c2 - c1 - 1))
				return -ENAMETOOLONG;
			c1 = c2;
			if (!glob_ok(ps->group) || strchr(c1 + 1, ':'))
				goto bad;
		}
		if (copy(ps->glob, sizeof(ps->glob), c1 + 1, strlen(c1 + 1)))
			return -ENAMETOOLONG;
		if (!glob_ok(ps->glob))
			goto bad;
		return 0;
	}
	if (!strchr(s, ':')) {
		ps->kind = PROBESPEC_KFUNC;
		if (copy(ps->glob, sizeof(ps->glob), s, strlen(s)))
			return -ENAMETOOLONG;
		if (!glob_ok(ps->glob))
			goto bad;
		return 0;
	}
	ps->kind = PROBESPEC_UFUNC;
	err = uprobe_spec_parse(s, &us);
	if (err == -ENAMETOOLONG)
		return err;
	if (err || us.kind != 'p')
		goto bad;
	strcpy(ps->target, us.target);
	strcpy(ps->glob, us.func);
	return 0;
bad:
	bk_set_error("invalid pattern '%s': want PATH:FUNC, LIB:FUNC, t:CATEGORY:NAME, "
		     "u:PATH:NAME or a kernel function, globs allowed", s);
	return -EINVAL;
}

error_t probespec_parse_opt(struct probespec_args *a, const char *missing, int key, char *arg,
			    struct argp_state *state)
{
	switch (key) {
	case PROBESPEC_OPT_LIST:
		a->list = arg;
		break;
	case PROBESPEC_OPT_MAX_PROBES:
		if (bk_parse_long(arg, 1, 1000000, &a->max_probes))
			bk_usage(state, "invalid --max-probes '%s': want 1 to 1000000", arg);
		break;
	case ARGP_KEY_ARG:
		if (a->npos == 3)
			bk_usage(state, "unexpected argument '%s'", arg);
		a->pos[a->npos++] = arg;
		break;
	case ARGP_KEY_END:
		if (a->list) {
			if (a->npos)
				bk_usage(state, "--list takes no other argument ('%s')", a->pos[0]);
			break;
		}
		if (!a->npos)
			bk_usage(state, "%s", missing);
		a->pattern = a->pos[0];
		if (probespec_parse(a->pattern, &a->ps))
			bk_usage(state, "%s", bk_error());
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static int add(struct probe_set *set, size_t *cap, const char *name, uint64_t offset)
{
	struct probe *p;

	if (set->n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		p = realloc(set->p, *cap * sizeof(*p));
		if (!p)
			return -ENOMEM;
		set->p = p;
	}
	set->p[set->n].name = strdup(name);
	if (!set->p[set->n].name)
		return -ENOMEM;
	set->p[set->n].impl = NULL;
	set->p[set->n].unprobed = false;
	set->p[set->n++].offset = offset;
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct probe *)a)->name, ((const struct probe *)b)->name);
}

/* Sorts and drops repeated names (kallsyms has many). */
static void sort_unique(struct probe_set *set)
{
	size_t o = 0;

	if (!set->n)
		return;
	qsort(set->p, set->n, sizeof(*set->p), by_name);
	for (size_t i = 1; i < set->n; i++) {
		if (!strcmp(set->p[i].name, set->p[o].name)) {
			free(set->p[i].name);
			free(set->p[i].impl);
			continue;
		}
		set->p[++o] = set->p[i];
	}
	set->n = o + 1;
}

static const char *tracefs_root(void)
{
	return access("/sys/kernel/tracing/events", F_OK) ? "/sys/kernel/debug/tracing"
							  : "/sys/kernel/tracing";
}

static int match_tracepoints(const struct probespec *ps, struct probe_set *set, size_t *cap)
{
	char dir[PATH_MAX], name[512];
	struct dirent *c, *e;
	DIR *top, *sub;
	int err = bk_tracefs();

	if (err)
		return err;
	snprintf(dir, sizeof(dir), "%s/events", tracefs_root());
	top = opendir(dir);
	if (!top) {
		err = -errno;
		bk_set_error("cannot read %s: %s", dir, strerror(errno));
		return err;
	}
	while (!err && (c = readdir(top))) {
		if (c->d_name[0] == '.' || fnmatch(ps->group, c->d_name, 0))
			continue;
		snprintf(dir, sizeof(dir), "%s/events/%s", tracefs_root(), c->d_name);
		sub = opendir(dir);
		if (!sub)
			continue;	/* a file such as "enable" */
		while (!err && (e = readdir(sub))) {
			if (e->d_name[0] == '.' || e->d_type != DT_DIR || fnmatch(ps->glob, e->d_name, 0))
				continue;
			snprintf(name, sizeof(name), "%s:%s", c->d_name, e->d_name);
			err = add(set, cap, name, 0);
		}
		closedir(sub);
	}
	closedir(top);
	return err;
}

static int by_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The functions kprobes refuse (NOKPROBE_SYMBOL, the kprobe machinery
 * itself), sorted, from debugfs when it is mounted; none otherwise.
 */
static int read_kprobe_blacklist(char ***names, size_t *n)
{
	char line[512], name[256], **v = NULL, **p;
	size_t cap = 0;
	FILE *f;

	*names = NULL;
	*n = 0;
	f = fopen("/sys/kernel/debug/kprobes/blacklist", "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%*s %255s", name) != 1)
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 256;
			p = realloc(v, cap * sizeof(*v));
			if (!p)
				goto nomem;
			v = p;
		}
		if (!(v[*n] = strdup(name)))
			goto nomem;
		(*n)++;
	}
	fclose(f);
	if (*n)
		qsort(v, *n, sizeof(*v), by_str);
	*names = v;
	return 0;
nomem:
	fclose(f);
	while (*n)
		free(v[--*n]);
	free(v);
	return -ENOMEM;
}

/*
 * Kernel functions: the ones ftrace can probe (available_filter_functions:
 * no notrace functions), else the text symbols of /proc/kallsyms where that
 * file is not readable; less those kprobes refuse (the kprobe blacklist).
 */
static int match_kfuncs(const struct probespec *ps, struct probe_set *set, size_t *cap)
{
	char path[PATH_MAX], line[512], name[256], type, **black, *key = name;
	bool kallsyms = false;
	size_t nblack;
	int err;
	FILE *f;

	err = read_kprobe_blacklist(&black, &nblack);
	if (err)
		return err;
	snprintf(path, sizeof(path), "%s/available_filter_functions", tracefs_root());
	f = fopen(path, "r");
	if (!f || !fgets(line, sizeof(line), f)) {
		if (f)
			fclose(f);
		f = fopen("/proc/kallsyms", "r");
		kallsyms = true;
		if (!f) {
			err = -errno;
			bk_set_error("cannot read /proc/kallsyms: %s", strerror(errno));
			goto out;
		}
	} else {
		rewind(f);
	}
	while (!err && fgets(line, sizeof(line), f)) {
		if (kallsyms) {
			if (sscanf(line, "%*s %c %255s", &type, name) != 2 || (type != 't' && type != 'T'))
				continue;
		} else if (sscanf(line, "%255s", name) != 1) {
			continue;
		}
		/* Compiler clones (foo.isra.0, foo.cold) are not functions to ask for. */
		if (strchr(name, '.') || fnmatch(ps->glob, name, 0) ||
		    (nblack && bsearch(&key, black, nblack, sizeof(*black), by_str)))
			continue;
		err = add(set, cap, name, 0);
	}
	fclose(f);
out:
	while (nblack)
		free(black[--nblack]);
	free(black);
	return err;
}

static bool has_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/* Adds a function at offset, as another name of a probe already there. */
static int add_func(struct probe_set *set, size_t *cap, const char *name, uint64_t offset,
		    const char *impl)
{
	char *joined;
	size_t k;

	for (k = 0; k < set->n && set->p[k].offset != offset; k++)
		;
	if (k == set->n) {
		if (add(set, cap, name, offset))
			return -ENOMEM;
		if (impl && !(set->p[k].impl = strdup(impl)))
			return -ENOMEM;
		return 0;
	}
	/* Two probes at one address would both count every call. */
	if (asprintf(&joined, "%s/%s", set->p[k].name, name) < 0)
		return -ENOMEM;
	free(set->p[k].name);
	set->p[k].name = joined;
	return 0;
}

static int match_ufuncs(const struct probespec *ps, pid_t pid, struct probe_set *set, size_t *cap)
{
	const struct elfsym_sym **syms = NULL;
	struct elfsym_file *f;
	struct ifunc_impl impl;
	char hex[32];
	size_t n = 0;
	int err;

	err = elfsym_open(set->path, &f);
	if (err) {
		bk_set_error("cannot read the ELF file %s: %s", set->path, strerror(-err));
		return err;
	}
	err = elfsym_match(f, ps->glob, &syms, &n);
	for (size_t i = 0; !err && i < n; i++) {
		if (!syms[i]->ifunc) {
			if (syms[i]->offset)
				err = add_func(set, cap, syms[i]->name, syms[i]->offset, NULL);
			continue;
		}
		/* An IFUNC's symbol is its resolver, run once by ld.so. */
		err = ifunc_resolve(f, set->path, syms[i], pid, &impl);
		if (err == -ESRCH || (err && !has_glob(ps->glob)))
			break;
		if (err) {
			if (!set->ifunc_skipped++)
				snprintf(set->ifunc_why, sizeof(set->ifunc_why), "%s", bk_error());
			err = 0;
			continue;
		}
		bk_info(1, "%s is an IFUNC: probing %s at offset 0x%llx, %s", syms[i]->name,
			impl.name ? impl.name : "its implementation",
			(unsigned long long)impl.offset, impl.how);
		snprintf(hex, sizeof(hex), "0x%llx", (unsigned long long)impl.offset);
		err = add_func(set, cap, syms[i]->name, impl.offset, impl.name ? impl.name : hex);
	}
	free(syms);
	elfsym_close(f);
	if (!err && !set->n && set->ifunc_skipped) {
		bk_set_error("%s", set->ifunc_why);
		return -ENOENT;
	}
	return err;
}

struct usdt_ctx {
	const struct probespec *ps;
	struct probe_set *set;
	size_t *cap;
};

static int usdt_cb(const struct elfsym_usdt *u, void *data)
{
	struct usdt_ctx *c = data;
	char name[512];

	if ((c->ps->group[0] && fnmatch(c->ps->group, u->provider, 0)) ||
	    fnmatch(c->ps->glob, u->name, 0))
		return 0;
	snprintf(name, sizeof(name), "%s:%s", u->provider, u->name);
	return add(c->set, c->cap, name, u->pc_offset);
}

static int match_usdt(const struct probespec *ps, struct probe_set *set, size_t *cap)
{
	struct usdt_ctx c = { ps, set, cap };
	struct elfsym_file *f;
	int err;

	err = elfsym_open_opts(set->path, &(struct elfsym_opts){ .no_debug_file = true }, &f);
	if (err) {
		bk_set_error("cannot read the ELF file %s: %s", set->path, strerror(-err));
		return err;
	}
	err = elfsym_usdt_foreach(f, usdt_cb, &c);
	elfsym_close(f);
	if (err == -EINVAL)
		bk_set_error("%s has a malformed USDT note", set->path);
	return err;
}

int probe_set_match(const struct probespec *ps, pid_t pid, size_t max, struct probe_set *set)
{
	size_t cap = 0;
	int err;

	memset(set, 0, sizeof(*set));
	set->kind = ps->kind;
	if (ps->kind == PROBESPEC_UFUNC || ps->kind == PROBESPEC_USDT) {
		err = uprobe_target_resolve(ps->target, pid, set->path, sizeof(set->path));
		if (err) {
			bk_set_error("cannot find '%s'%s: %s", ps->target,
				     pid > 0 ? " in the process" : "",
				     err == -ENOENT ? "no such file, program or library" : strerror(-err));
			return err;
		}
	}
	switch (ps->kind) {
	case PROBESPEC_TRACEPOINT: err = match_tracepoints(ps, set, &cap); break;
	case PROBESPEC_KFUNC: err = match_kfuncs(ps, set, &cap); break;
	case PROBESPEC_UFUNC: err = match_ufuncs(ps, pid, set, &cap); break;
	default: err = match_usdt(ps, set, &cap); break;
	}
	if (!err)
		sort_unique(set);
	if (!err && !set->n) {
		err = -ENOENT;
		switch (ps->kind) {
		case PROBESPEC_TRACEPOINT:
			bk_set_error("no tracepoint matches t:%s:%s", ps->group, ps->glob);
			break;
		case PROBESPEC_KFUNC:
			bk_set_error("no kernel function matches '%s'", ps->glob);
			break;
		case PROBESPEC_UFUNC:
			bk_set_error("no function of %s matches '%s'", set->path, ps->glob);
			break;
		default:
			bk_set_error("no USDT probe of %s matches '%s%s%s'", set->path, ps->group,
				     ps->group[0] ? ":" : "", ps->glob);
		}
	}
	if (!err && set->n > max) {
		size_t n = set->n;

		probe_set_free(set);
		set->n = n;
		return -E2BIG;
	}
	if (err) {
		probe_set_free(set);
		if (err == -ENOMEM)
			bk_set_error("out of memory");
	}
	return err;
}

void probe_set_free(struct probe_set *set)
{
	for (size_t i = 0; set->p && i < set->n; i++) {
		free(set->p[i].name);
		free(set->p[i].impl);
	}
	free(set->p);
	set->p = NULL;
	set->n = 0;
}

void probe_print(FILE *f, const struct probe_set *set, size_t i)
{
	switch (set->kind) {
	case PROBESPEC_TRACEPOINT: fprintf(f, "t:%s\n", set->p[i].name); break;
	case PROBESPEC_KFUNC: fprintf(f, "%s\n", set->p[i].name); break;
	case PROBESPEC_UFUNC:
		for (const char *n = set->p[i].name; *n; n += strcspn(n, "/"), n += *n == '/')
			fprintf(f, "%s:%.*s\n", set->path, (int)strcspn(n, "/"), n);
		break;
	default: fprintf(f, "u:%s:%s\n", set->path, set->p[i].name); break;
	}
}

long probe_list(FILE *f, const char *pattern, pid_t pid)
{
	struct probespec ps;
	struct probe_set set;
	long n;
	int err;

	err = probespec_parse(pattern, &ps);
	if (!err)
		err = probe_set_match(&ps, pid, (size_t)-1, &set);
	if (err)
		return err;
	probe_set_notes(&set);
	for (size_t i = 0; i < set.n; i++)
		probe_print(f, &set, i);
	n = (long)set.n;
	probe_set_free(&set);
	return n;
}

void probe_set_notes(const struct probe_set *set)
{
	const struct probe *first = NULL;
	char names[256] = "";
	size_t n = 0, len = 0;

	for (size_t i = 0; i < set->n; i++) {
		if (set->p[i].impl && !n++)
			first = &set->p[i];
	}
	/* -v has named each one already. */
	if (n == 1 && !bk_verbose)
		bk_info(0, "%s is an IFUNC: probing its implementation %s, the one processes "
			"here use (-v says how it was found)", first->name, first->impl);
	else if (n && !bk_verbose)
		bk_info(0, "%zu of the functions are IFUNCs (%s, ...): each is probed at the "
			"implementation processes here use (-v names them)", n, first->name);
	if (set->ifunc_skipped)
		bk_warn("%zu IFUNC%s left out: %s", set->ifunc_skipped,
			set->ifunc_skipped == 1 ? "" : "s", set->ifunc_why);
	n = 0;
	for (size_t i = 0; i < set->n; i++) {
		const struct probe *p = &set->p[i];

		if (!p->unprobed || n++ >= 3 || len >= sizeof(names))
			continue;
		len += snprintf(names + len, sizeof(names) - len, "%s%s%s%s%s", len ? ", " : "",
				p->name, p->impl ? " (" : "", p->impl ? p->impl : "",
				p->impl ? ")" : "");
	}
	if (n)
		bk_warn("%zu function%s left out: the kernel cannot probe %s first instruction: %s%s",
			n, n == 1 ? "" : "s", n == 1 ? "its" : "their", names, n > 3 ? ", ..." : "");
}

/* One kprobe.multi link for all kernel functions, their indexes as cookies. */
static int attach_kprobe_multi(const struct probe_set *set, struct bpf_program *prog,
			       bool retprobe, struct bk_links *l)
{
	const char **syms = calloc(set->n, sizeof(*syms));
	__u64 *cookies = calloc(set->n, sizeof(*cookies));
	int err = -ENOMEM;

	if (syms && cookies) {
		for (size_t i = 0; i < set->n; i++) {
			syms[i] = set->p[i].name;
			cookies[i] = i;
		}
		LIBBPF_OPTS(bpf_kprobe_multi_opts, opts, .syms = syms, .cookies = cookies,
			    .cnt = set->n, .retprobe = retprobe);
		err = bk_links_add(l, bpf_program__attach_kprobe_multi_opts(prog, NULL, &opts));
	}
	free(syms);
	free(cookies);
	return err;
}

/*
 * Functions of a binary: one multi-uprobe link when prog is made for one.
 * Those the kernel refuses are marked and left out of later calls.
 */
static int attach_ufuncs(struct probe_set *set, struct bpf_program *prog, pid_t pid,
			 bool retprobe, struct bk_links *l)
{
	uint64_t *offsets = malloc(set->n * sizeof(*offsets));
	uint64_t *cookies = malloc(set->n * sizeof(*cookies));
	bool *skipped = calloc(set->n, sizeof(*skipped));
	size_t n = 0;
	int err = -ENOMEM;

	if (!offsets || !cookies || !skipped)
		goto out;
	for (size_t i = 0; i < set->n; i++) {
		if (set->p[i].unprobed)
			continue;
		offsets[n] = set->p[i].offset;
		cookies[n++] = i;
	}
	if (bk_uprobe_multi_used(prog)) {
		err = bk_uprobes_attach_some(l, prog, pid, set->path, offsets, cookies, n, retprobe,
					     skipped);
	} else {
		/* One at a time, to name the function that fails. */
		err = 0;
		for (size_t k = 0; k < n && !err; k++) {
			err = bk_uprobes_attach_some(l, prog, pid, set->path, &offsets[k],
						     &cookies[k], 1, retprobe, &skipped[k]);
			if (err == -ENOTSUP)
				err = 0;
			else if (err)
				bk_set_error("cannot attach to %s:%s: %s", set->path,
					     set->p[cookies[k]].name, strerror(-err));
		}
	}
	if (err && err != -ENOTSUP)
		goto out;
	for (size_t k = 0; k < n; k++)
		if (skipped[k])
			set->p[cookies[k]].unprobed = true;
	if (err || n == 0 || !memchr(skipped, false, n)) {
		bk_set_error("the kernel cannot probe the first instruction of %s%s in %s",
			     set->n == 1 ? "" : "any of the functions, such as ", set->p[0].name,
			     set->path);
		err = -ENOTSUP;
	}
out:
	free(offsets);
	free(cookies);
	free(skipped);
	return err;
}

int probe_set_attach(struct probe_set *set, struct bpf_program *prog, pid_t pid,
		     bool retprobe, struct bk_links *l)
{
	size_t attached = 0;
	int err = 0;

	if (set->kind == PROBESPEC_UFUNC)
		return attach_ufuncs(set, prog, pid, retprobe, l);
	if (set->kind == PROBESPEC_KFUNC && bpf_program__type(prog) == BPF_PROG_TYPE_TRACING) {
		err = set->n == 1 ? bk_links_add(l, bpf_program__attach_trace(prog)) : -E2BIG;
		if (err)
			bk_set_error("cannot attach %s to %s: %s", bpf_program__name(prog),
				     set->p[0].name, strerror(-err));
		return err;
	}
	if (set->kind == PROBESPEC_KFUNC &&
	    bpf_program__expected_attach_type(prog) == BPF_TRACE_KPROBE_MULTI) {
		err = attach_kprobe_multi(set, prog, retprobe, l);
		if (err)
			bk_set_error("cannot attach a kprobe.multi link to %zu kernel functions: %s",
				     set->n, strerror(-err));
		return err;
	}
	for (size_t i = 0; i < set->n; i++) {
		const char *name = set->p[i].name;

		if (set->kind == PROBESPEC_TRACEPOINT) {
			LIBBPF_OPTS(bpf_tracepoint_opts, opts, .bpf_cookie = i);
			char cat[256];

			snprintf(cat, sizeof(cat), "%.*s", (int)strcspn(name, ":"), name);
			err = bk_links_add(l, bpf_program__attach_tracepoint_opts(
					      prog, cat, name + strlen(cat) + 1, &opts));
		} else if (set->kind == PROBESPEC_KFUNC) {
			LIBBPF_OPTS(bpf_kprobe_opts, opts, .bpf_cookie = i, .retprobe = retprobe);

			err = bk_links_add(l, bpf_program__attach_kprobe_opts(prog, name, &opts));
			/* Some listed functions cannot be probed (notrace, blacklisted). */
			if (err && err != -ENOMEM) {
				bk_info(1, "skipping kernel function %s: %s", name, strerror(-err));
				err = 0;
				continue;
			}
		} else {
			err = -EOPNOTSUPP;
		}
		if (err) {
			bk_set_error("cannot attach to %s: %s", name, strerror(-err));
			return err;
		}
		attached++;
	}
	if (!attached) {
		bk_set_error("none of the %zu kernel functions could be probed", set->n);
		return -ENOENT;
	}
	return 0;
}

int probespec_match(const struct probespec_args *a, pid_t pid, const char *what,
		    struct probe_set *set)
{
	int err = probe_set_match(&a->ps, pid, (size_t)a->max_probes, set);

	if (err == -E2BIG)
		bk_set_error("'%s' matches %zu %s, more than %ld: narrow the pattern or raise "
			     "--max-probes", a->pattern, set->n, what, a->max_probes);
	return err;
}
