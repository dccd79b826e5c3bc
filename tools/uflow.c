// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * uflow: the call flow of Python programs (function entries and returns,
 * indented by call depth per thread), from the interpreter's USDT probes.
 */
#include <argp.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "core/attach.h"
#include "uspace/elfsym.h"
#include "core/json.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/opts.h"
#include "core/output.h"
#include "core/setup.h"
#include "uspace/uprobe_target.h"
#include "uspace/uprobes.h"
#include "uflow.h"
#include "uflow.skel.h"

#define DEFAULT_BINARY "/usr/bin/python3.11"

static struct {
	const char *binary;
	const char *module;
	const char *function;
	__u64 start_ns;
} opt;

const char argp_program_doc[] =
	"Show the call flow of Python programs: each function entry and return,\n"
	"indented by call depth per thread, from the interpreter's USDT probes.\n"
	"\n"
	"USAGE: uflow [-p PID] [--binary PATH] [--module NAME] [--function NAME]\n"
	"             [-j] [-d SECONDS]\n"
	"\n"
	"EXAMPLES:\n"
	"    uflow -p 2310                 # Python process 2310 (its own interpreter)\n"
	"    uflow                         # every process of " DEFAULT_BINARY "\n"
	"    uflow --binary /opt/py/bin/python3 --module 'app*'\n"
	"    uflow -p 2310 --function 'handle_*' -j";

enum { OPT_BINARY = 2000, OPT_MODULE, OPT_FUNCTION };

static const struct argp_option options[] = {
	{ "binary", OPT_BINARY, "PATH", 0,
	  "The Python interpreter or libpython to probe (default: the one -p PID runs, else "
	  DEFAULT_BINARY ")", 0 },
	{ "module", OPT_MODULE, "NAME", 0,
	  "Only functions of module NAME, or of modules beginning so with NAME* ('app*')", 0 },
	{ "function", OPT_FUNCTION, "NAME", 0,
	  "Only functions called NAME, or beginning so with NAME* ('handle_*')", 0 },
	{},
};

/* A name, or a prefix ending in '*', that fits the BPF side's filter. */
static bool name_or_prefix(const char *s)
{
	size_t n = strlen(s);

	if (!n || n >= UFLOW_FILTER_LEN || (n == 1 && *s == '*'))
		return false;
	if (s[n - 1] == '*')
		n--;
	for (size_t i = 0; i < n; i++)
		if (strchr("*?[]", s[i]) || (unsigned char)s[i] < 0x20)
			return false;
	return true;
}

/* Sets one of the BPF side's name filters (name_or_prefix() checked it). */
static void set_filter(volatile char *want, volatile __u32 *len, volatile __u8 *prefix,
		       const char *s)
{
	size_t n = strlen(s);

	*prefix = s[n - 1] == '*';
	*len = n - *prefix;
	for (size_t i = 0; i < *len; i++)
		want[i] = s[i];
}

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case OPT_BINARY:
		if (!*arg)
			bk_usage(state, "--binary wants a path");
		opt.binary = arg;
		break;
	case OPT_MODULE:
	case OPT_FUNCTION:
		if (!name_or_prefix(arg))
			bk_usage(state, "--%s takes a name or a prefix ending in '*' (it is matched "
				 "in the kernel), not '%s'", key == OPT_MODULE ? "module" : "function",
				 arg);
		*(key == OPT_MODULE ? &opt.module : &opt.function) = arg;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/*
 * The module a code object's file stands for: "/srv/app/views.py" -> "views",
 * ".../pkg/__init__.py" -> "pkg", "<frozen importlib._bootstrap>" ->
 * "importlib._bootstrap"; other pseudo-files ("<string>") stay as they are.
 */
static void module_of(const char *file, char *out, size_t len)
{
	const char *base = strrchr(file, '/'), *end;
	size_t n;

	if (!strncmp(file, "<frozen ", 8) && (end = strchr(file, '>'))) {
		snprintf(out, len, "%.*s", (int)(end - file - 8), file + 8);
		return;
	}
	base = base ? base + 1 : file;
	n = strlen(base);
	if (n > 3 && !strcmp(base + n - 3, ".py"))
		n -= 3;
	if (n == 8 && !strncmp(base, "__init__", 8) && base > file + 1) {
		const char *dir = base - 1;

		while (dir > file && dir[-1] != '/')
			dir--;
		snprintf(out, len, "%.*s", (int)(base - 1 - dir), dir);
		return;
	}
	snprintf(out, len, "%.*s", (int)n, base);
}

