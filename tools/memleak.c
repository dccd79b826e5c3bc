// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * memleak: memory allocated and not freed yet, by the stack that allocated
 * it: a process's allocator (-p, -c, -O: uprobes on malloc and the rest of
 * its family) or the kernel's (kmem and percpu tracepoints).
 */
#include <argp.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "core/attach.h"
#include "core/json.h"
#include "core/links.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/opts.h"
#include "core/output.h"
#include "core/setup.h"
#include "stacks/tool.h"
#include "uspace/elfsym.h"
#include "uspace/uprobe_target.h"
#include "uspace/uprobes.h"
#include "memleak.h"
#include "memleak.skel.h"

static struct {
	const char *command;	/* -c */
	const char *obj;	/* -O */
	long older_ms;		/* -o */
	bool all;		/* -a */
	long top;		/* --top */
	long allocs;		/* --allocs */
} opt = { .top = 10, .allocs = MEMLEAK_DEFAULT_ALLOCS };

const char argp_program_doc[] =
	"Show memory allocated and not freed yet, by the stack that allocated it:\n"
	"a process's (-p, -c; -O for all processes using an allocator) or, with none\n"
	"of these, the kernel's. Oldest stacks first.\n"
	"\n"
	"USAGE: memleak [-p PID | -c COMMAND] [-O OBJ] [-t TID] [-u UID] [-n COMM]\n"
	"               [--cgroup PATH] [-o MS] [-a] [--top N] [-f | -j] [--svg FILE]\n"
	"               [-d SECONDS] [interval [count]]\n"
	"\n"
	"EXAMPLES:\n"
	"    memleak -p 181              # process 181's leaks, at Ctrl-C or its exit\n"
	"    memleak -c './server -x'    # run a command and show what it leaked\n"
	"    memleak -p 181 -o 5000 10   # blocks older than 5 s, every 10 s\n"
	"    memleak -O c -n nginx       # every nginx process, through libc\n"
	"    memleak -d 10               # kernel allocations (kmalloc, slab, pages)\n"
	"    memleak -p 181 --svg leak.svg  # flame graph of outstanding bytes";

enum { OPT_TOP = 2000, OPT_ALLOCS };

static const struct argp_option options[] = {
	{ "command", 'c', "COMMAND", 0, "Run COMMAND (split at spaces) and trace its allocations", 0 },
	{ "obj", 'O', "OBJ", 0,
	  "The allocator's library or program (default libc); without -p or -c: every "
	  "process that uses it", 0 },
	{ "older", 'o', "MS", 0, "Only blocks allocated at least MS milliseconds ago", 0 },
	{ "all", 'a', NULL, 0, "List every outstanding block (address, size, age)", 0 },
	{ "top", OPT_TOP, "N", 0, "Show the N stacks with the most bytes (default 10)", 0 },
	{ "allocs", OPT_ALLOCS, "N", 0, "Blocks tracked at once (default 262144)", 0 },
	BK_STACK_ARGP_OUTPUT_OPTIONS,
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'c':
		if (!*arg || !strcspn(arg, " "))
			bk_usage(state, "-c wants a command");
		opt.command = arg;
		break;
	case 'O':
		if (!*arg)
			bk_usage(state, "-O wants a library or program");
		opt.obj = arg;
		break;
	case 'o':
		if (bk_parse_long(arg, 0, 1L << 40, &opt.older_ms))
			bk_usage(state, "invalid -o '%s': want a number of milliseconds", arg);
		break;
	case 'a':
		opt.all = true;
		break;
	case OPT_TOP:
		if (bk_parse_long(arg, 1, 1 << 20, &opt.top))
			bk_usage(state, "invalid --top '%s': want 1 to 1048576 stacks", arg);
		break;
	case OPT_ALLOCS:
		if (bk_parse_long(arg, 64, 1 << 24, &opt.allocs))
			bk_usage(state, "invalid --allocs '%s': want 64 to 16777216 blocks", arg);
		break;
	case ARGP_KEY_ARG:
		bk_parse_interval_arg(state, arg);
		break;
	case ARGP_KEY_END:
		if (opt.command && bk_env.pid)
			bk_usage(state, "-p and -c both name the process: give one of them");
		return bk_stack_parse_opt(key, arg, state);
	default:
		return bk_stack_parse_opt(key, arg, state);
	}
	return 0;
}

