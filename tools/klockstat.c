// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * klockstat: kernel lock contention: time waited for kernel locks, by lock
 * and the kernel stack that waited, as histograms; and, where the kernel has
 * fentry or kprobes, how long mutexes (and with fentry rw-semaphores, read
 * and write) are held, by lock and the stack that took them.
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "core/attach.h"
#include "core/json.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/opts.h"
#include "core/output.h"
#include "core/setup.h"
#include "stacks/ksyms.h"
#include "stacks/report.h"
#include "stacks/stacks.h"
#include "stacks/waits.h"
#include "stacks_abi.h"
#include "klockstat.h"
#include "klockstat.skel.h"

#define MAX_ROWS 10240

const char argp_program_doc[] =
	"Show kernel lock contention: the time tasks wait for kernel locks (mutexes,\n"
	"rw-semaphores, spinlocks, rwlocks), by lock and the kernel stack that waited,\n"
	"as histograms in microseconds; and how long mutexes are held, by lock and the\n"
	"kernel stack that took them, where the kernel has fentry or kprobes, and\n"
	"rw-semaphores (read and write) where it has fentry and a filter names the\n"
	"tasks (the banner says which were measured).\n"
	"\n"
	"USAGE: klockstat [-p PID] [-t TID] [-u UID] [-n COMM] [--cgroup PATH] [-j]\n"
	"                 [-d SECONDS] [--force-path PATH] [interval [count]]\n"
	"\n"
	"EXAMPLES:\n"
	"    klockstat -d 10           # 10 s of kernel lock waits\n"
	"    klockstat -p 181 5        # process 181's, every 5 s\n"
	"    klockstat -j -d 10        # JSON, one object per lock and stack";

struct state {
	struct bk_stacks *stacks;
	struct bk_ksyms *ksyms;
	struct bk_waits waits;
	struct bk_stack_losses losses;
	int holds;		/* the path measures mutex hold times */
	int rwsem_holds;	/* and rwsem hold times */
};

/* "mutex", "rwsem:write", "spinlock", ... from the wait's flags. */
static const char *lock_kind(__u32 f, char *buf, size_t len)
{
	const char *kind = f & KLOCKSTAT_F_MUTEX ? "mutex" :
			   f & KLOCKSTAT_F_RT ? "rtmutex" :
			   f & KLOCKSTAT_F_PERCPU ? "percpu-rwsem" :
			   f & KLOCKSTAT_F_SPIN ? ((f & (KLOCKSTAT_F_READ | KLOCKSTAT_F_WRITE)) ? "rwlock" : "spinlock") :
			   (f & (KLOCKSTAT_F_READ | KLOCKSTAT_F_WRITE)) ? "rwsem" : "semaphore";

	snprintf(buf, len, "%s%s", kind,
		 f & KLOCKSTAT_F_READ ? ":read" : f & KLOCKSTAT_F_WRITE ? ":write" : "");
	return buf;
}

/* A static lock's symbol (tasklist_lock, init_mm+0x78), or "" for a lock in a heap object. */
static const char *lock_name(const struct state *s, __u64 addr, char *buf, size_t len)
{
	struct bk_ksym sym;

	buf[0] = 0;
	if (s->ksyms && !bk_ksyms_find(s->ksyms, addr, &sym) && sym.offset < 4096) {
		if (sym.offset)
			snprintf(buf, len, "%s+0x%llx", sym.name, (unsigned long long)sym.offset);
		else
			snprintf(buf, len, "%s", sym.name);
	}
	return buf;
}

static void key_stack(void *ctx, struct bk_trace *t, const void *key)
{
	const struct klockstat_key *k = key;
	struct state *s = ctx;

	bk_stacks_add_kernel(s->stacks, t, k->kstack);
}

static void key_text(void *ctx, FILE *f, const void *key)
{
	const struct klockstat_key *k = key;
	char comm[4 * 16], kind[32], name[256];

	bk_escape(comm, sizeof(comm), k->comm, sizeof(k->comm));
	lock_name(ctx, k->lock_addr, name, sizeof(name));
	fprintf(f, "%s[%u] %s 0x%llx%s%s", comm, k->tgid, lock_kind(k->flags, kind, sizeof(kind)),
		(unsigned long long)k->lock_addr, name[0] ? " " : "", name);
}

static const char *key_noun(void *ctx, const void *key)
{
	const struct klockstat_key *k = key;

	(void)ctx;
	return k->flags & KLOCKSTAT_F_HOLD ? "holds" : "waits";
}

static void key_json(void *ctx, struct bk_json *j, const void *key)
{
	const struct klockstat_key *k = key;
	char addr[24], kind[32], name[256];

	snprintf(addr, sizeof(addr), "0x%llx", (unsigned long long)k->lock_addr);
	bk_json_uint(j, "pid", k->tgid);
	bk_json_str(j, "comm", k->comm, sizeof(k->comm));
	bk_json_str(j, "lock", addr, sizeof(addr));
	if (lock_name(ctx, k->lock_addr, name, sizeof(name))[0])
		bk_json_str(j, "lock_name", name, sizeof(name));
	else
		bk_json_null(j, "lock_name");
	bk_json_str(j, "kind", lock_kind(k->flags, kind, sizeof(kind)), sizeof(kind));
	bk_json_str(j, "measured", k->flags & KLOCKSTAT_F_HOLD ? "hold" : "wait", 5);
}

