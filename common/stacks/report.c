// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* Printing count tables by stack, see report.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "core/json.h"
#include "core/log.h"
#include "core/maps.h"
#include "core/output.h"
#include "stacks/report.h"
#include "stacks_abi.h"

#define FOLD_MAX 65536

struct entry {
	struct bk_stack_key key[2];	/* the stack's; with r->waker, its waker's */
	__u64 value;
};

struct line {
	char *stack;
	__u64 value;
};

/* Takes every key (nkeys stack keys) and value out of the table. */
static int read_all(int fd, int nkeys, struct entry **out, size_t *n_out)
{
	struct bpf_map_info info = {};
	size_t ks = nkeys * sizeof(struct bk_stack_key);
	__u32 len = sizeof(info);
	char *keys;
	__u64 *values;
	struct entry *e;
	size_t cap;
	long n;

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	/* Room for a full table and what lands while it is read. */
	cap = info.max_entries + info.max_entries / 4 + 16;
	keys = malloc(cap * ks);
	values = malloc(cap * sizeof(*values));
	e = calloc(cap, sizeof(*e));
	n = keys && values && e ? bk_map_drain(fd, ks, sizeof(*values), keys, values, cap)
				: -ENOMEM;
	for (long i = 0; i < n; i++) {
		memcpy(e[i].key, keys + i * ks, ks);
		e[i].value = values[i];
	}
	free(keys);
	free(values);
	if (n < 0) {
		free(e);
		return (int)n;
	}
	*out = e;
	*n_out = (size_t)n;
	return 0;
}

/* Deletes the stacks of what was printed, for the next interval. */
static void clear_stacks(int stack_fd, const struct entry *e, size_t n)
{
	for (size_t i = 0; i < n && stack_fd >= 0; i++)
		for (int k = 0; k < 2; k++) {
			if (e[i].key[k].ustack >= 0)
				bpf_map_delete_elem(stack_fd, &e[i].key[k].ustack);
			if (e[i].key[k].kstack >= 0)
				bpf_map_delete_elem(stack_fd, &e[i].key[k].kstack);
		}
}

static int by_value(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	if (x->value != y->value)
		return x->value < y->value ? -1 : 1;
	return x->key[0].tgid < y->key[0].tgid ? -1 : x->key[0].tgid > y->key[0].tgid;
}

static int by_stack(const void *a, const void *b)
{
	return strcmp(((const struct line *)a)->stack, ((const struct line *)b)->stack);
}

/* The whole trace of a key: user frames, "-", kernel frames; sets the split. */
static void build(struct bk_stack_report *r, struct bk_trace *t, const struct bk_stack_key *k,
		  int *nuser)
{
	bk_trace_reset(t);
	bk_stacks_add_user(r->stacks, t, k->tgid, k->ustack);
	*nuser = t->n;
	if (*nuser && (k->kstack >= 0 || (k->kstack != -EFAULT && k->kstack != -ENOENT)))
		bk_trace_push(t, BK_FRAME_SEP_KERNEL, NULL, 0, BK_FRAME_MARK, false);
	bk_stacks_add_kernel(r->stacks, t, k->kstack);
}

/* A key's stacks leaf first (the kernel part, "--", the user part) and its comm line. */
static void print_text(struct bk_stack_report *r, FILE *f, const struct bk_trace *t, int nuser,
		       const struct bk_stack_key *k)
{
	char comm[4 * 16], name[1024];
	int i;

	/* Leaf first: the kernel part, then the user part. */
	for (i = t->n - 1; i > nuser; i--) {
		bk_escape(name, sizeof(name), t->f[i].name, strlen(t->f[i].name));
		fprintf(f, "    %s\n", name);
	}
	if (i == nuser && nuser < t->n)
		fprintf(f, "    --\n");
	for (i = nuser - 1; i >= 0; i--) {
		bk_escape(name, sizeof(name), t->f[i].name, strlen(t->f[i].name));
		fprintf(f, "    %s\n", name);
	}
	bk_escape(comm, sizeof(comm), k->comm, sizeof(k->comm));
	if (!k->comm[0])
		snprintf(comm, sizeof(comm), "[idle]");
	if (r->per_thread)
		fprintf(f, "    -                %s (%u/%u)\n", comm, k->tgid, k->tid);
	else
		fprintf(f, "    -                %s (%u)\n", comm, k->tgid);
}

