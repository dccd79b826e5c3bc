// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* The user side every stack-counting tool shares, see tool.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "core/log.h"
#include "core/opts.h"
#include "core/output.h"
#include "stacks/tool.h"

struct bk_stack_env bk_stack_env = {
	.storage = 16384, .min_us = 1, .max_us = -1, .state = BK_STACK_STATE_ANY
};

static int parse_state(const char *s, __u32 *state)
{
	static const struct {
		const char *name;
		__u32 bits;
	} names[] = {
		{ "R", 0 }, { "S", 1 }, { "D", 2 }, { "T", 4 }, { "t", 8 }, { "I", 0x80 },
	};
	long v;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i].name)) {
			*state = names[i].bits;
			return 0;
		}
	if (bk_parse_long(s, 0, 0xffff, &v))
		return -1;
	*state = (__u32)v;
	return 0;
}

error_t bk_stack_parse_opt(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'K':
		bk_stack_env.kernel_only = true;
		break;
	case BK_STACK_OPT_USER_ONLY:
		bk_stack_env.user_only = true;
		break;
	case 'f':
		bk_stack_env.folded = true;
		break;
	case BK_STACK_OPT_SVG:
		if (!*arg)
			bk_usage(state, "--svg wants a file name");
		bk_stack_env.svg = arg;
		break;
	case BK_STACK_OPT_STORAGE:
		if (bk_parse_long(arg, 64, 1 << 22, &bk_stack_env.storage))
			bk_usage(state, "invalid --stack-storage '%s': want 64 to 4194304 stacks", arg);
		break;
	case BK_STACK_OPT_MIN_US:
		if (bk_parse_long(arg, 0, 1L << 40, &bk_stack_env.min_us))
			bk_usage(state, "invalid --min-us '%s': want a number of microseconds", arg);
		break;
	case BK_STACK_OPT_MAX_US:
		if (bk_parse_long(arg, 1, 1L << 40, &bk_stack_env.max_us))
			bk_usage(state, "invalid --max-us '%s': want a number of microseconds > 0", arg);
		break;
	case BK_STACK_OPT_STATE:
		if (parse_state(arg, &bk_stack_env.state))
			bk_usage(state, "invalid state '%s': want R, S, D, T, t, I or a number", arg);
		break;
	case ARGP_KEY_ARG:
		bk_parse_interval_arg(state, arg);
		break;
	case ARGP_KEY_END:
		if (bk_stack_env.max_us >= 0 && bk_stack_env.max_us < bk_stack_env.min_us)
			bk_usage(state, "--max-us %ld is below --min-us %ld: nothing would be counted",
				 bk_stack_env.max_us, bk_stack_env.min_us);
		if (bk_stack_env.kernel_only && bk_stack_env.user_only)
			bk_usage(state, "-K and --user-only leave no stack to record: give one of them");
		if (bk_stack_env.folded && bk_env.json)
			bk_usage(state, "-f and -j are two output formats: give one of them");
		return ARGP_ERR_UNKNOWN;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

void bk_stack_rodata(volatile struct bk_stack_opts *o)
{
	o->user = !bk_stack_env.kernel_only;
	o->kernel = !bk_stack_env.user_only;
	o->per_thread = bk_env.per_thread;
	/* Kernel stacks need no process's symbols. */
	o->notify = !bk_stack_env.kernel_only;
}

void bk_stack_wait_rodata(volatile __u64 *min_ns, volatile __u64 *max_ns)
{
	*min_ns = (__u64)bk_stack_env.min_us * 1000;
	*max_ns = bk_stack_env.max_us >= 0 ? (__u64)bk_stack_env.max_us * 1000 : ~0ULL;
}

int bk_stack_tool_prepare(volatile struct bk_filter *f, volatile struct bk_stack_opts *o,
			  struct bpf_map *events, volatile struct bk_wakeup *w,
			  struct bpf_map *stacks, struct bpf_map *counts)
{
	int err;

	bk_filter_fill(f);
	bk_stack_rodata(o);
	err = bk_events_size(events, w, 64 << 10);
	if (!err)
		err = bk_stack_maps_size(stacks, counts, bk_stack_env.storage);
	return err;
}

const char *bk_stack_what(void)
{
	return bk_stack_env.kernel_only ? "kernel stacks" :
	       bk_stack_env.user_only ? "user stacks" : "user and kernel stacks";
}

int bk_stack_tool_init(struct bk_stack_tool *t, struct bpf_map *stacks, struct bpf_map *counts,
		       const char *unit, __u64 div, const char *what)
{
	int err;

	memset(t, 0, sizeof(*t));
	err = bk_stacks_new(bpf_map__fd(stacks), &t->stacks);
	if (!err && bk_stack_env.svg)
		err = bk_flame_new(&t->fg);
	if (err) {
		bk_set_error("out of memory");
		return err;
	}
	t->rep = (struct bk_stack_report){
		.counts_fd = bpf_map__fd(counts),
		.stacks = t->stacks,
		.unit = unit,
		.div = div,
		.mode = bk_stack_env.folded ? BK_STACK_FOLDED : bk_env.json ? BK_STACK_JSON :
			bk_stack_env.svg ? BK_STACK_NONE : BK_STACK_TEXT,
		.per_thread = bk_env.per_thread,
		.clear = bk_env.interval_s > 0,
		.flame = t->fg,
	};
	t->losses.what = what;
	return 0;
}

/* A process's first count: read its symbols while it is alive. */
static int on_notice(void *ctx, void *data, size_t size)
{
	struct bk_stack_tool *t = ctx;
	const struct bk_stack_seen *e = data;

	if (size >= sizeof(*e))
		bk_stacks_pid_seen(t->stacks, e->tgid);
	return 0;
}

static int on_interval(void *ctx)
{
	struct bk_stack_tool *t = ctx;
	char hms[16];
	int n;

	if (t->rep.mode == BK_STACK_TEXT && bk_env.interval_s > 0) {
		bk_time_hms(hms, sizeof(hms), bk_now_ns());
		printf("%s\n", hms);
	}
	n = bk_stack_report_print(&t->rep, stdout);
	if (n < 0)
		bk_set_error("cannot read the counted stacks: %s", strerror(-n));
	return n < 0 ? n : 0;
}

int bk_stack_tool_loop(struct bk_stack_tool *t, struct bk_loop *l, struct bpf_map *events,
		       volatile __u64 *drops, volatile __u64 *lost[3])
{
	int err = bk_events(l, events, on_notice, t, drops);

	if (err)
		return err;
	l->drop_what = "notices of new processes (their stacks may lack names)";
	bk_summary(l, on_interval, t);
	t->losses.collision = lost[0];
	t->losses.full = lost[1];
	t->losses.counts = lost[2];
	l->on_check = bk_stack_losses_check;
	l->check_ctx = &t->losses;
	return 0;
}

int bk_stack_tool_start(struct bk_stack_tool *t, struct bk_loop *l, struct bpf_map *stacks,
			struct bpf_map *counts, struct bpf_map *events, volatile __u64 *drops,
			volatile __u64 *lost[3], volatile __u64 *lost_starts, const char *unit,
			__u64 div, const char *what, const char *lost_what)
{
	int err = bk_stack_tool_init(t, stacks, counts, unit, div, what);

	if (!err)
		err = bk_stack_tool_loop(t, l, events, drops, lost);
	l->lost_starts = lost_starts;
	l->lost_what = lost_what;
	return err;
}

int bk_stack_tool_svg(struct bk_stack_tool *t, const struct bk_flame_opts *o)
{
	const char *path = bk_stack_env.svg;
	FILE *f;
	int err;

	if (!path)
		return 0;
	f = fopen(path, "we");
	if (!f) {
		err = -errno;
		bk_set_error("cannot write '%s': %s", path, strerror(errno));
		return err;
	}
	err = bk_flame_write(t->fg, f, o);
	if (fclose(f) && !err)
		err = -EIO;
	if (err) {
		bk_set_error("writing '%s' failed: %s", path, strerror(-err));
		return err;
	}
	bk_info(0, "wrote a flame graph of %llu %s to %s", (unsigned long long)bk_flame_total(t->fg),
		t->rep.unit, path);
	return 0;
}

int bk_stack_tool_flame(struct bk_stack_tool *t, const char *title, int palette)
{
	struct bk_flame_opts fo;

	bk_flame_opts_default(&fo);
	fo.title = title;
	fo.subtitle = bk_stack_what();
	fo.count_name = t->rep.unit;
	fo.palette = palette;
	return bk_stack_tool_svg(t, &fo);
}

void bk_stack_tool_free(struct bk_stack_tool *t)
{
	bk_stacks_free(t->stacks);
	bk_flame_free(t->fg);
	t->stacks = NULL;
	t->fg = NULL;
}
