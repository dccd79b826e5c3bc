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
#include "go/x86_insn.h"
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
	int exe_fd;		/* the binary, to read wrapper code */
	int counts_fd;
	int err;
	struct gotarget_check chk;
} opt = { .exe_fd = -1 };

const char argp_program_doc[] =
	"Trace goroutine creation (`go` statements) in Go programs.\n"
	"\n"
	"USAGE: gospawn [-p PID | BINARY] [-U] [-s] [-j] [-d SECONDS]\n"
	"       gospawn -c [-p PID | BINARY] [-j] [interval [count]]\n"
	"\n"
	"Each line is one new goroutine: the goroutine that ran the `go`\n"
	"statement (PARENT_GOID), the new one (GOID), the function it runs\n"
	"and the file:line of the statement. With BINARY, every process running\n"
	"that program is traced. Probes runtime.newproc1 (Go 1.18 and later) at\n"
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

/* "pkg.f.gowrap2": the closure Go 1.22 and later write for a go statement. */
static bool gowrap_name(const char *name)
{
	const char *w = strstr(name, ".gowrap");

	if (!w || !w[7])
		return false;
	for (w += 7; *w; w++)
		if (*w < '0' || *w > '9')
			return false;
	return true;
}

/*
 * Since Go 1.17 `go f(x)` starts the goroutine in a closure the compiler
 * writes to call f(x): main.spawn.func1 until Go 1.21, which the compiler
 * marks a wrapper (on amd64 a prologue check of g._panic, mov
 * 0x20(%r14),%r12, that closures people write do not have), and
 * main.spawn.gowrap1 since Go 1.22, named so. Such a wrapper ends by calling
 * f then returning: this returns the function of the last call before its
 * first RET, or NULL: not a wrapper, a call through a register (a function
 * value or an interface method: known only at run time), a runtime helper,
 * unreadable code.
 */
static const char *wrapped_func(__u64 entry)
{
	static const uint8_t panic_check[] = { 0x4d, 0x8b, 0x66, 0x20 };
	struct gobin *gb = gouprobe_gobin(opt.gp);
	uint8_t code[4096];
	struct gofunc f, callee;
	uint64_t off, target = 0;
	bool wrapper;
	ssize_t n;
	int pos, len;

	if (opt.exe_fd < 0 || gobin_pc_info(gb, entry, &f, NULL, NULL) || f.entry != entry ||
	    gobin_vaddr_to_offset(gb, entry, &off))
		return NULL;
	wrapper = gowrap_name(f.name);
	n = pread(opt.exe_fd, code, f.end - f.entry < sizeof(code) ? f.end - f.entry : sizeof(code),
		  (off_t)off);
	for (pos = 0; n > 0 && pos < n; pos += len) {
		const uint8_t *op;

		len = x86_insn_len(code + pos, n - pos);
		if (len < 0)
			return NULL;
		if (x86_insn_is_ret(code + pos, len))
			break;
		if (len == sizeof(panic_check) && !memcmp(code + pos, panic_check, len))
			wrapper = true;
		if (code[pos] == 0xe8 && len == 5) {
			int32_t rel;

			memcpy(&rel, code + pos + 1, 4);
			target = entry + pos + 5 + (int64_t)rel;
			continue;
		}
		/* A call through a register or memory (after a REX prefix). */
		op = code + pos + ((code[pos] & 0xf0) == 0x40 && len > 2);
		if (op[0] == 0xff && ((op[1] >> 3) & 7) == 2)
			target = 0;
	}
	if (!wrapper || pos >= n || !target || gobin_pc_info(gb, target, &callee, NULL, NULL) ||
	    callee.entry != target)
		return NULL;
	/* A runtime helper, unless the statement is the runtime's own. */
	if (!strncmp(callee.name, "runtime.", 8) && strncmp(f.name, "runtime.", 8))
		return NULL;
	return callee.name;
}

/* The function a goroutine starting at pc runs: the wrapped one, if any. */
static const char *start_func(__u64 pc, char *buf, size_t size)
{
	const char *w = wrapped_func(pc);

	return w ? w : func_name(pc, buf, size);
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
	char fbuf[32], sbuf[4096], frame[4200];
	const char *fn, *file;
	struct bk_json j;
	__u32 nframes;
	int line;

	if (size < offsetof(struct spawn_event, stack))
		return 0;
	nframes = (size - offsetof(struct spawn_event, stack)) / sizeof(__u64);
	if (nframes > e->nframes)
		nframes = e->nframes;
	fn = start_func(link_pc(e->start_pc, e->probe_ip), fbuf, sizeof(fbuf));
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
	char fbuf[32];
	struct row r = { .count = c->count };
	size_t k;

	snprintf(r.func, sizeof(r.func), "%s",
		 start_func(link_pc(key->start_pc, c->probe_ip), fbuf, sizeof(fbuf)));
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
	/* newproc1(fn, callergp, callerpc) in registers since Go 1.18. */
	if (!gouprobe_regabi(opt.gp) || (sscanf(v, "go1.%d", &minor) == 1 && minor < 18)) {
		bk_set_error("%s was built with %s: gospawn reads runtime.newproc1 as Go 1.18 "
			     "and later define it", gouprobe_name(opt.gp), v);
		return -ENOTSUP;
	}
	/* Wrapper code is read from the file itself (optional: names only). */
	opt.exe_fd = open(gouprobe_path(opt.gp), O_RDONLY | O_CLOEXEC);
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
	err = bk_start(skel->skeleton);
	if (err)
		goto cleanup;
	err = gouprobe_attach(opt.gp, &opt.newproc1, 0, skel->progs.handle_spawn,
			      opt.count ? NULL : skel->progs.handle_spawn_exit, &links, &nrets);
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
	if (opt.exe_fd >= 0)
		close(opt.exe_fd);
	return bk_exit(err);
}
