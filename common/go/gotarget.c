// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include "go/gotarget.h"
#include "core/log.h"
#include "core/opts.h"
#include "uspace/uprobes.h"

struct gotarget_opts gotarget = { .goid_offset = -1, .max_inflight = GO_INFLIGHT_DEFAULT };

int gotarget_parse_opt(int key, char *arg, struct argp_state *state)
{
	long n;

	switch (key) {
	case GOTARGET_OPT_BINARY:
		if (!*arg)
			bk_usage(state, "--binary wants a path");
		gotarget.binary = arg;
		return 0;
	case GOTARGET_OPT_GOID_OFFSET:
		if (bk_parse_long(arg, 0, 4096, &n))
			bk_usage(state, "invalid --goid-offset '%s': want a byte offset 0-4096", arg);
		gotarget.goid_offset = (int)n;
		return 0;
	case GOTARGET_OPT_MAX_INFLIGHT:
		if (bk_parse_long(arg, 16, 1 << 24, &n))
			bk_usage(state, "invalid --max-inflight '%s': want a number of calls 16-16777216",
				 arg);
		gotarget.max_inflight = (__u32)n;
		return 0;
	}
	return ARGP_ERR_UNKNOWN;
}

int gotarget_end(struct argp_state *state, const char *const *pos, int npos)
{
	if (bk_env.pid && gotarget.binary)
		bk_usage(state, "give either -p PID or a Go program, not both");
	if (bk_env.pid || gotarget.binary)
		return 0;
	if (npos < 1)
		bk_usage(state, "which Go program? give -p PID, --binary PATH or BINARY");
	gotarget.binary = pos[0];
	return 1;
}

int gotarget_open(unsigned int flags, struct gouprobe **gp)
{
	int off = gotarget.goid_offset;

	if (off < 0)
		off = flags & GOTARGET_NEED_GOID ? GOUPROBE_GOID_FROM_BINARY : GOUPROBE_GOID_ANY;
	return gouprobe_open(gotarget.binary, bk_env.pid, off, gp);
}

void gotarget_interval(struct argp_state *state, const char *const *pos, int i, int npos)
{
	bk_parse_interval_pos(state, pos + i, i < npos ? npos - i : 0);
}

int gotarget_set_inflight(struct bpf_map *starts, struct bpf_map *unfit)
{
	int err = bpf_map__set_max_entries(starts, gotarget.max_inflight);

	/* Room to remember twice as many lost calls as there are in flight. */
	if (!err)
		err = bpf_map__set_max_entries(unfit, 2 * gotarget.max_inflight);

	if (err)
		bk_set_error("cannot size the table of calls in flight: %s", strerror(-err));
	return err;
}

void gotarget_multi(struct bpf_program *entry_prog, struct bpf_program *ret_prog)
{
	if (!bk_uprobe_multi_available())
		return;
	bk_uprobe_multi_use(entry_prog);
	if (ret_prog)
		bk_uprobe_multi_use(ret_prog);
}

/* Offsets and cookies of probes, grown as functions are added. */
struct probes {
	uint64_t *off, *cookie;
	size_t n, cap;
};

static int probes_add(struct probes *p, uint64_t off, uint64_t cookie)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 64;
		uint64_t *o = realloc(p->off, cap * sizeof(*o)), *c;

		if (!o)
			return -ENOMEM;
		p->off = o;
		c = realloc(p->cookie, cap * sizeof(*c));
		if (!c)
			return -ENOMEM;
		p->cookie = c;
		p->cap = cap;
	}
	p->off[p->n] = off;
	p->cookie[p->n++] = cookie;
	return 0;
}

int gotarget_attach(const struct gouprobe *gp, const struct gofunc *funcs, size_t n,
		    struct bpf_program *entry_prog, struct bpf_program *ret_prog,
		    struct bk_links *links)
{
	struct probes ent = {}, ret = {};
	uint64_t off, *rets = NULL;
	size_t nrets = 0;
	int err = 0;