int main(int argc, char **argv)
{
	struct klockstat_bpf *skel = NULL;
	struct bk_loop loop = {};
	struct state st = {};
	int err;

	/* Arguments; the shared letters land in bk_env. */
	bk_parse_args_doc(argc, argv, NULL, bk_parse_interval_only, "[interval [count]]", argp_program_doc,
			  BK_OPT_FILTERS | BK_OPT_DURATION | BK_OPT_JSON | BK_OPT_FORCE_PATH);

	/* Logging, privileges, BTF; then open the BPF object. */
	err = bk_init("klockstat");
	if (err)
		goto cleanup;
	skel = klockstat_bpf__open_opts(bk_open_opts());
	err = bk_opened(skel);
	if (err)
		goto cleanup;

	/* Filters and kernel stacks only go to .rodata before load; the maps' sizes. */
	bk_filter_fill(&skel->rodata->bk_filter);
	skel->rodata->bk_stack_opts.user = 0;
	skel->rodata->bk_stack_opts.kernel = 1;
	err = bk_events_size(skel->maps.events, &skel->rodata->bk_wakeup, 4096);
	if (!err)
		err = bk_stack_maps_size(skel->maps.stacks, skel->maps.waits, MAX_ROWS);
	if (err)
		goto cleanup;

	/*
	 * The lock tracepoints (Linux 5.19) for waits; mutex holds where fentry or
	 * kprobes exist; rwsem holds on the fentry path, where its functions have it.
	 */
	__typeof__(skel->progs) *p = &skel->progs;
	struct bk_variant variants[] = {
		{ "fentry",
		  { p->handle_begin, p->handle_end, p->hold_lock_fexit, p->hold_lock_intr_fexit,
		    p->hold_lock_kill_fexit, p->hold_trylock_fexit, p->hold_unlock_fentry },
		  { p->hold_down_read_fexit, p->hold_down_read_intr_fexit, p->hold_down_read_kill_fexit,
		    p->hold_down_read_try_fexit, p->hold_down_write_fexit, p->hold_down_write_kill_fexit,
		    p->hold_down_write_try_fexit, p->hold_up_read_fentry, p->hold_up_write_fentry } },
		{ "kprobe",
		  { p->handle_begin, p->handle_end, p->hold_lock_kprobe, p->hold_lock_kretprobe,
		    p->hold_lock_intr_kprobe, p->hold_lock_intr_kretprobe, p->hold_lock_kill_kprobe,
		    p->hold_lock_kill_kretprobe, p->hold_trylock_kprobe, p->hold_trylock_kretprobe,
		    p->hold_unlock_kprobe } },
		{ "tracepoint", { p->handle_begin, p->handle_end } },
	};
	err = bk_choose(variants, 3, bk_env.force_path);
	if (err < 0)
		goto cleanup;
	st.holds = err != 2;
	/*
	 * rwsem holds only for the tasks a filter names: every down_read and
	 * up_read of the system through a trampoline made the 6.1 VM's tests take
	 * four times as long. Off, the programs are not loaded at all.
	 */
	volatile struct bk_filter *f = &skel->rodata->bk_filter;
	if (!(f->tgid || f->tid || f->uid_set || f->comm[0] || f->cgroup_set))
		for (size_t i = 0; err == 0 && i < BK_VARIANT_PROGS && variants[0].optional[i]; i++)
			bpf_program__set_autoload(variants[0].optional[i], false);
	/* rwsem holds (fentry) need at least down_read, down_write and their unlocks. */
	st.rwsem_holds = err == 0 && bpf_program__autoload(p->hold_down_read_fexit) &&
			 bpf_program__autoload(p->hold_down_write_fexit) &&
			 bpf_program__autoload(p->hold_up_read_fentry) &&
			 bpf_program__autoload(p->hold_up_write_fentry);

	/* Load (the verifier runs here) and attach. */
	err = bk_start(skel->skeleton);
	if (err)
		goto cleanup;

	/* Kernel symbols for stacks and static locks; the report, lost stacks and waits. */
	err = bk_stacks_new(bpf_map__fd(skel->maps.stacks), &st.stacks);
	if (err)
		goto cleanup;
	if (bk_ksyms_load(NULL, &st.ksyms))
		st.ksyms = NULL;
	st.waits = (struct bk_waits){ .fd = bpf_map__fd(skel->maps.waits),
				      .key_size = sizeof(struct klockstat_key), .max_rows = MAX_ROWS,
				      .stack_name = "kstack", .stack = key_stack, .text = key_text,
				      .json = key_json, .noun = key_noun, .ctx = &st };
	err = bk_waits_init(&st.waits);
	if (err)
		goto cleanup;
	st.losses = (struct bk_stack_losses){ &skel->bss->bk_stack_lost_collision,
					      &skel->bss->bk_stack_lost_full,
					      &skel->bss->bk_stack_lost_counts, "waits" };
	loop.on_check = bk_stack_losses_check;
	loop.check_ctx = &st.losses;
	loop.lost_starts = &skel->bss->bk_lost_starts;
	loop.lost_what = "lock waits were not timed";
	bk_summary(&loop, bk_waits_print, &st.waits);
	bk_signals();
	if (!bk_env.json && st.holds)
		printf("Tracing kernel lock waits and %s hold times (%s) by lock and kernel "
		       "stack... Ctrl-C to end.\n\n", st.rwsem_holds ? "mutex and rwsem" :
		       bk_attach_path[0] == 'f' ? "mutex (rwsem: with a filter)" : "mutex",
		       bk_attach_path);
	else if (!bk_env.json)
		printf("Tracing kernel lock waits (wait times; hold times are not measured: they "
		       "need fentry or kprobes) by lock and kernel stack... "
		       "Ctrl-C to end.\n\n");

	/* Until Ctrl-C, SIGTERM, -d or the count; waits print each interval and at the end. */
	err = bk_run(&loop);

cleanup:
	bk_loop_free(&loop);
	klockstat_bpf__destroy(skel);
	bk_waits_free(&st.waits);
	bk_ksyms_free(st.ksyms);
	bk_stacks_free(st.stacks);
	return bk_exit(err);
}
