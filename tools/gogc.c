// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * gogc: Go garbage-collection cycles, what triggered them, and every
 * stop-the-world pause, with a histogram of the pauses at the end.
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>
#include <bpf/bpf.h>
#include "core/attach.h"
#include "go/gotarget.h"
#include "core/hist.h"
#include "core/json.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/opts.h"
#include "core/output.h"
#include "core/setup.h"
#include "gogc.h"
#include "gogc.skel.h"

/* The runtime functions probed; F_MARK_END is optional (see bpf/gogc.bpf.c). */
enum { F_GCSTART, F_CYCLE, F_STOP, F_START, F_MARK_END, NFUNCS };
static const char *const func_names[NFUNCS] = {
	"runtime.gcStart", "runtime.gcBgMarkStartWorkers", "runtime.stopTheWorldWithSema",
	"runtime.startTheWorldWithSema", "runtime.gcControllerCommit",
};

/* The GC cycle a process is in, to name its pauses. */
#define MAX_PROCS 256
struct proc {
	__u32 tgid;
	int trigger;
	__u64 cycle;
	int nstw;	/* GC pauses seen in the cycle: sweep then mark termination */
};

static struct {
	const char *pos[2];
	int npos;
	struct gouprobe *gp;
	struct gofunc funcs[NFUNCS];
	struct proc procs[MAX_PROCS];
	unsigned int nprocs;
	__u64 cycles;		/* cycle events seen */
	struct gotarget_check chk;
} opt;

const char argp_program_doc[] =
	"Trace Go garbage-collection cycles and stop-the-world pauses.\n"
	"\n"
	"USAGE: gogc [-p PID | BINARY] [-U] [-j] [-d SECONDS]\n"
	"\n"
	"One line when a GC cycle starts, with its trigger (heap, time, forced),\n"
	"and one per stop-the-world pause with its length; a histogram of the\n"
	"pauses at the end. With BINARY, every process running that program is\n"
	"traced. Probes private runtime functions (Go 1.17 and later) at their\n"
	"entries and RET instructions, never with uretprobes.\n"
	"\n"
	"EXAMPLES:\n"
	"    gogc -p 181               # GC cycles and pauses of process 181\n"
	"    gogc ./server             # of every process running ./server\n"
	"    gogc -j -d 60 -p 181      # JSON lines for a minute";

static const struct argp_option options[] = {
	GOTARGET_OPTIONS,
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	int i;

	switch (key) {
	case ARGP_KEY_ARG:
		if (opt.npos == 2)
			bk_usage(state, "unexpected argument '%s'", arg);
		opt.pos[opt.npos++] = arg;
		break;
	case ARGP_KEY_END:
		i = gotarget_end(state, opt.pos, opt.npos);
		if (i < opt.npos)
			bk_usage(state, "unexpected argument '%s'", opt.pos[i]);
		break;
	default:
		return gotarget_parse_opt(key, arg, state);
	}
	return 0;
}

static const char *trigger_name(int kind, char *buf, size_t size)
{
	switch (kind) {
	case GOGC_TRIGGER_HEAP:
		return "heap";
	case GOGC_TRIGGER_TIME:
		return "time";
	case GOGC_TRIGGER_CYCLE:
		return "forced";
	}
	snprintf(buf, size, "kind%d", kind);
	return buf;
}

/* The process's GC state; a new one replaces the oldest when the table is full. */
static struct proc *proc_of(__u32 tgid)
{
	unsigned int i;

	for (i = 0; i < opt.nprocs && i < MAX_PROCS; i++)
		if (opt.procs[i].tgid == tgid)
			return &opt.procs[i];
	i = opt.nprocs++ % MAX_PROCS;
	opt.procs[i] = (struct proc){ .tgid = tgid, .nstw = 2 };
	return &opt.procs[i];
}

/*
 * Which pause this is. The GC stops the world by calling stopTheWorldWithSema
 * itself: first at sweep termination (in gcStart), then at mark termination;
 * everything else (runtime.ReadMemStats, GOMAXPROCS, goroutine profiles, ...)
 * goes through runtime.stopTheWorld, whose closure is then the caller.
 */
static const char *phase_of(const struct gc_event *e, struct proc *p)
{
	__u64 bias = (e->probe_ip - opt.funcs[F_STOP].entry) & ~0xfffULL;
	struct gofunc f;

	if (!gobin_pc_info(gouprobe_gobin(opt.gp), e->caller_pc - bias - 1, &f, NULL, NULL) &&
	    !strncmp(f.name, "runtime.stopTheWorld", 20))
		return NULL;
	if (p->nstw >= 2)
		return NULL;
	return p->nstw++ == 0 ? "sweep-term" : "mark-term";
}

