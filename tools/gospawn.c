// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * gospawn: watch `go` statements in Go programs: which goroutine started
 * which, running what, from which line.
 */
#include <argp.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include <bpf/bpf.h>
#include "core/attach.h"
#include "go/gotarget.h"
#include "core/json.h"
#include "core/log.h"
#include "core/maps.h"
#include "core/loop.h"
#include "core/opts.h"
#include "core/output.h"
#include "core/setup.h"
#include "gospawn.h"
#include "gospawn.skel.h"

#define NEWPROC1 "runtime.newproc1"
#define MAX_ROWS GOSPAWN_MAX_COUNTS

static struct {
	bool count, stack;
	const char *pos[3];
	int npos;
	struct gouprobe *gp;
	struct gofunc newproc1;
	bool args_117;		/* Go 1.17's newproc1 arguments */
	struct wrap *wraps;	/* go-statement wrappers by entry */
	size_t nwraps;
	int counts_fd;
	int err;
	struct gotarget_check chk;
} opt;

const char argp_program_doc[] =
	"Trace goroutine creation (`go` statements) in Go programs.\n"
	"\n"
	"USAGE: gospawn [-p PID | BINARY] [-U] [-s] [-j] [-d SECONDS]\n"
	"       gospawn -c [-p PID | BINARY] [-j] [interval [count]]\n"
	"\n"
	"Each line is one new goroutine: the goroutine that ran the `go`\n"
	"statement (PARENT_GOID), the new one (GOID), the function it runs\n"
	"and the file:line of the statement. With BINARY, every process running\n"
	"that program is traced. Probes runtime.newproc1 (Go 1.17 and later) at\n"
	"its entry and at every RET instruction, never with uretprobes.\n"
	"\n"
	"EXAMPLES:\n"
	"    gospawn -p 181            # goroutines started in process 181\n"
	"    gospawn ./server          # in every process running ./server\n"
	"    gospawn -s -p 181         # with the stack of the spawning goroutine\n"
	"    gospawn -c -p 181 5       # counts per function and line, every 5 s\n"
	"    gospawn -j -d 10 -p 181   # JSON lines for 10 seconds";

static const struct argp_option options[] = {
	GOTARGET_OPTIONS,
	{ "count", 'c', NULL, 0, "Count spawns per function and go statement instead", 0 },
	{ "stack", 's', NULL, 0, "Show the stack of the spawning goroutine", 0 },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	int i;

	switch (key) {
	case 'c':
		opt.count = true;
		break;
	case 's':
		opt.stack = true;
		break;
	case ARGP_KEY_ARG:
		if (opt.npos == 3)
			bk_usage(state, "unexpected argument '%s'", arg);
		opt.pos[opt.npos++] = arg;
		break;
	case ARGP_KEY_END:
		/* The program, then -c's [interval [count]]. */
		i = gotarget_end(state, opt.pos, opt.npos);
		if (i < opt.npos && !opt.count)
			bk_usage(state, "unexpected argument '%s'", opt.pos[i]);
		for (state->arg_num = 0; i < opt.npos; i++, state->arg_num++)
			bk_parse_interval_arg(state, opt.pos[i]);
		if (opt.count && opt.stack)
			bk_usage(state, "-s shows each spawn's stack: it does not go with -c");
		break;
	default:
		return gotarget_parse_opt(key, arg, state);
	}
	return 0;
}

/* The link-time address of a runtime PC: PIE programs are loaded at a bias,
 * which the entry probe's own address gives (probe_ip - newproc1's entry,
 * page-aligned whether the IP is reported at or after the breakpoint). */
static __u64 link_pc(__u64 pc, __u64 probe_ip)
{
	return pc - ((probe_ip - opt.newproc1.entry) & ~0xfffULL);
}

/* "main.worker", or "0x4c1a20" when the PC is in no function. */
static const char *func_name(__u64 pc, char *buf, size_t size)
{
	struct gofunc f;

	if (!gobin_pc_info(gouprobe_gobin(opt.gp), pc, &f, NULL, NULL))
		return f.name;
	snprintf(buf, size, "0x%llx", (unsigned long long)pc);
	return buf;
}

