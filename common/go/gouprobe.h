/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * Uprobes on Go functions, without uretprobes.
 *
 * A uretprobe swaps the return address on the goroutine stack for the
 * trampoline's; the Go runtime meets that address when it copies a growing
 * stack, in the GC and in tracebacks, and aborts the program ("unknown caller
 * pc"). So a function's return is observed with a plain uprobe on each of
 * its RET instructions instead, found by decoding its code (common/go/gobin.h).
 *
 * Each probe carries a bpf_cookie (kernel >= 5.15): the function's index in
 * the caller's table, with GO_COOKIE_RET set on return probes, so that one
 * BPF program can serve every function; bpf/goroutine.bpf.h decodes it and
 * pairs entries with returns per goroutine.
 *
 * Typical use:
 *
 *	struct gouprobe *gp;
 *	struct gofunc *fs;
 *	struct bk_links links = {};
 *	size_t n;
 *
 *	err = gouprobe_open(path, pid, -1, &gp);          path or pid
 *	err = gouprobe_match(gp, "main.*", 256, &fs, &n);   functions by glob
 *	skel->rodata->go_goid_offset = gouprobe_goid_offset(gp);
 *	skel->rodata->go_regabi = gouprobe_regabi(gp);
 *	... load ...
 *	for (i = 0; i < n; i++)
 *		err = gouprobe_attach(gp, &fs[i], i, prog, prog, &links);
 *	... run ...
 *	bk_links_destroy(&links);
 *	free(fs);
 *	gouprobe_close(gp);
 *
 * Every function returns 0 or a negative errno and prints nothing; failures
 * leave a sentence for bk_report() (common/core/log.h).
 */
#ifndef BPFKIT_GOUPROBE_H
#define BPFKIT_GOUPROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <bpf/libbpf.h>
#include "go/gobin.h"
#include "core/links.h"
#include "goroutine.h"

struct gouprobe; /* opaque: a Go target opened for probing */

/*
 * Opens the Go binary at path, or with pid > 0 (path NULL) the executable of
 * that process through /proc/PID/exe (which also reaches a binary inside a
 * container or one deleted since). goid_offset >= 0 overrides the offset of
 * goid in runtime.g (--goid-offset); GOUPROBE_GOID_FROM_BINARY takes it from
 * DWARF or the Go version and refuses a version without a known offset
 * (-ENOTSUP) rather than guess; GOUPROBE_GOID_ANY does the same without
 * refusing (gouprobe_goid_offset() is then -1: for modes that read no goid).
 * Errors: -ESRCH no such process, -ENOENT no such file, -ENOEXEC not a Go
 * binary, -ENOTSUP unknown goid offset or unsupported architecture.
 */
#define GOUPROBE_GOID_FROM_BINARY (-1)
#define GOUPROBE_GOID_ANY (-2)
/* Only to read the binary (gotrace --list): any architecture, no goid. */
#define GOUPROBE_READ_ONLY (-3)
int gouprobe_open(const char *path, pid_t pid, int goid_offset, struct gouprobe **out);
void gouprobe_close(struct gouprobe *gp);

/* The process given, or 0: every process running the binary. */
pid_t gouprobe_pid(const struct gouprobe *gp);
/* The path uprobes are attached through ("/proc/42/exe" with a pid). */
const char *gouprobe_path(const struct gouprobe *gp);
/* The binary's own name for messages (the target of /proc/PID/exe). */
const char *gouprobe_name(const struct gouprobe *gp);
/* "go1.19.8", or "unknown". */
const char *gouprobe_go_version(const struct gouprobe *gp);
/* Offset of goid in runtime.g, for the go_goid_offset rodata; -1 unknown. */
int gouprobe_goid_offset(const struct gouprobe *gp);
/* Whether the register ABI holds (Go >= 1.17 amd64, >= 1.18 arm64): g in
 * R14/X28 and arguments in registers. Else g comes from TLS. */
bool gouprobe_regabi(const struct gouprobe *gp);
/* The parsed binary, for gobin_*() lookups (pc -> line, ...). */
struct gobin *gouprobe_gobin(const struct gouprobe *gp);

/*
 * The non-wrapper functions whose names match the fnmatch(3) glob, in
 * address order, as a malloc()ed array (free() it; names stay valid until
 * gouprobe_close()). -ENOENT when none matches, -E2BIG when more than max
 * do (a glob like "*" would put thousands of probes on hot runtime code).
 */
int gouprobe_match(const struct gouprobe *gp, const char *glob, size_t max,
		   struct gofunc **funcs, size_t *n);

/* Every link attached, destroyed together at cleanup (before the skeleton). */
/*
 * Attaches entry_prog at the entry of f with cookie GO_COOKIE(index, 0, size)
 * and ret_prog at every RET instruction of f with GO_COOKIE(index, 1, size)
 * (size: f's code size), both as
 * plain uprobes, for the opened process only when opened by pid. Either
 * program may be NULL (not attached); they may be the same program. *nrets
 * (may be NULL) gets the number of return sites; a function with none
 * (it ends in a panic or a jump) gets the entry probe only.
 * -EILSEQ when the code does not decode (no probe is then placed).
 */
int gouprobe_attach(const struct gouprobe *gp, const struct gofunc *f, uint32_t index,
		    struct bpf_program *entry_prog, struct bpf_program *ret_prog,
		    struct bk_links *links, size_t *nrets);

/* The RET sites of f as uprobe file offsets (malloc()ed; free() it). */
int gouprobe_ret_offsets(const struct gouprobe *gp, const struct gofunc *f, uint64_t **offs,
			 size_t *n);


#endif