static bool user_mode(void)
{
	return bk_env.pid || opt.command || opt.obj;
}

/* The allocator's functions, with the cookie that tells them apart. */
static const struct {
	const char *name;
	int func;
} funcs[] = {
	{ "malloc", MEMLEAK_MALLOC },
	{ "calloc", MEMLEAK_CALLOC },
	{ "realloc", MEMLEAK_REALLOC },
	{ "posix_memalign", MEMLEAK_POSIX_MEMALIGN },
	{ "aligned_alloc", MEMLEAK_ALIGNED_ALLOC },
	{ "valloc", MEMLEAK_VALLOC },
	{ "pvalloc", MEMLEAK_PVALLOC },
	{ "memalign", MEMLEAK_MEMALIGN },
	{ "mmap", MEMLEAK_MMAP },
	{ "free", MEMLEAK_FREE },
	{ "munmap", MEMLEAK_MUNMAP },
};

/* Whether process pid maps a libc. */
static bool maps_libc(pid_t pid)
{
	char name[64], *line = NULL, *base;
	struct proc_map m;
	bool found = false;
	size_t cap = 0;
	FILE *f;

	snprintf(name, sizeof(name), "/proc/%d/maps", pid);
	f = fopen(name, "re");
	if (!f)
		return true;	/* let the resolution say what is wrong */
	while (!found && getline(&line, &cap, f) > 0) {
		if (proc_map_parse(line, &m) || !m.exec || m.path[0] != '/')
			continue;
		base = strrchr(m.path, '/') + 1;
		found = uprobe_target_lib_matches(base, "c");
	}
	free(line);
	fclose(f);
	return found;
}

/*
 * The file with the allocator: -O or libc, as the process maps it (-p), or
 * as a program started here would (-c, -O alone); a -p process without a
 * libc (a static program) has its allocator in its executable.
 */
static int find_allocator(char *path, size_t len)
{
	const char *obj = opt.obj ? opt.obj : "c";
	char link[32], exe[PATH_MAX];
	ssize_t n;
	int err;

	err = uprobe_target_resolve(obj, bk_env.pid, path, len);
	/* Not libc from the ld.so cache for a process that maps none. */
	if (!err && !opt.obj && bk_env.pid && !maps_libc(bk_env.pid))
		err = -ENOENT;
	if (err == -ENOENT && !opt.obj && bk_env.pid) {
		snprintf(link, sizeof(link), "/proc/%d/exe", bk_env.pid);
		n = readlink(link, exe, sizeof(exe) - 1);
		if (n > 0) {
			exe[n] = 0;
			err = uprobe_target_resolve(exe, bk_env.pid, path, len);
		}
	}
	if (err == -ENOENT)
		bk_set_error("found no '%s' to trace%s", obj,
			     bk_env.pid ? " in the process's maps" : "");
	else if (err)
		bk_set_error("cannot find '%s': %s", obj, strerror(-err));
	return err;
}

/*
 * Attaches the allocator's functions of path: return probes first, so that
 * a call already running when its entry probe arrives has none of its own.
 */