/* A go-statement wrapper and what it calls, when known before the run. */
struct wrap {
	__u64 entry;
	const char *callee;
};

static int cmp_wrap(const void *a, const void *b)
{
	const struct wrap *x = a, *y = b;

	return (x->entry > y->entry) - (x->entry < y->entry);
}

/*
 * Every go-statement wrapper of the program (`go f(x)` starts the goroutine
 * in a closure the compiler writes to call f(x)): those that call f
 * directly or inline it go in opt.wraps, for start_func(); those that call
 * a function value go to the BPF side, which follows the loads to the code
 * at each spawn (target_pc).
 */
static int load_wrappers(int map_fd)
{
	struct gobin *gb = gouprobe_gobin(opt.gp);
	size_t n = gobin_func_count(gb), nval = 0;
	struct gofunc f;
	struct gowrap w;

	for (size_t i = 0; i < n; i++) {
		if (gobin_func(gb, i, &f) || gobin_go_wrapper(gb, &f, &w))
			continue;
		if (w.nloads && map_fd >= 0 && nval < GOSPAWN_MAX_WRAPPERS) {
			struct gospawn_wrapper v = { .nloads = (__u32)w.nloads };
			__u64 key = f.entry;

			memcpy(v.loads, w.loads, sizeof(v.loads));
			if (bpf_map_update_elem(map_fd, &key, &v, BPF_ANY))
				return -errno;
			nval++;
		} else if (w.callee) {
			struct wrap *t = realloc(opt.wraps, (opt.nwraps + 1) * sizeof(*t));

			if (!t)
				return -ENOMEM;
			opt.wraps = t;
			opt.wraps[opt.nwraps++] = (struct wrap){ .entry = f.entry, .callee = w.callee };
		}
	}
	qsort(opt.wraps, opt.nwraps, sizeof(*opt.wraps), cmp_wrap);
	bk_info(1, "%zu go-statement wrappers call a known function, %zu a function value",
		opt.nwraps, nval);
	return 0;
}

/* "pkg.T.M" for a method value's "pkg.T.M-fm": the method it calls. */
static const char *method_of(const char *name, char *buf, size_t size)
{
	size_t l = strlen(name);

	if (l < 3 || strcmp(name + l - 3, "-fm"))
		return name;
	snprintf(buf, size, "%.*s", (int)(l - 3), name);
	return buf;
}

/*
 * The function a goroutine starting at pc runs: what its go-statement
 * wrapper calls (target, at link-time addresses, when it calls a function
 * value, else 0), or the function at pc itself.
 */
static const char *start_func(__u64 pc, __u64 target, char *buf, size_t size)
{
	struct wrap key = { .entry = pc }, *w;
	struct gofunc f;

	if (target && !gobin_pc_info(gouprobe_gobin(opt.gp), target, &f, NULL, NULL) &&
	    f.entry == target)
		return method_of(f.name, buf, size);
	w = bsearch(&key, opt.wraps, opt.nwraps, sizeof(*opt.wraps), cmp_wrap);
	if (w)
		return w->callee;
	return func_name(pc, buf, size);
}

/*
 * The line of a call from its return address (pc - 1 is inside the call
 * instruction). short_site keeps the file's directory and name only, for
 * columns; file and line may be NULL.
 */
static void site(__u64 ret_pc, char *buf, size_t size, bool short_site, const char **filep,
		 int *linep)
{
	const char *file = NULL, *s;
	int line = 0;

	if (gobin_pc_info(gouprobe_gobin(opt.gp), ret_pc - 1, NULL, &file, &line) || !file) {
		snprintf(buf, size, "?");
		file = NULL;
	} else {
		s = file;
		if (short_site)
			for (const char *p = file, *last = NULL; *p; p++)
				if (*p == '/') {
					s = last ? last + 1 : file;
					last = p;
				}
		snprintf(buf, size, "%s:%d", s, line);
	}
	if (filep)
		*filep = file;
	if (linep)
		*linep = line;
}

