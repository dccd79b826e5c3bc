/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * What every Go tool shares on top of common/go/gouprobe.h: the options that
 * choose the Go program (-p PID, --binary PATH or a BINARY argument) and
 * describe it (--goid-offset, --max-inflight), opening it, the attach loop
 * (entry and every RET of each function), and the run-time check of the
 * goroutine ids the BPF side of bpf/goroutine.bpf.h read.
 *
 * Typical use:
 *
 *	static const struct argp_option options[] = {
 *		GOTARGET_OPTIONS, GOTARGET_OPTION_INFLIGHT, ... {} };
 *	parser: default: return gotarget_parse_opt(key, arg, state);
 *	        ARGP_KEY_END: i = gotarget_end(state, pos, npos);
 *	err = gotarget_open(GOTARGET_NEED_GOID, &gp);
 *	gotarget_set_inflight(skel->maps.starts, skel->maps.go_unfit);
 *	gotarget_multi(entry_prog, ret_prog);
 *	... load ...
 *	err = gotarget_attach(gp, funcs, n, entry_prog, ret_prog, &links);
 *	gotarget_loop(&loop, &chk, gp, skel->maps.go_goid_samples, &skel->bss->go_goid_checked,
 *		      &skel->bss->bk_lost_starts);
 */
#ifndef BPFKIT_GOTARGET_H
#define BPFKIT_GOTARGET_H

#include <argp.h>
#include <stdbool.h>
#include <linux/types.h>
#include "go/gouprobe.h"
#include "core/loop.h"

enum {
	GOTARGET_OPT_BINARY = 0x4700,
	GOTARGET_OPT_GOID_OFFSET,
	GOTARGET_OPT_MAX_INFLIGHT,
};

/* --binary PATH and --goid-offset N, for every Go tool's option table. */
#define GOTARGET_OPTIONS                                                                    \
	{ "binary", GOTARGET_OPT_BINARY, "PATH", 0,                                         \
	  "Trace the Go program PATH (every process running it)", 0 },                     \
	{ "goid-offset", GOTARGET_OPT_GOID_OFFSET, "N", 0,                                  \
	  "Offset of goid in runtime.g, for Go versions this tool does not know", 0 }
/* --max-inflight N, for tools that time calls. */
#define GOTARGET_OPTION_INFLIGHT                                                            \
	{ "max-inflight", GOTARGET_OPT_MAX_INFLIGHT, "N", 0,                                \
	  "Calls in flight tracked at once (default 65536)", 0 }

struct gotarget_opts {
	const char *binary;	/* --binary or the BINARY argument; NULL with -p */
	int goid_offset;	/* --goid-offset, -1 when not given */
	__u32 max_inflight;	/* --max-inflight */
};

extern struct gotarget_opts gotarget;

/* The tool's argp parser hands unknown keys here (ARGP_ERR_UNKNOWN if not ours). */
int gotarget_parse_opt(int key, char *arg, struct argp_state *state);

/*
 * At ARGP_KEY_END, with the positional arguments the tool collected: -p and
 * --binary exclude each other; without either the first one is the binary.
 * Returns the index of the first argument left for the tool. Usage errors
 * exit 64.
 */
int gotarget_end(struct argp_state *state, const char *const *pos, int npos);

/*
 * At ARGP_KEY_END, after gotarget_end(): the [interval [count]] of a summary
 * tool in pos[i..npos) into bk_env; anything more is a usage error.
 */
void gotarget_interval(struct argp_state *state, const char *const *pos, int i, int npos);

/* gotarget_open() flags. */
#define GOTARGET_NEED_GOID 1	/* refuse a program whose goid offset is unknown */

/*
 * Opens the program chosen by -p or gotarget.binary. Without
 * GOTARGET_NEED_GOID an unknown goid offset is no error (the tool's mode
 * does not read goroutine ids). Returns 0 or -errno with the sentence set.
 */
int gotarget_open(unsigned int flags, struct gouprobe **gp);

/* Sizes a tool's `starts` map and go_unfit from --max-inflight, before load. */
int gotarget_set_inflight(struct bpf_map *starts, struct bpf_map *unfit);

/*
 * Before load: makes both programs multi-uprobe programs where the kernel
 * has such links (Linux 6.6), so that gotarget_attach() gives each one link
 * for all its probes: hundreds of single uprobes take a grace period each
 * to detach (a minute for 200 probes here). ret_prog may be NULL.
 */
void gotarget_multi(struct bpf_program *entry_prog, struct bpf_program *ret_prog);

/*
 * Entry probes (entry_prog) and RET probes (ret_prog, may be NULL) on
 * funcs[0..n), with cookies GO_COOKIE(index, is_ret, size): one link per
 * program after gotarget_multi(), else one uprobe per probe. Says how many
 * with -v. Returns 0 or -errno with the sentence set.
 */
int gotarget_attach(const struct gouprobe *gp, const struct gofunc *funcs, size_t n,
		    struct bpf_program *entry_prog, struct bpf_program *ret_prog,
		    struct bk_links *links);

/* What gotarget_check() looks at: the goids the BPF side sampled. */
struct gotarget_check {
	const struct gouprobe *gp;
	volatile __u32 *goid_checked;	/* go_goid_checked */
	int samples_fd;			/* go_goid_samples */
	bool goid_warned;
};

/*
 * Warns once, in one sentence, when the goroutine ids sampled cannot be
 * real (all 0, shared, huge: a wrong --goid-offset); judges once enough
 * goroutines were seen, or with final whatever was. Returns false when they
 * look wrong. bk_loop's on_check calls it (gotarget_loop).
 */
bool gotarget_check(struct gotarget_check *c, bool final);

/*
 * Hooks the checks into the loop: the goid check as on_check, and
 * lost_starts (the BPF side's bk_lost_starts, NULL without starts) reported
 * with a hint at --max-inflight.
 */
void gotarget_loop(struct bk_loop *l, struct gotarget_check *c, const struct gouprobe *gp,
		   struct bpf_map *samples, volatile __u32 *goid_checked,
		   volatile __u64 *lost_starts);

#endif