static int attach_allocator(struct memleak_bpf *skel, struct bk_links *l, const char *path)
{
	uint64_t off[MEMLEAK_NFUNCS], coo[MEMLEAK_NFUNCS], foff[2], fcoo[2], seen[MEMLEAK_NFUNCS];
	size_t n = 0, nf = 0, ns = 0, i, k;
	pid_t pid = opt.command ? 0 : bk_env.pid;
	struct elfsym_file *f;
	uint64_t o;
	int err;

	err = elfsym_open(path, &f);
	if (err) {
		bk_set_error("cannot read the symbols of '%s': %s", path, strerror(-err));
		return err;
	}
	for (i = 0; i < sizeof(funcs) / sizeof(funcs[0]); i++) {
		if (elfsym_lookup(f, funcs[i].name, &o))
			continue;
		/* Aliases (an aligned_alloc that is memalign) are probed once. */
		for (k = 0; k < ns && seen[k] != o; k++)
			;
		if (k < ns)
			continue;
		seen[ns++] = o;
		if (funcs[i].func == MEMLEAK_FREE || funcs[i].func == MEMLEAK_MUNMAP) {
			foff[nf] = o;
			fcoo[nf++] = funcs[i].func;
		} else {
			off[n] = o;
			coo[n++] = funcs[i].func;
		}
	}
	elfsym_close(f);
	if (!n || !nf || coo[0] != MEMLEAK_MALLOC || fcoo[0] != MEMLEAK_FREE) {
		bk_set_error("'%s' has no malloc and free to trace: name the allocator's library "
			     "or program with -O", path);
		return -ENOENT;
	}
	err = bk_uprobes_attach(l, skel->progs.handle_alloc_exit, pid, path, off, coo, n, true);
	if (!err)
		err = bk_uprobes_attach(l, skel->progs.handle_free, pid, path, foff, fcoo, nf, false);
	if (!err)
		err = bk_uprobes_attach(l, skel->progs.handle_alloc, pid, path, off, coo, n, false);
	if (!err)
		bk_info(1, "tracing %zu allocator functions of %s", n + nf, path);
	return err;
}

/* Whether execvp() would find prog: a path, or a name in PATH. */
static bool can_exec(const char *prog)
{
	const char *path = getenv("PATH");
	char buf[PATH_MAX];
	size_t len;

	if (strchr(prog, '/'))
		return !access(prog, X_OK);
	for (const char *d = path ? path : "/usr/bin:/bin"; *d; d += len + (d[len] == ':')) {
		len = strcspn(d, ":");
		snprintf(buf, sizeof(buf), "%.*s/%s", (int)len, len ? d : ".", prog);
		if (!access(buf, X_OK))
			return true;
	}
	return false;
}

/*
 * -c: the command, started now and held on a pipe until the probes are in
 * place. Returns its pid, or -errno (sentence set).
 */
static pid_t start_command(int *go)
{
	char *words[64], *copy = strdup(opt.command), *save = NULL, *w;
	int n = 0, p[2];
	pid_t pid;

	for (w = strtok_r(copy, " ", &save); w && n < 63; w = strtok_r(NULL, " ", &save))
		words[n++] = w;
	words[n] = NULL;
	if (!can_exec(words[0])) {
		bk_set_error("cannot run '%s': no such program%s", words[0],
			     strchr(words[0], '/') ? "" : " in PATH");
		return -ENOENT;
	}
	if (pipe2(p, O_CLOEXEC)) {
		bk_set_error("cannot make a pipe: %s", strerror(errno));
		return -errno;
	}
	pid = fork();
	if (pid < 0) {
		bk_set_error("cannot start '%s': %s", words[0], strerror(errno));
		return -errno;
	}
	if (!pid) {
		char c;

		close(p[1]);
		/* Nothing comes: the tool failed and closed its end. */
		if (read(p[0], &c, 1) != 1)
			_exit(127);
		execvp(words[0], words);
		fprintf(stderr, "memleak: cannot run '%s': %s\n", words[0], strerror(errno));
		_exit(127);
	}
	close(p[0]);
	*go = p[1];
	return pid;
}

/* One block of the table, and one stack's blocks together. */
struct block {
	struct memleak_key key;
	struct memleak_alloc a;
};

struct group {
	struct block *first;	/* its blocks, contiguous after sorting */
	size_t n;
	__u64 bytes, oldest_ns;
};