static void print_header(void)
{
	if (bk_env.json)
		return;
	bk_print_prefix_header();
	printf("%-*s %-11s %-7s %-24s %s\n", BK_W_PID, "PID", "PARENT_GOID", "GOID", "FUNC", "SITE");
}

static int handle_event(void *ctx, void *data, size_t size)
{
	const struct spawn_event *e = data;
	char fbuf[256], sbuf[4096], frame[4096 + 256 + 2];
	const char *fn, *file;
	struct bk_json j;
	__u32 nframes;
	int line;

	if (size < offsetof(struct spawn_event, stack))
		return 0;
	nframes = (size - offsetof(struct spawn_event, stack)) / sizeof(__u64);
	if (nframes > e->nframes)
		nframes = e->nframes;
	fn = start_func(link_pc(e->start_pc, e->probe_ip),
			e->target_pc ? link_pc(e->target_pc, e->probe_ip) : 0, fbuf, sizeof(fbuf));
	site(link_pc(e->caller_pc, e->probe_ip), sbuf, sizeof(sbuf), !bk_env.json, &file, &line);
	if (bk_env.json) {
		bk_json_event(&j, stdout, e->ts_ns, e->tgid, e->tid, e->uid, e->comm);
		bk_json_uint(&j, "parent_goid", e->parent_goid);
		bk_json_uint(&j, "goid", e->goid);
		bk_json_str(&j, "func", fn, (size_t)-1);
		bk_json_str(&j, "start_func",
			    func_name(link_pc(e->start_pc, e->probe_ip), sbuf, sizeof(sbuf)),
			    (size_t)-1);
		site(link_pc(e->caller_pc, e->probe_ip), sbuf, sizeof(sbuf), false, &file, &line);
		bk_json_str(&j, "site", sbuf, sizeof(sbuf));
		if (file) {
			bk_json_str(&j, "file", file, (size_t)-1);
			bk_json_int(&j, "line", line);
		}
		if (opt.stack) {
			bk_json_array_begin(&j, "stack");
			for (__u32 i = 0; i < nframes; i++) {
				__u64 pc = link_pc(e->stack[i], e->probe_ip);

				site(pc, sbuf, sizeof(sbuf), false, NULL, NULL);
				snprintf(frame, sizeof(frame), "%s %s",
					 func_name(pc - 1, fbuf, sizeof(fbuf)), sbuf);
				bk_json_str(&j, NULL, frame, sizeof(frame));
			}
			bk_json_array_end(&j);
		}
		bk_json_end(&j);
		return 0;
	}
	bk_print_prefix(e->ts_ns, e->uid);
	printf("%-*u %-11llu %-7llu %-24s %s\n", BK_W_PID, e->tgid,
	       (unsigned long long)e->parent_goid, (unsigned long long)e->goid, fn, sbuf);
	for (__u32 i = 0; i < nframes; i++) {
		__u64 pc = link_pc(e->stack[i], e->probe_ip);

		site(pc, sbuf, sizeof(sbuf), true, NULL, NULL);
		printf("        %s %s\n", func_name(pc - 1, fbuf, sizeof(fbuf)), sbuf);
	}
	return 0;
}

/* ---- -c ---- */

struct row {
	char func[256];
	char site[512];
	__u64 count;
};

static int by_count(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return strcmp(x->func, y->func) ?: strcmp(x->site, y->site);
}

/* Adds one key's count to its row (function and site, over processes). */
static size_t add_row(struct row *rows, size_t n, const struct spawn_key *key,
		      const struct spawn_count *c)
{
	char fbuf[256];
	struct row r = { .count = c->count };
	size_t k;

	snprintf(r.func, sizeof(r.func), "%s",
		 start_func(link_pc(key->start_pc, c->probe_ip),
			    key->target_pc ? link_pc(key->target_pc, c->probe_ip) : 0, fbuf,
			    sizeof(fbuf)));
	site(link_pc(key->caller_pc, c->probe_ip), r.site, sizeof(r.site), !bk_env.json, NULL,
	     NULL);
	for (k = 0; k < n; k++) {
		if (!strcmp(rows[k].func, r.func) && !strcmp(rows[k].site, r.site)) {
			rows[k].count += r.count;
			return n;
		}
	}
	if (n < MAX_ROWS)
		rows[n++] = r;
	return n;
}