#define W_CPU 3
#define W_TIME_US 10

static void print_header(void)
{
	if (bk_env.json)
		return;
	printf("%-*s %-*s %-*s %-*s %s\n", W_CPU, "CPU", BK_W_PID, "PID", BK_W_PID, "TID",
	       W_TIME_US, "TIME(us)", "METHOD");
}

static int handle_event(void *ctx, void *data, size_t size)
{
	const struct flow_event *e = data;
	char file[UFLOW_FILE_LEN + 1], func[UFLOW_FUNC_LEN + 1], module[UFLOW_FILE_LEN + 1];
	char raw[UFLOW_FILE_LEN + UFLOW_FUNC_LEN + 2], method[4 * sizeof(raw)], t[40];
	const char *dir = e->kind == UFLOW_ENTRY ? "->" : "<-";
	__u64 us = e->ts_ns > opt.start_ns ? (e->ts_ns - opt.start_ns) / 1000 : 0;
	struct bk_json j;

	snprintf(file, sizeof(file), "%.*s", UFLOW_FILE_LEN, e->file);
	snprintf(func, sizeof(func), "%.*s", UFLOW_FUNC_LEN, e->func);
	module_of(file, module, sizeof(module));

	if (bk_env.json) {
		bk_time_iso(t, sizeof(t), e->ts_ns);
		bk_json_begin(&j, stdout);
		bk_json_str(&j, "time", t, sizeof(t));
		bk_json_uint(&j, "cpu", e->cpu);
		bk_json_uint(&j, "pid", e->tgid);
		bk_json_uint(&j, "tid", e->tid);
		bk_json_uint(&j, "time_us", us);
		bk_json_str(&j, "event", e->kind == UFLOW_ENTRY ? "entry" : "return", 8);
		bk_json_int(&j, "depth", e->depth);
		bk_json_str(&j, "module", module, sizeof(module));
		bk_json_str(&j, "function", func, sizeof(func));
		bk_json_str(&j, "file", file, sizeof(file));
		bk_json_int(&j, "line", e->lineno);
		bk_json_end(&j);
		return 0;
	}
	snprintf(raw, sizeof(raw), "%s.%s", module, func);
	bk_escape(method, sizeof(method), raw, sizeof(raw));
	printf("%-*u %-*u %-*u %-*llu %*s%s %s\n", W_CPU, e->cpu, BK_W_PID, e->tgid, BK_W_PID,
	       e->tid, W_TIME_US, (unsigned long long)us, 2 * (e->depth > 0 ? e->depth : 0), "",
	       dir, method);
	return 0;
}

static int is_entry_probe(const struct elfsym_usdt *p, void *ctx)
{
	return !strcmp(p->provider, "python") && !strcmp(p->name, "function__entry");
}

/* 1 when path has the python:function__entry USDT probe, else 0. */
static int has_probes(const char *path)
{
	struct elfsym_file *f;
	int found;

	if (elfsym_open(path, &f))
		return 0;
	found = elfsym_usdt_foreach(f, is_entry_probe, NULL) > 0;
	elfsym_close(f);
	return found;
}

/* With -p: the libpython the process maps, for interpreters linked with one. */
static int find_libpython(char *path, size_t len)
{
	char maps[64], line[PATH_MAX + 256];
	struct proc_map m;
	int err = -ENOENT;
	FILE *f;

	snprintf(maps, sizeof(maps), "/proc/%d/maps", bk_env.pid);
	f = fopen(maps, "r");
	if (!f)
		return -errno;
	while (err && fgets(line, sizeof(line), f)) {
		const char *base;

		if (proc_map_parse(line, &m) || !m.exec || m.path[0] != '/')
			continue;
		base = strrchr(m.path, '/') + 1;
		if (strncmp(base, "libpython", 9) ||
		    uprobe_target_pid_path(bk_env.pid, m.path, path, len))
			continue;
		if (has_probes(path))
			err = 0;
	}
	fclose(f);
	return err;
}

/*
 * The file with the probes: --binary; else the executable of -p PID (or the
 * libpython it maps); else DEFAULT_BINARY.
 */