static int by_stack(const void *a, const void *b)
{
	const struct block *x = a, *y = b;
	int c = memcmp(&x->a.stack, &y->a.stack, sizeof(x->a.stack));

	if (c)
		return c;
	return x->a.ts_ns < y->a.ts_ns ? -1 : x->a.ts_ns > y->a.ts_ns;
}

static int by_bytes(const void *a, const void *b)
{
	const struct group *x = a, *y = b;

	return x->bytes > y->bytes ? -1 : x->bytes < y->bytes;
}

static int by_age(const void *a, const void *b)
{
	const struct group *x = a, *y = b;

	return x->oldest_ns < y->oldest_ns ? -1 : x->oldest_ns > y->oldest_ns;
}

struct report {
	struct memleak_bpf *skel;
	struct bk_stack_tool st;
	struct bk_trace *t;
	char *buf;
};

#define FOLD_MAX 65536

/*
 * Every block of the table (read, not taken out: they stay outstanding), in
 * batches: a walk by next key starts over whenever the key it stands on is
 * freed meanwhile, which on a busy table never ends. A walk is the fallback
 * for kernels without batch lookups (before 5.6), bounded by the table's size.
 */
static long read_blocks(int fd, __u32 max, struct block **out)
{
	size_t cap = (size_t)max + max / 4 + 64, n = 0;
	struct memleak_key *keys = malloc(cap * sizeof(*keys)), k, next, *prev = NULL;
	struct memleak_alloc *vals = malloc(cap * sizeof(*vals));
	struct block *b = malloc(cap * sizeof(*b));
	__u64 batch = 0;
	bool first = true;
	int err = 0;

	if (!keys || !vals || !b) {
		err = -ENOMEM;
		goto out;
	}
	while (n < cap) {
		__u32 count = (__u32)(cap - n);

		err = bpf_map_lookup_batch(fd, first ? NULL : &batch, &batch, keys + n, vals + n,
					   &count, NULL);
		if (err)
			err = -errno;
		first = false;
		n += count;
		if (err)
			break;
	}
	if (err == -ENOENT)	/* the end of the table */
		err = 0;
	if (err == -EINVAL || err == -EOPNOTSUPP) {
		err = 0;
		for (n = 0; n < cap && !bpf_map_get_next_key(fd, prev, &next); prev = &k) {
			k = next;
			if (!bpf_map_lookup_elem(fd, &k, &vals[n]))
				keys[n++] = k;
		}
	}
	for (size_t i = 0; i < n; i++) {
		b[i].key = keys[i];
		b[i].a = vals[i];
	}
out:
	free(keys);
	free(vals);
	if (err) {
		free(b);
		return err;
	}
	*out = b;
	return (long)n;
}

static void print_group(struct report *r, const struct group *g, __u64 now, int nuser)
{
	const struct bk_stack_key *k = &g->first->a.stack;
	struct bk_trace *t = r->t;
	__u64 age_ms = (now - g->oldest_ns) / 1000000;
	char comm[4 * 16], name[1024];
	struct bk_json j;
	int i;

	if (bk_env.json) {
		bk_json_begin(&j, stdout);
		bk_json_uint(&j, "pid", k->tgid);
		bk_json_str(&j, "comm", k->comm, sizeof(k->comm));
		bk_json_str(&j, "kind", user_mode() ? "user" : "kernel", (size_t)-1);
		bk_json_uint(&j, "bytes", g->bytes);
		bk_json_uint(&j, "allocs", g->n);
		bk_json_uint(&j, "oldest_ms", age_ms);
		bk_json_array_begin(&j, "ustack");
		for (i = nuser - 1; i >= 0; i--)
			bk_json_str(&j, NULL, t->f[i].name, (size_t)-1);
		bk_json_array_end(&j);
		bk_json_array_begin(&j, "kstack");
		for (i = t->n - 1; i >= nuser; i--)
			bk_json_str(&j, NULL, t->f[i].name, (size_t)-1);
		bk_json_array_end(&j);
		if (opt.all) {
			bk_json_array_begin(&j, "blocks");
			for (size_t b = 0; b < g->n; b++) {
				bk_json_object_begin(&j, NULL);
				bk_json_uint(&j, "addr", g->first[b].key.addr);
				bk_json_uint(&j, "bytes", g->first[b].a.size);
				bk_json_uint(&j, "age_ms", (now - g->first[b].a.ts_ns) / 1000000);
				bk_json_object_end(&j);
			}
			bk_json_array_end(&j);
		}
		bk_json_end(&j);
		return;
	}
	/* Leaf first: kernel frames, then user frames. */
	for (i = t->n - 1; i >= 0; i--) {
		bk_escape(name, sizeof(name), t->f[i].name, strlen(t->f[i].name));
		printf("    %s\n", name);
	}
	bk_escape(comm, sizeof(comm), k->comm, sizeof(k->comm));
	printf("    -                %s (%u)\n", comm, k->tgid);
	printf("        %llu bytes in %zu allocations, the oldest %llu ms old\n",
	       (unsigned long long)g->bytes, g->n, (unsigned long long)age_ms);
	if (opt.all)
		for (size_t b = 0; b < g->n; b++)
			printf("        %#llx %llu bytes, %llu ms old\n",
			       (unsigned long long)g->first[b].key.addr,
			       (unsigned long long)g->first[b].a.size,
			       (unsigned long long)(now - g->first[b].a.ts_ns) / 1000000);
	printf("\n");
}