	/*
	 * Every function's code is decoded first: one whose returns cannot be
	 * found gets no probe at all, rather than entries that never pair.
	 */
	for (size_t i = 0; i < n && !err; i++) {
		uint64_t size = funcs[i].end - funcs[i].entry;

		err = gobin_vaddr_to_offset(gouprobe_gobin(gp), funcs[i].entry, &off);
		if (err) {
			bk_set_error("%s in %s is in no loadable segment", funcs[i].name,
				     gouprobe_name(gp));
			break;
		}
		err = probes_add(&ent, off, GO_COOKIE(i, 0, size));
		if (err || !ret_prog)
			continue;
		err = gouprobe_ret_offsets(gp, &funcs[i], &rets, &nrets);
		for (size_t k = 0; !err && k < nrets; k++)
			err = probes_add(&ret, rets[k], GO_COOKIE(i, 1, size));
		if (bk_verbose >= 2) {
			/* File offsets of each probe, for make bench's empty programs. */
			char offs[256];
			size_t o = 0;

			offs[0] = 0;
			for (size_t k = 0; k < nrets && o < sizeof(offs) - 20; k++)
				o += (size_t)snprintf(offs + o, sizeof(offs) - o, " 0x%llx",
						      (unsigned long long)rets[k]);
			bk_info(2, "%s: entry and %zu returns (file offsets 0x%llx,%s)",
				funcs[i].name, nrets, (unsigned long long)off, offs);
		}
		free(rets);
		rets = NULL;
	}
	/* One multi-uprobe link per program where the kernel has them. */
	if (!err)
		err = bk_uprobes_attach(links, entry_prog, gouprobe_pid(gp), gouprobe_path(gp),
					ent.off, ent.cookie, ent.n, false);
	if (!err && ret.n)
		err = bk_uprobes_attach(links, ret_prog, gouprobe_pid(gp), gouprobe_path(gp),
					ret.off, ret.cookie, ret.n, false);
	if (!err)
		bk_info(1, "probing %zu function%s of %s (%s) at %zu entries and %zu returns%s", n,
			n == 1 ? "" : "s", gouprobe_name(gp), gouprobe_go_version(gp), ent.n, ret.n,
			bk_uprobe_multi_used(entry_prog) ? " (multi-uprobe links)" : "");
	free(ent.off);
	free(ent.cookie);
	free(ret.off);
	free(ret.cookie);
	return err;
}

/* Enough goroutines seen to judge their ids before the end. */
#define GOID_JUDGE_AT 8
/* Goroutine ids count up from 1: anything this large is not one. */
#define GOID_MAX (1ULL << 40)

static int cmp_u64(const void *a, const void *b)
{
	__u64 x = *(const __u64 *)a, y = *(const __u64 *)b;

	return (x > y) - (x < y);
}

/* Whether the sampled goids can be goroutine ids; -EAGAIN: too few yet. */
static int judge_goids(struct gotarget_check *c, bool final, char *why, size_t size)
{
	__u64 g, next, *prev = NULL, ids[GO_GOID_SAMPLES];
	size_t n = 0, zeros = 0, dups = 0, huge = 0;

	while (n < GO_GOID_SAMPLES && !bpf_map_get_next_key(c->samples_fd, prev, &next)) {
		g = next;
		prev = &g;
		if (bpf_map_lookup_elem(c->samples_fd, &g, &ids[n]))
			continue;
		zeros += ids[n] == 0;
		huge += ids[n] >= GOID_MAX;
		n++;
	}
	if (!n || (n < GOID_JUDGE_AT && !final))
		return -EAGAIN;
	qsort(ids, n, sizeof(ids[0]), cmp_u64);
	for (size_t i = 1; i < n; i++)
		dups += ids[i] && ids[i] == ids[i - 1];
	if (zeros == n)
		snprintf(why, size, "0 for all %zu goroutines seen", n);
	else if (huge)
		snprintf(why, size, "%zu of %zu goroutines have ids above 2^40", huge, n);
	else if (dups)
		snprintf(why, size, "%zu goroutines share an id with another", dups);
	else
		return 1;
	return 0;
}

bool gotarget_check(struct gotarget_check *c, bool final)
{
	char why[128];
	int ok;

	if (c->goid_warned || !c->goid_checked || *c->goid_checked)
		return !c->goid_warned;
	ok = judge_goids(c, final, why, sizeof(why));
	if (ok == -EAGAIN)
		return true;
	*c->goid_checked = 1;
	if (ok)
		return true;
	c->goid_warned = true;
	bk_warn("the goroutine ids read at offset %d of runtime.g cannot be right (%s): give the "
		"offset of goid in runtime.g of %s (%s) with --goid-offset",
		gouprobe_goid_offset(c->gp), why, gouprobe_name(c->gp),
		gouprobe_go_version(c->gp));
	return false;
}

static void on_check(void *ctx, bool final)
{
	gotarget_check(ctx, final);
}

void gotarget_loop(struct bk_loop *l, struct gotarget_check *c, const struct gouprobe *gp,
		   struct bpf_map *samples, volatile __u32 *goid_checked,
		   volatile __u64 *lost_starts)
{
	*c = (struct gotarget_check){ .gp = gp, .goid_checked = goid_checked,
				      .samples_fd = bpf_map__fd(samples) };
	l->on_check = on_check;
	l->check_ctx = c;
	l->lost_starts = lost_starts;
	l->lost_what = "calls were not timed (raise --max-inflight)";
}