static int find_python(char *path, size_t len)
{
	const char *want = opt.binary ? opt.binary : DEFAULT_BINARY;
	char exe[PATH_MAX], link[64];
	ssize_t n;
	int err;

	if (!opt.binary && bk_env.pid) {
		snprintf(link, sizeof(link), "/proc/%d/exe", bk_env.pid);
		n = readlink(link, exe, sizeof(exe) - 1);
		if (n < 0) {
			err = errno == ENOENT ? -ESRCH : -errno;
			bk_set_error("cannot read the executable of process %d: %s", bk_env.pid,
				     strerror(errno));
			return err;
		}
		exe[n] = 0;
		want = exe;
	}
	err = uprobe_target_resolve(want, bk_env.pid, path, len);
	if (err) {
		bk_set_error("cannot find the Python interpreter '%s': %s", want,
			     err == -ESRCH ? "no such process" : strerror(-err));
		return err;
	}
	if (has_probes(path))
		return 0;
	if (!opt.binary && bk_env.pid && !find_libpython(path, len))
		return 0;
	bk_set_error("%s has no USDT probe python:function__entry: use a Python built with "
		     "--with-dtrace (Debian's /usr/bin/python3.*), or name one with --binary", want);
	return -ENOENT;
}

int main(int argc, char **argv)
{
	struct bk_links links = {};
	struct bk_loop loop = {};
	struct uflow_bpf *skel = NULL;
	char python[PATH_MAX];
	int err;

	/* Arguments; the shared letters land in bk_env. */
	bk_parse_args(argc, argv, options, parse_arg, argp_program_doc,
		      BK_OPT_FILTERS | BK_OPT_DURATION | BK_OPT_JSON);

	/* Logging, privileges, BTF; then the interpreter file with the probes. */
	err = bk_init("uflow");
	if (err)
		goto cleanup;
	err = find_python(python, sizeof(python));
	if (err)
		goto cleanup;

	/* Open the BPF object. */
	skel = uflow_bpf__open_opts(bk_open_opts());
	err = bk_opened(skel);
	if (err)
		goto cleanup;

	/* Filters and settings go to .rodata before load. */
	bk_filter_fill(&skel->rodata->bk_filter);
	if (opt.module)
		set_filter(skel->rodata->targ_module, &skel->rodata->targ_module_len,
			   &skel->rodata->targ_module_prefix, opt.module);
	if (opt.function)
		set_filter(skel->rodata->targ_function, &skel->rodata->targ_function_len,
			   &skel->rodata->targ_function_prefix, opt.function);
	err = bk_events_size(skel->maps.events, &skel->rodata->bk_wakeup, 4 << 20);
	if (err)
		goto cleanup;

	/* One path: USDT (named for -v and the test matrix). */
	struct bk_variant variants[] = {
		{ "usdt", { skel->progs.handle_function, skel->progs.handle_function_exit } },
	};
	err = bk_choose(variants, 1, NULL);
	if (err < 0)
		goto cleanup;

	/* Load (the verifier runs here); the two USDT probes, then the rest. */
	err = bk_load(skel->skeleton);
	if (err)
		goto cleanup;
	opt.start_ns = bk_now_ns();
	err = bk_usdt_attach(&links, skel->progs.handle_function, bk_env.pid, python, "python",
			     "function__entry");
	if (!err)
		err = bk_usdt_attach(&links, skel->progs.handle_function_exit, bk_env.pid, python,
				     "python", "function__return");
	if (err)
		goto cleanup;
	bk_info(1, "probing python:function__entry/__return in %s", python);
	if (strstr(python, "python3.11"))
		bk_warn("CPython 3.11 fires function__entry only while a profile or trace "
			"function is set (CPython issue gh-98894): without one, returns are "
			"shown without their entries, at depth 0");
	err = bk_attach(skel->skeleton);
	if (err)
		goto cleanup;

	/* Events, signals, then the header. */
	err = bk_events(&loop, skel->maps.events, handle_event, NULL, &skel->bss->bk_drops);
	if (err)
		goto cleanup;
	bk_signals();
	print_header();

	/* Until Ctrl-C, SIGTERM or -d. */
	err = bk_run(&loop);

cleanup:
	bk_loop_free(&loop);
	bk_links_destroy(&links);
	uflow_bpf__destroy(skel);
	return bk_exit(err);
}