/* The trace of a stack: user frames root first, then kernel frames. */
static int build(struct report *r, const struct bk_stack_key *k)
{
	int nuser;

	bk_trace_reset(r->t);
	bk_stacks_add_user(r->st.stacks, r->t, k->tgid, k->ustack);
	nuser = r->t->n;
	bk_stacks_add_kernel(r->st.stacks, r->t, k->kstack);
	return nuser;
}

/*
 * The outstanding blocks old enough for -o, by stack: *g (ng of them) points
 * into *b. Returns 0 or -errno (sentence set); the caller frees both.
 */
static int collect(struct report *r, __u64 now, struct block **bp, struct group **gp, size_t *ngp)
{
	__u64 older_ns = (__u64)opt.older_ms * 1000000;
	struct block *b = NULL;
	struct group *g;
	size_t ng = 0, i, m = 0;
	long n;

	n = read_blocks(bpf_map__fd(r->skel->maps.allocs), (__u32)opt.allocs, &b);
	if (n < 0) {
		bk_set_error("cannot read the outstanding allocations: %s", strerror((int)-n));
		return (int)n;
	}
	/* -o: only blocks old enough. */
	for (long j = 0; j < n; j++)
		if (now - b[j].a.ts_ns >= older_ns)
			b[m++] = b[j];
	qsort(b, m, sizeof(*b), by_stack);
	g = calloc(m + 1, sizeof(*g));
	if (!g) {
		free(b);
		bk_set_error("out of memory");
		return -ENOMEM;
	}
	for (i = 0; i < m; i++) {
		if (!i || memcmp(&b[i].a.stack, &b[i - 1].a.stack, sizeof(b[i].a.stack)))
			g[ng++] = (struct group){ .first = &b[i], .oldest_ns = b[i].a.ts_ns };
		g[ng - 1].n++;
		g[ng - 1].bytes += b[i].a.size;
	}
	*bp = b;
	*gp = g;
	*ngp = ng;
	return 0;
}