/* A key's members: pid, tid (per thread), comm, with its value, ustack and kstack. */
static void json_key(struct bk_stack_report *r, struct bk_json *j, const struct bk_trace *t,
		     int nuser, const struct bk_stack_key *k, const __u64 *v)
{
	int i;

	bk_json_uint(j, "pid", k->tgid);
	if (r->per_thread)
		bk_json_uint(j, "tid", k->tid);
	bk_json_str(j, "comm", k->comm, sizeof(k->comm));
	if (v)
		bk_json_uint(j, r->unit, *v);
	bk_json_array_begin(j, "ustack");
	for (i = nuser - 1; i >= 0; i--)
		bk_json_str(j, NULL, t->f[i].name, (size_t)-1);
	bk_json_array_end(j);
	bk_json_array_begin(j, "kstack");
	for (i = t->n - 1; i >= nuser; i--)
		if (i > nuser || t->f[i].kind != BK_FRAME_MARK || strcmp(t->f[i].name, BK_FRAME_SEP_KERNEL))
			bk_json_str(j, NULL, t->f[i].name, (size_t)-1);
	bk_json_array_end(j);
}

/*
 * One stack: {pid, comm, UNIT, ustack, kstack}; with its waker:
 * {"blocked": {...}, "waker": {...}, UNIT}.
 */
static void print_json(struct bk_stack_report *r, FILE *f, const struct bk_trace *t, int nuser,
		       const struct bk_trace *w, int wuser, const struct entry *e, __u64 v)
{
	struct bk_json j;

	bk_json_begin(&j, f);
	if (!r->waker) {
		json_key(r, &j, t, nuser, &e->key[0], &v);
	} else {
		bk_json_object_begin(&j, "blocked");
		json_key(r, &j, t, nuser, &e->key[0], NULL);
		bk_json_object_end(&j);
		bk_json_object_begin(&j, "waker");
		json_key(r, &j, w, wuser, &e->key[1], NULL);
		bk_json_object_end(&j);
		bk_json_uint(&j, r->unit, v);
	}
	bk_json_end(&j);
}

/*
 * Folded: the waker's frames after the blocked stack's, "--" between, from
 * the wake-up outwards (leaf first), marked as a waker's, then its comm.
 */
static void join_waker(struct bk_trace *t, const struct bk_trace *w, const struct bk_stack_key *k)
{
	bk_trace_push(t, BK_FRAME_SEP_WAKER, NULL, 0, BK_FRAME_MARK, false);
	for (int i = w->n - 1; i >= 0; i--) {
		const struct bk_frame *f = &w->f[i];

		bk_trace_push(t, f->name, f->module, f->offset,
			      f->kind == BK_FRAME_MARK ? BK_FRAME_MARK : BK_FRAME_WAKER, true);
	}
	bk_trace_push(t, k->comm[0] ? k->comm : "[idle]", NULL, 0, BK_FRAME_WAKER, true);
}