static void print_header(void)
{
	if (bk_env.json)
		return;
	bk_print_prefix_header();
	printf("%-*s %-6s %-7s %-10s %s\n", BK_W_PID, "PID", "CYCLE", "TRIGGER", "PHASE",
	       "PAUSE(us)");
}

static int handle_event(void *ctx, void *data, size_t size)
{
	const struct gc_event *e = data;
	struct proc *p = proc_of(e->tgid);
	const char *phase = "start", *trig;
	char tbuf[16], cycle[24];
	struct bk_json j;
	bool in_cycle;

	if (size < sizeof(*e))
		return 0;
	if (e->kind == GOGC_CYCLE) {
		*p = (struct proc){ .tgid = e->tgid, .trigger = e->trigger, .cycle = e->cycle };
		opt.cycles++;
	} else {
		phase = phase_of(e, p);
	}
	in_cycle = e->kind == GOGC_CYCLE || phase;
	trig = trigger_name(p->trigger, tbuf, sizeof(tbuf));
	if (bk_env.json) {
		bk_json_event(&j, stdout, e->ts_ns, e->tgid, e->tid, e->uid, e->comm);
		bk_json_str(&j, "event", e->kind == GOGC_CYCLE ? "cycle" : "stw", 8);
		if (in_cycle) {
			bk_json_uint(&j, "cycle", p->cycle);
			bk_json_str(&j, "trigger", trig, sizeof(tbuf));
		} else {
			bk_json_null(&j, "cycle");
			bk_json_null(&j, "trigger");
		}
		if (e->kind == GOGC_CYCLE) {
			bk_json_uint(&j, "goid", e->goid);
		} else {
			bk_json_str(&j, "phase", phase ? phase : "other", 16);
			bk_json_uint(&j, "pause_ns", e->pause_ns);
		}
		bk_json_end(&j);
		return 0;
	}
	snprintf(cycle, sizeof(cycle), "%llu", (unsigned long long)p->cycle);
	bk_print_prefix(e->ts_ns, e->uid);
	printf("%-*u %-6s %-7s %-10s ", BK_W_PID, e->tgid, in_cycle ? cycle : "-",
	       in_cycle ? trig : "-", phase ? phase : "other");
	if (e->kind == GOGC_CYCLE)
		printf("-\n");
	else
		printf("%.3f\n", e->pause_ns / 1000.0);
	return 0;
}

/* The histogram of every pause, at the end. */
static int print_summary(int hists_fd)
{
	struct gogc_hist h;
	__u32 zero = 0;
	struct bk_json j;
	char t[64];

	if (bpf_map_lookup_elem(hists_fd, &zero, &h)) {
		bk_set_error("cannot read the pause histogram: %s", strerror(errno));
		return -errno;
	}
	if (bk_env.json) {
		bk_time_iso(t, sizeof(t), bk_now_ns());
		bk_json_begin(&j, stdout);
		bk_json_str(&j, "time", t, sizeof(t));
		bk_json_str(&j, "event", "summary", 8);
		bk_json_uint(&j, "cycles", opt.cycles);
		bk_json_uint(&j, "pauses", h.count);
		bk_json_uint(&j, "total_ns", h.total_ns);
		bk_json_uint(&j, "max_ns", h.max_ns);
		bk_json_str(&j, "unit", "usecs", 8);
		bk_json_log2_hist(&j, "hist", h.slots, GOGC_SLOTS);
		bk_json_end(&j);
		return 0;
	}
	printf("\n%llu GC cycle%s, %llu stop-the-world pause%s", (unsigned long long)opt.cycles,
	       opt.cycles == 1 ? "" : "s", (unsigned long long)h.count, h.count == 1 ? "" : "s");
	if (h.count)
		printf(", average %.3f usecs, longest %.3f usecs\n",
		       (double)h.total_ns / h.count / 1000.0, h.max_ns / 1000.0);
	else
		printf("\n");
	if (h.count)
		bk_print_log2_hist(stdout, h.slots, GOGC_SLOTS, "usecs");
	return 0;
}

/* The Go program and the four runtime functions. */
static int open_target(void)
{
	int err;

	err = gotarget_open(GOTARGET_NEED_GOID, &opt.gp);
	if (err)
		return err;
	/* gcStart's trigger kind is read from RAX: the register ABI. */
	if (!gouprobe_regabi(opt.gp)) {
		bk_set_error("%s was built with %s, which passes arguments on the stack: "
			     "gogc reads Go 1.17 and later", gouprobe_name(opt.gp),
			     gouprobe_go_version(opt.gp));
		return -ENOTSUP;
	}
	for (int i = 0; i < NFUNCS; i++) {
		err = gobin_find_func(gouprobe_gobin(opt.gp), func_names[i], &opt.funcs[i]);
		if (err && i == F_MARK_END) {
			opt.funcs[i].name = NULL;
			continue;
		}
		if (err) {
			bk_set_error("%s (%s) has no %s to probe", gouprobe_name(opt.gp),
				     gouprobe_go_version(opt.gp), func_names[i]);
			return err;
		}
	}
	return 0;
}

