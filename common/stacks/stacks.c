// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* Stacks from a BPF stack map, symbolized: see stacks.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include "core/log.h"
#include "core/output.h"
#include "stacks/ksyms.h"
#include "stacks/stacks.h"
#include "stacks/usyms.h"
#include "stacks_abi.h"

struct bk_stacks {
	int map_fd;
	const char *kallsyms;
	struct bk_ksyms *ks;
	bool ks_tried, warned;
	struct bk_usyms *us;
};

int bk_stacks_new(int stack_map_fd, struct bk_stacks **out)
{
	struct bk_stacks *s = calloc(1, sizeof(*s));
	int err;

	*out = NULL;
	if (!s)
		return -ENOMEM;
	err = bk_usyms_new(&s->us);
	if (err) {
		free(s);
		return err;
	}
	s->map_fd = stack_map_fd;
	*out = s;
	return 0;
}

void bk_stacks_free(struct bk_stacks *s)
{
	if (!s)
		return;
	bk_ksyms_free(s->ks);
	bk_usyms_free(s->us);
	free(s);
}

int bk_stacks_map_fd(const struct bk_stacks *s)
{
	return s->map_fd;
}

void bk_stacks_set_kallsyms(struct bk_stacks *s, const char *path)
{
	s->kallsyms = path;
}

void bk_stacks_pid_seen(struct bk_stacks *s, pid_t tgid)
{
	if (tgid > 0)
		bk_usyms_load_pid(s->us, tgid);
}

void bk_stacks_pid_gone(struct bk_stacks *s, pid_t tgid)
{
	bk_usyms_forget_pid(s->us, tgid);
}

struct bk_trace *bk_trace_new(void)
{
	return calloc(1, sizeof(struct bk_trace));
}

void bk_trace_free(struct bk_trace *t)
{
	free(t);
}

void bk_trace_reset(struct bk_trace *t)
{
	t->n = 0;
	t->used = 0;
	t->truncated = false;
}

void bk_trace_push(struct bk_trace *t, const char *name, const char *module, __u64 offset,
		   int kind, bool copy)
{
	struct bk_frame *f;

	if (t->n >= BK_TRACE_MAX_FRAMES) {
		t->truncated = true;
		return;
	}
	if (copy) {
		size_t len = strlen(name) + 1;

		if (t->used + len > sizeof(t->arena)) {
			name = "[unknown]";
		} else {
			memcpy(t->arena + t->used, name, len);
			name = t->arena + t->used;
			t->used += len;
		}
	}
	f = &t->f[t->n++];
	f->name = name;
	f->module = module;
	f->offset = offset;
	f->kind = kind;
}

int bk_stacks_read(struct bk_stacks *s, __s32 id, __u64 *ips, int max)
{
	__u64 buf[BK_STACK_DEPTH] = {};
	int n = 0;

	if (id < 0)
		return id;
	if (s->map_fd < 0)
		return -EINVAL;
	if (bpf_map_lookup_elem(s->map_fd, &id, buf))
		return -errno;
	while (n < BK_STACK_DEPTH && n < max && buf[n]) {
		ips[n] = buf[n];
		n++;
	}
	return n;
}

/* Placeholder for a lost stack; nothing for one that does not exist. */
static int missing(struct bk_trace *t, __s32 id, const char *what)
{
	if (id == -EFAULT || id == -ENOENT)
		return 0;
	bk_trace_push(t, what, NULL, 0, BK_FRAME_MARK, false);
	return 1;
}

int bk_stacks_add_user_ips(struct bk_stacks *s, struct bk_trace *t, pid_t tgid, const __u64 *ips,
			   int n)
{
	struct bk_frame fr[16];
	char buf[512];
	int added = 0, k, j;

	/* Root first: the last address is the outermost caller. */
	for (int i = n - 1; i >= 0; i--) {
		k = bk_usyms_resolve(s->us, tgid, i ? ips[i] - 1 : ips[i], fr, 16, buf, sizeof(buf));
		/* Innermost first from usyms: the function, then what was inlined into it. */
		for (j = k - 1; j >= 0; j--, added++)
			bk_trace_push(t, fr[j].name, fr[j].module, fr[j].offset, fr[j].kind,
				      fr[j].name == buf);
	}
	return added;
}

static struct bk_ksyms *ksyms(struct bk_stacks *s)
{
	if (!s->ks_tried) {
		s->ks_tried = true;
		if (bk_ksyms_load(s->kallsyms, &s->ks))
			s->ks = NULL;
	}
	return s->ks;
}

/*
 * The frames a BPF program adds at the leaf of a kernel stack it takes
 * itself (tp_btf and raw_tp run it from bpf_trace_run*, tracepoints from
 * perf_trace_*): they say where the tool was, not the traced task.
 */