/* Each interval and at the end: the stacks with the most bytes, oldest first. */
static int on_interval(void *ctx)
{
	struct report *r = ctx;
	__u64 now = bk_now_ns();
	struct group *g = NULL;
	struct block *b = NULL;
	size_t ng, shown, i;
	char hms[16];
	int err;

	err = collect(r, now, &b, &g, &ng);
	if (err)
		return err;
	qsort(g, ng, sizeof(*g), by_bytes);
	shown = ng < (size_t)opt.top ? ng : (size_t)opt.top;
	qsort(g, shown, sizeof(*g), by_age);
	if (!bk_env.json && !bk_stack_env.folded) {
		bk_time_hms(hms, sizeof(hms), now);
		printf("[%s] %zu of %zu stacks with outstanding allocations%s, oldest first:\n\n",
		       hms, shown, ng, opt.older_ms ? " old enough" : "");
	}
	for (i = 0; i < shown; i++) {
		int nuser = build(r, &g[i].first->a.stack);

		if (bk_stack_env.folded) {
			bk_trace_fold(r->t, g[i].first->a.stack.comm, r->buf, FOLD_MAX);
			printf("%s %llu\n", r->buf, (unsigned long long)g[i].bytes);
		} else {
			print_group(r, &g[i], now, nuser);
		}
	}
	free(g);
	free(b);
	return 0;
}

/* --svg: every stack's outstanding bytes at the end. */
static int flame_all(struct report *r)
{
	struct group *g = NULL;
	struct block *b = NULL;
	size_t ng, i, len;
	int err;

	err = collect(r, bk_now_ns(), &b, &g, &ng);
	for (i = 0; !err && i < ng; i++) {
		build(r, &g[i].first->a.stack);
		len = bk_trace_fold(r->t, g[i].first->a.stack.comm, r->buf, FOLD_MAX);
		err = bk_flame_add(r->st.fg, r->buf, len, g[i].bytes);
	}
	free(g);
	free(b);
	return err;
}

/* Stacks lost, and blocks the table had no room for. */
static void on_check(void *ctx, bool final)
{
	static __u64 seen;
	struct report *r = ctx;
	__u64 lost = r->skel->bss->memleak_lost_allocs;

	bk_stack_losses_check(&r->st.losses, final);
	if (lost > seen || (final && lost))
		bk_warn("%llu allocations were not tracked: the table of %ld blocks was full "
			"(--allocs)", (unsigned long long)lost, opt.allocs);
	seen = lost;
}