/* Prints and clears the counts: one interval. */
static int print_counts(void *ctx)
{
	static struct spawn_key keys[MAX_ROWS];
	static struct spawn_count counts[MAX_ROWS];
	static struct row rows[MAX_ROWS];
	size_t n = 0, k;
	struct bk_json j;
	char t[64];
	long nkeys;

	/* Takes the counts out (the table holds at most MAX_ROWS keys). */
	nkeys = bk_map_drain(opt.counts_fd, sizeof(keys[0]), sizeof(counts[0]), keys, counts,
			     MAX_ROWS);
	if (nkeys < 0)
		return (int)nkeys;
	for (k = 0; k < (size_t)nkeys; k++)
		n = add_row(rows, n, &keys[k], &counts[k]);
	qsort(rows, n, sizeof(rows[0]), by_count);
	if (bk_env.json) {
		bk_time_iso(t, sizeof(t), bk_now_ns());
		for (k = 0; k < n; k++) {
			bk_json_begin(&j, stdout);
			bk_json_str(&j, "time", t, sizeof(t));
			bk_json_str(&j, "func", rows[k].func, sizeof(rows[k].func));
			bk_json_str(&j, "site", rows[k].site, sizeof(rows[k].site));
			bk_json_uint(&j, "count", rows[k].count);
			bk_json_end(&j);
		}
	} else {
		bk_time_hms(t, sizeof(t), bk_now_ns());
		printf("\n%s\n%-8s %-32s %s\n", t, "COUNT", "FUNC", "SITE");
		for (k = 0; k < n; k++)
			printf("%-8llu %-32s %s\n", (unsigned long long)rows[k].count, rows[k].func,
			       rows[k].site);
	}
	fflush(stdout);
	return 0;
}

/* -c: spawns the full table could not count, like drops (bk_loop's on_check). */
static void check_counts(void *ctx, bool final)
{
	static __u64 reported;
	__u64 now = *(volatile __u64 *)ctx;

	if (final && now)
		bk_warn("%llu spawns were not counted in all: the table of go statements was full",
			(unsigned long long)now);
	else if (now > reported)
		bk_warn("%llu spawns were not counted: the table of go statements was full "
			"(%llu in all)", (unsigned long long)(now - reported),
			(unsigned long long)now);
	reported = now;
}

/* ---- set-up ---- */