/* Entry probes on the first three, RET probes on the last two. */
static int attach_funcs(struct gogc_bpf *skel, struct bk_links *links)
{
	struct bpf_program *entry[NFUNCS] = { skel->progs.handle_gc_start,
		skel->progs.handle_gc_cycle, skel->progs.handle_stw, NULL, NULL };
	struct bpf_program *ret[NFUNCS] = { NULL, NULL, NULL, skel->progs.handle_stw_exit,
		skel->progs.handle_stw_mark_end };
	size_t nrets = 0;
	int err;

	for (int i = 0; i < NFUNCS; i++) {
		if (!opt.funcs[i].name)
			continue;
		err = gouprobe_attach(opt.gp, &opt.funcs[i], i, entry[i], ret[i], links,
				      i == F_START ? &nrets : NULL);
		if (err)
			return err;
	}
	if (!opt.funcs[F_MARK_END].name)
		bk_warn("%s has no %s: mark termination pauses end when the world starts, "
			"later than the runtime's own clock", gouprobe_name(opt.gp),
			func_names[F_MARK_END]);
	if (!nrets) {
		bk_set_error("%s has no RET instruction to probe", func_names[F_START]);
		return -ENOENT;
	}
	bk_info(1, "probing the GC of %s (%s): 3 entries and %zu returns", gouprobe_name(opt.gp),
		gouprobe_go_version(opt.gp), nrets);
	return 0;
}

int main(int argc, char **argv)
{
	struct bk_links links = {};
	struct gogc_bpf *skel = NULL;
	struct bk_loop loop = {};
	int err;

	/* Arguments; the shared letters land in bk_env. TIME is always shown. */
	bk_parse_args_doc(argc, argv, options, parse_arg, "[BINARY]", argp_program_doc,
			  BK_OPT_PID | BK_OPT_UID | BK_OPT_COMM | BK_OPT_CGROUP | BK_OPT_UIDCOL |
			  BK_OPT_DURATION | BK_OPT_JSON);
	bk_env.timestamp = true;

	/* Logging, privileges, BTF; then the Go program and its runtime functions. */
	err = bk_init("gogc");
	if (err)
		goto cleanup;
	err = open_target();
	if (err)
		goto cleanup;

	/* Open the BPF object. */
	skel = gogc_bpf__open_opts(bk_open_opts());
	err = bk_opened(skel);
	if (err)
		goto cleanup;

	/* Filters and the goroutine layout go to .rodata before load. */
	bk_filter_fill(&skel->rodata->bk_filter);
	skel->rodata->go_goid_offset = gouprobe_goid_offset(opt.gp);
	skel->rodata->go_regabi = 1;
	err = bk_events_size(skel->maps.events, &skel->rodata->bk_wakeup, 256 << 10);
	if (err)
		goto cleanup;

	/* One path: uprobes (named for -v and the test matrix). */
	struct bk_variant variants[] = {
		{ "uprobe", { skel->progs.handle_gc_start, skel->progs.handle_gc_cycle,
			      skel->progs.handle_stw, skel->progs.handle_stw_exit,
			      skel->progs.handle_stw_mark_end } },
	};
	err = bk_choose(variants, 1, NULL);
	if (err < 0)
		goto cleanup;

	/* Load (the verifier runs here), then the probes on the runtime. */
	err = bk_load(skel->skeleton);
	if (err)
		goto cleanup;
	err = attach_funcs(skel, &links);
	/* Last: its "attached via" line tells that every probe is in place. */
	if (!err)
		err = bk_attach(skel->skeleton);
	if (err)
		goto cleanup;

	/* Events and signals, then the header. */
	err = bk_events(&loop, skel->maps.events, handle_event, NULL, &skel->bss->bk_drops);
	if (err)
		goto cleanup;
	gotarget_loop(&loop, &opt.chk, opt.gp, skel->maps.go_goid_samples,
		      &skel->bss->go_goid_checked, NULL);
	bk_signals();
	print_header();

	/* Until Ctrl-C, SIGTERM or -d; then the pause histogram. */
	err = bk_run(&loop);
	if (!err)
		err = print_summary(bpf_map__fd(skel->maps.hists));

cleanup:
	bk_loop_free(&loop);
	bk_links_destroy(&links);
	gogc_bpf__destroy(skel);
	gouprobe_close(opt.gp);
	return bk_exit(err);
}