int bk_stack_report_print(struct bk_stack_report *r, FILE *f)
{
	__u64 div = r->div ? r->div : 1;
	struct line *lines = NULL;
	struct entry *e = NULL;
	struct bk_trace *t, *w = NULL;
	size_t n = 0, nl = 0, i, k;
	char *buf = NULL;
	int err, nuser, wuser = 0;

	t = bk_trace_new();
	if (r->waker)
		w = bk_trace_new();
	buf = malloc(FOLD_MAX);
	if (!t || !buf || (r->waker && !w)) {
		err = -ENOMEM;
		goto out;
	}
	err = read_all(r->counts_fd, r->waker ? 2 : 1, &e, &n);
	if (err)
		goto out;
	if (r->mode == BK_STACK_FOLDED) {
		lines = calloc(n ? n : 1, sizeof(*lines));
		if (!lines) {
			err = -ENOMEM;
			goto out;
		}
	}
	qsort(e, n, sizeof(*e), by_value);
	for (i = 0; i < n; i++) {
		__u64 v = e[i].value / div;
		size_t len;

		if (!v)
			continue;
		build(r, t, &e[i].key[0], &nuser);
		if (w)
			build(r, w, &e[i].key[1], &wuser);
		if (r->mode == BK_STACK_TEXT) {
			print_text(r, f, t, nuser, &e[i].key[0]);
			if (w) {
				fprintf(f, "    woken by:\n");
				print_text(r, f, w, wuser, &e[i].key[1]);
			}
			fprintf(f, "        %llu\n\n", (unsigned long long)v);
		} else if (r->mode == BK_STACK_JSON) {
			print_json(r, f, t, nuser, w, wuser, &e[i], v);
		}
		if (r->mode != BK_STACK_FOLDED && !r->flame)
			continue;
		if (w)
			join_waker(t, w, &e[i].key[1]);
		len = bk_trace_fold(t, e[i].key[0].comm, buf, FOLD_MAX);
		if (r->flame)
			bk_flame_add(r->flame, buf, len, v);
		if (r->mode == BK_STACK_FOLDED) {
			lines[nl].stack = strdup(buf);
			if (!lines[nl].stack) {
				err = -ENOMEM;
				goto out;
			}
			lines[nl++].value = v;
		}
	}
	if (r->mode == BK_STACK_FOLDED) {
		qsort(lines, nl, sizeof(*lines), by_stack);
		for (i = 0; i < nl; i = k) {
			__u64 sum = 0;

			for (k = i; k < nl && !strcmp(lines[k].stack, lines[i].stack); k++)
				sum += lines[k].value;
			fprintf(f, "%s %llu\n", lines[i].stack, (unsigned long long)sum);
		}
	}
	/* The stack map is the one the symbolizer reads. */
	if (r->clear)
		clear_stacks(bk_stacks_map_fd(r->stacks), e, n);
	err = (int)n;
out:
	for (i = 0; i < nl; i++)
		free(lines[i].stack);
	free(lines);
	free(e);
	free(buf);
	bk_trace_free(t);
	bk_trace_free(w);
	return err;
}

static void one_loss(struct bk_stack_losses *l, int i, bool final, const char *live,
		     const char *total)
{
	volatile __u64 *c = i == 0 ? l->collision : i == 1 ? l->full : l->counts;
	__u64 now;

	if (!c)
		return;
	now = *c;
	if (final && now)
		bk_warn(total, (unsigned long long)now, l->what ? l->what : "samples");
	else if (!final && now > l->seen[i])
		bk_warn(live, (unsigned long long)(now - l->seen[i]), (unsigned long long)now);
	l->seen[i] = now;
}

void bk_stack_losses_check(void *ctx, bool final)
{
	struct bk_stack_losses *l = ctx;

	one_loss(l, 0, final,
		 "%llu stacks lost: another stack had their slot in the stack map (%llu in all)",
		 "%llu stacks were lost to slots taken in the stack map: their %s show as "
		 "[missing ... stack]; a larger --stack-storage makes that rarer");
	one_loss(l, 1, final, "%llu stacks lost: the stack map was full (%llu in all)",
		 "%llu stacks were lost to a full stack map: their %s show as [missing ... stack]; "
		 "raise --stack-storage");
	one_loss(l, 2, final, "%llu values lost: the table of stacks was full (%llu in all)",
		 "%llu %s were lost in all: the table of stacks was full; raise --stack-storage");
}

int bk_stack_maps_size(struct bpf_map *stacks, struct bpf_map *counts, __u32 entries)
{
	/*
	 * The kernel gives a stack map a power of two of hash slots at least
	 * max_entries and preallocates max_entries stacks: one more than a
	 * power of two doubles the slots, halving collisions, for the price of
	 * one stack.
	 */
	int err = bpf_map__set_max_entries(stacks, entries + 1);

	if (!err && counts)
		err = bpf_map__set_max_entries(counts, entries);
	return err;
}