static bool tracing_frame(const struct bk_ksym *sym)
{
	static const char *const prefixes[] = {
		"bpf_prog_", "bpf_trace_run", "__bpf_trace_", "perf_trace_", "trace_call_bpf",
		"__traceiter_", "bpf_get_stack", "__bpf_get_stack",
	};

	if (!strcmp(sym->module, "bpf"))
		return true;
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(sym->name, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

int bk_stacks_add_kernel_ips(struct bk_stacks *s, struct bk_trace *t, const __u64 *ips, int n)
{
	struct bk_ksyms *ks = ksyms(s);
	struct bk_ksym sym;
	char buf[32];
	int leaf = 0;

	if (ks && bk_ksyms_restricted(ks) && !s->warned) {
		s->warned = true;
		bk_warn("%s", bk_ksyms_restricted_why());
	}
	/* Leaf first: leave out the tracing machinery on top of the stack. */
	while (ks && leaf < n - 1 && !bk_ksyms_find(ks, leaf ? ips[leaf] - 1 : ips[leaf], &sym) &&
	       tracing_frame(&sym))
		leaf++;
	for (int i = n - 1; i >= leaf; i--) {
		if (ks && !bk_ksyms_find(ks, i ? ips[i] - 1 : ips[i], &sym)) {
			bk_trace_push(t, sym.name, sym.module, ips[i] - sym.addr, BK_FRAME_KERNEL, false);
		} else {
			snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)ips[i]);
			bk_trace_push(t, buf, NULL, ips[i], BK_FRAME_KERNEL, true);
		}
	}
	return n - leaf;
}

int bk_stacks_add_user(struct bk_stacks *s, struct bk_trace *t, pid_t tgid, __s32 id)
{
	__u64 ips[BK_STACK_DEPTH];
	int n = bk_stacks_read(s, id, ips, BK_STACK_DEPTH);

	if (n < 0)
		return missing(t, id < 0 ? id : -EEXIST, BK_FRAME_MISSING_USER);
	return bk_stacks_add_user_ips(s, t, tgid, ips, n);
}

int bk_stacks_add_kernel(struct bk_stacks *s, struct bk_trace *t, __s32 id)
{
	__u64 ips[BK_STACK_DEPTH];
	int n = bk_stacks_read(s, id, ips, BK_STACK_DEPTH);

	if (n < 0)
		return missing(t, id < 0 ? id : -EEXIST, BK_FRAME_MISSING_KERNEL);
	return bk_stacks_add_kernel_ips(s, t, ips, n);
}

/* Appends one frame name, made safe for a folded line. */
static size_t fold_name(char *buf, size_t len, size_t o, const char *name, const char *suffix)
{
	char tmp[1024];
	size_t n;

	n = bk_escape(tmp, sizeof(tmp), name, strlen(name));
	for (size_t i = 0; i < n; i++)
		if (tmp[i] == ';')
			tmp[i] = ':';
	if (o + n + strlen(suffix) + 2 > len)
		return o;
	memcpy(buf + o, tmp, n);
	o += n;
	o += snprintf(buf + o, len - o, "%s", suffix);
	return o;
}

size_t bk_trace_fold(const struct bk_trace *t, const char *comm, char *buf, size_t len)
{
	static const char more[] = ";[...]";
	size_t o, before;
	int i;

	if (len < sizeof(more) + 1) {
		if (len)
			buf[0] = 0;
		return 0;
	}
	len -= sizeof(more);	/* keep room for the marker */
	o = fold_name(buf, len, 0, comm, "");
	for (i = 0; i < t->n; i++) {
		if (o + 1 >= len)
			break;
		buf[o++] = ';';
		before = o;
		o = fold_name(buf, len, o, t->f[i].name, bk_frame_suffix(t->f[i].kind));
		if (o == before) {
			o--;
			break;
		}
	}
	if (i < t->n || t->truncated) {
		memcpy(buf + o, more, sizeof(more));
		o += sizeof(more) - 1;
	}
	buf[o] = 0;
	return o;
}

const char *bk_frame_suffix(int kind)
{
	switch (kind) {
	case BK_FRAME_KERNEL: return "_[k]";
	case BK_FRAME_JIT: return "_[j]";
	case BK_FRAME_INLINED: return "_[i]";
	case BK_FRAME_WAKER: return "_[w]";
	default: return "";
	}
}

int bk_frame_kind_of(const char *name, size_t len, size_t *base_len)
{
	static const struct { char c; int kind; } kinds[] = {
		{ 'k', BK_FRAME_KERNEL }, { 'j', BK_FRAME_JIT }, { 'i', BK_FRAME_INLINED },
		{ 'w', BK_FRAME_WAKER },
	};

	*base_len = len;
	if (len > 4 && name[len - 4] == '_' && name[len - 3] == '[' && name[len - 1] == ']') {
		for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
			if (name[len - 2] == kinds[i].c) {
				*base_len = len - 4;
				return kinds[i].kind;
			}
		}
	}
	if ((len == 1 && name[0] == '-') || (len == 2 && name[0] == '-' && name[1] == '-') ||
	    (len > 9 && !strncmp(name, "[missing ", 9)))
		return BK_FRAME_MARK;
	if (len >= 9 && !strncmp(name, "[unknown]", 9))
		return BK_FRAME_UNKNOWN;
	return BK_FRAME_USER;
}