/* The Go program, its newproc1, and whether this tool can read its arguments. */
static int open_target(void)
{
	const char *v;
	int err, minor = 0;

	/* -c counts by function and line: it reads no goroutine id. */
	err = gotarget_open(opt.count ? 0 : GOTARGET_NEED_GOID, &opt.gp);
	if (err)
		return err;
	v = gouprobe_go_version(opt.gp);
	/* newproc1(fn, callergp, callerpc) in registers since Go 1.18; 1.17's
	 * still had (fn, argp, narg, callergp, callerpc). */
	if (!gouprobe_regabi(opt.gp) || (sscanf(v, "go1.%d", &minor) == 1 && minor < 17)) {
		bk_set_error("%s was built with %s: gospawn reads runtime.newproc1 as Go 1.17 "
			     "and later define it", gouprobe_name(opt.gp), v);
		return -ENOTSUP;
	}
	opt.args_117 = minor == 17;
	err = gobin_find_func(gouprobe_gobin(opt.gp), NEWPROC1, &opt.newproc1);
	if (err) {
		bk_set_error("%s has no %s to probe", gouprobe_name(opt.gp), NEWPROC1);
		return err;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct bk_links links = {};
	struct gospawn_bpf *skel = NULL;
	struct bk_loop loop = {};
	size_t nrets = 0;
	int err;

	/* Arguments; the shared letters land in bk_env. TIME is always shown. */
	bk_parse_args_doc(argc, argv, options, parse_arg, "[BINARY] [interval [count]]",
			  argp_program_doc, BK_OPT_PID | BK_OPT_UID | BK_OPT_COMM | BK_OPT_CGROUP |
			  BK_OPT_UIDCOL | BK_OPT_DURATION | BK_OPT_JSON);
	bk_env.timestamp = true;

	/* Logging, privileges, BTF; then the Go program and runtime.newproc1. */
	err = bk_init("gospawn");
	if (err)
		goto cleanup;
	err = open_target();
	if (err)
		goto cleanup;

	/* Open the BPF object. */
	skel = gospawn_bpf__open_opts(bk_open_opts());
	err = bk_opened(skel);
	if (err)
		goto cleanup;

	/* Filters, the goroutine layout and the mode go to .rodata before load. */
	bk_filter_fill(&skel->rodata->bk_filter);
	skel->rodata->go_goid_offset = gouprobe_goid_offset(opt.gp) > 0 ? gouprobe_goid_offset(opt.gp) : 0;
	skel->rodata->go_regabi = 1;
	skel->rodata->targ_newproc1 = opt.newproc1.entry;
	skel->rodata->targ_gp_arg = opt.args_117 ? 3 : 1;
	skel->rodata->targ_count = opt.count;
	skel->rodata->targ_stack = opt.stack;
	err = bk_events_size(skel->maps.events, &skel->rodata->bk_wakeup, 1 << 20);
	if (err)
		goto cleanup;

	/* One path: uprobes (named for -v and the test matrix). */
	struct bk_variant variants[] = {
		{ "uprobe", { skel->progs.handle_spawn, skel->progs.handle_spawn_exit } },
	};
	err = bk_choose(variants, 1, NULL);
	if (err < 0)
		goto cleanup;

	/* Load (the verifier runs here), then newproc1's entry and, unless -c
	 * (which needs no result), its RET sites. */
	err = bk_load(skel->skeleton);
	if (!err)
		err = load_wrappers(bpf_map__fd(skel->maps.wrappers));
	if (err)
		goto cleanup;
	err = gouprobe_attach(opt.gp, &opt.newproc1, 0, skel->progs.handle_spawn,
			      opt.count ? NULL : skel->progs.handle_spawn_exit, &links, &nrets);
	/* Last: its "attached via" line tells that every probe is in place. */
	if (!err)
		err = bk_attach(skel->skeleton);
	if (err)
		goto cleanup;
	bk_info(1, "probing %s of %s (%s) at its entry and %zu returns", NEWPROC1,
		gouprobe_name(opt.gp), gouprobe_go_version(opt.gp), opt.count ? 0 : nrets);

	/* Events (or counts read each interval), signals, then the header. */
	if (opt.count) {
		opt.counts_fd = bpf_map__fd(skel->maps.counts);
		bk_summary(&loop, print_counts, NULL);
		loop.on_check = check_counts;
		loop.check_ctx = (void *)&skel->bss->count_misses;
	} else {
		err = bk_events(&loop, skel->maps.events, handle_event, NULL, &skel->bss->bk_drops);
		if (err)
			goto cleanup;
		gotarget_loop(&loop, &opt.chk, opt.gp, skel->maps.go_goid_samples,
			      &skel->bss->go_goid_checked, NULL);
	}
	bk_signals();
	if (opt.count && !bk_env.json)
		printf("Counting goroutine spawns in %s... Hit Ctrl-C to end.\n",
		       gouprobe_name(opt.gp));
	else if (!opt.count)
		print_header();

	/* Until Ctrl-C, SIGTERM, -d or count intervals. */
	err = bk_run(&loop);

cleanup:
	bk_loop_free(&loop);
	bk_links_destroy(&links);
	gospawn_bpf__destroy(skel);
	gouprobe_close(opt.gp);
	free(opt.wraps);
	return bk_exit(err);
}