int main(int argc, char **argv)
{
	struct memleak_bpf *skel = NULL;
	struct report r = {};
	struct bk_flame_opts fo;
	struct bk_links links = {};
	struct bk_loop loop = {};
	char path[PATH_MAX];
	int err, go = -1;
	pid_t child = 0;

	/* Arguments; the shared letters land in bk_env and bk_stack_env. */
	bk_parse_args_doc(argc, argv, options, parse_arg, "[interval [count]]", argp_program_doc,
			  BK_OPT_FILTERS | BK_OPT_DURATION | BK_OPT_JSON);

	/* Logging, privileges, BTF; the allocator; then open the BPF object. */
	err = bk_init("memleak");
	if (err)
		goto cleanup;
	if (user_mode()) {
		err = find_allocator(path, sizeof(path));
		if (err)
			goto cleanup;
	}
	skel = memleak_bpf__open_opts(bk_open_opts());
	err = bk_opened(skel);
	if (err)
		goto cleanup;

	/* -c: the command starts, held until the probes are in place. */
	if (opt.command) {
		child = start_command(&go);
		if (child < 0) {
			err = child;
			goto cleanup;
		}
		bk_env.pid = child;
		err = bk_target(child);
		if (err)
			goto cleanup;
	}

	/* Filters, stacks (user or kernel, by mode) and table sizes before load. */
	bk_filter_fill(&skel->rodata->bk_filter);
	skel->rodata->bk_stack_opts.user = user_mode();
	skel->rodata->bk_stack_opts.kernel = !user_mode();
	skel->rodata->bk_stack_opts.notify = user_mode();
	err = bk_events_size(skel->maps.events, &skel->rodata->bk_wakeup, 64 << 10);
	/* (The stack map's size; `allocs` is sized after, as the table it is.) */
	if (!err)
		err = bk_stack_maps_size(skel->maps.stacks, skel->maps.allocs, bk_stack_env.storage);
	if (!err)
		err = bpf_map__set_max_entries(skel->maps.allocs, opt.allocs);
	if (err)
		goto cleanup;

	/* User mode: the allocator's uprobes (one multi-uprobe link each where the
	 * kernel has them); kernel mode: the kmem and percpu tracepoints. */
	struct bpf_program *uprogs[] = { skel->progs.handle_alloc, skel->progs.handle_alloc_exit,
					 skel->progs.handle_free };
	struct bpf_program *kprogs[] = {
		skel->progs.handle_kmalloc,	 skel->progs.handle_cache_alloc,
		skel->progs.handle_kfree,	 skel->progs.handle_cache_free,
		skel->progs.handle_page_alloc,	 skel->progs.handle_page_free,
		skel->progs.handle_percpu_alloc, skel->progs.handle_percpu_free,
	};
	for (size_t i = 0; i < 8; i++)
		bpf_program__set_autoload(kprogs[i], !user_mode());
	for (size_t i = 0; i < 3; i++) {
		bpf_program__set_autoload(uprogs[i], user_mode());
		if (user_mode() && bk_uprobe_multi_available())
			bk_uprobe_multi_use(uprogs[i]);
	}

	/* Load (the verifier runs here); the allocator's probes, then the rest. */
	err = bk_load(skel->skeleton);
	if (!err && user_mode()) {
		err = attach_allocator(skel, &links, path);
		bk_attach_path = bk_uprobe_multi_used(skel->progs.handle_alloc) ? "uprobe.multi"
										: "uprobe";
	}
	if (!err)
		err = bk_attach(skel->skeleton);
	if (err)
		goto cleanup;

	/* Symbols, the report each interval and at the end, lost stacks, signals. */
	/* (No count table: the report is memleak's own, from `allocs`.) */
	err = bk_stack_tool_init(&r.st, skel->maps.stacks, skel->maps.allocs, "bytes", 1,
				 "allocations");
	if (!err)
		err = bk_stack_tool_loop(&r.st, &loop, skel->maps.events, &skel->bss->bk_drops,
					 BK_STACK_LOST(skel));
	r.skel = skel;
	r.t = bk_trace_new();
	r.buf = malloc(FOLD_MAX);
	if (!err && (!r.t || !r.buf))
		err = -ENOMEM;
	if (err)
		goto cleanup;
	bk_summary(&loop, on_interval, &r);
	loop.on_check = on_check;
	loop.check_ctx = &r;
	loop.lost_starts = &skel->bss->bk_lost_starts;
	loop.lost_what = "allocator calls were not seen";
	/* The process's maps now, while it lives (-p); -c reads them at its first block. */
	if (bk_env.pid && !opt.command)
		bk_stacks_pid_seen(r.st.stacks, bk_env.pid);
	bk_signals();
	if (!bk_env.json && !bk_stack_env.folded) {
		if (user_mode())
			printf("Tracing outstanding allocations of %s... Ctrl-C to end.\n\n", path);
		else
			printf("Tracing outstanding kernel allocations... Ctrl-C to end.\n\n");
	}
	fflush(stdout);
	if (go >= 0) {
		if (write(go, "g", 1) != 1)
			bk_warn("cannot start the command: %s", strerror(errno));
		close(go);
		go = -1;
	}

	/* Until Ctrl-C, SIGTERM, -d, the count or the process's exit. */
	err = bk_run(&loop);
	bk_flame_opts_default(&fo);
	fo.title = "Outstanding allocations";
	fo.subtitle = user_mode() ? "bytes allocated and not freed, by user stack"
				  : "kernel bytes allocated and not freed, by kernel stack";
	fo.count_name = "bytes";
	if (!err && r.st.fg)
		err = flame_all(&r);
	if (!err)
		err = bk_stack_tool_svg(&r.st, &fo);

cleanup:
	if (go >= 0)
		close(go);
	if (child > 0 && err)
		kill(child, SIGKILL);
	bk_links_destroy(&links);
	bk_loop_free(&loop);
	memleak_bpf__destroy(skel);
	bk_stack_tool_free(&r.st);
	bk_trace_free(r.t);
	free(r.buf);
	return bk_exit(err);
}
