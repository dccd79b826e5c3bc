// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * oomkill: trace OOM kills, with the task that triggered each one.
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "core/attach.h"
#include "core/json.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/opts.h"
#include "core/output.h"
#include "core/setup.h"
#include "oomkill.h"
#include "oomkill.skel.h"

const char argp_program_doc[] =
	"Trace OOM kills: the victim, the task whose allocation triggered it, and\n"
	"the load average at the time.\n"
	"\n"
	"USAGE: oomkill [-j] [-d SECONDS]\n"
	"\n"
	"EXAMPLES:\n"
	"    oomkill                   # trace OOM kills until Ctrl-C\n"
	"    oomkill -j                # as JSON lines\n"
	"    oomkill -d 3600           # for an hour";

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* A comm is 15 bytes at most; one column fewer than BK_W_COMM keeps 80. */
#define W_COMM 15
#define W_PAGES 8

static void print_header(void)
{
	if (bk_env.json)
		return;
	printf("%-*s %-*s %-*s %-*s %-*s %*s %s\n", BK_W_TIME, "TIME", BK_W_PID, "KPID",
	       W_COMM, "KCOMM", BK_W_PID, "TPID", W_COMM, "TCOMM", W_PAGES, "PAGES", "LOADAVG");
}

/* The 1, 5 and 15-minute load averages, read now, as bcc's oomkill does. */
static void loadavg(char *buf, size_t len)
{
	double a[3];
	FILE *f = fopen("/proc/loadavg", "r");

	if (f && fscanf(f, "%lf %lf %lf", &a[0], &a[1], &a[2]) == 3)
		snprintf(buf, len, "%.2f %.2f %.2f", a[0], a[1], a[2]);
	else
		snprintf(buf, len, "?");
	if (f)
		fclose(f);
}

static int handle_event(void *ctx, void *data, size_t size)
{
	const struct oom_event *e = data;
	char kcomm[4 * 16], tcomm[4 * 16], t[40], load[64], pages[24];
	struct bk_json j;

	loadavg(load, sizeof(load));
	if (bk_env.json) {
		bk_time_iso(t, sizeof(t), e->ts_ns);
		bk_json_begin(&j, stdout);
		bk_json_str(&j, "time", t, sizeof(t));
		bk_json_uint(&j, "killed_pid", e->killed_tid);
		if (e->killed_comm[0])
			bk_json_str(&j, "killed_comm", e->killed_comm, sizeof(e->killed_comm));
		else
			bk_json_null(&j, "killed_comm");
		if (e->killed_uid != OOMKILL_UID_UNKNOWN)
			bk_json_uint(&j, "killed_uid", e->killed_uid);
		else
			bk_json_null(&j, "killed_uid");
		bk_json_uint(&j, "trigger_pid", e->trigger_tgid);
		bk_json_uint(&j, "trigger_tid", e->trigger_tid);
		bk_json_str(&j, "trigger_comm", e->trigger_comm, sizeof(e->trigger_comm));
		if (e->total_vm_pages)
			bk_json_uint(&j, "pages", e->total_vm_pages);
		else
			bk_json_null(&j, "pages");
		if (e->limit_pages)
			bk_json_uint(&j, "limit_pages", e->limit_pages);
		else
			bk_json_null(&j, "limit_pages");
		bk_json_str(&j, "loadavg", load, sizeof(load));
		bk_json_end(&j);
		return 0;
	}
	if (e->killed_comm[0])
		bk_escape(kcomm, sizeof(kcomm), e->killed_comm, sizeof(e->killed_comm));
	else
		snprintf(kcomm, sizeof(kcomm), "?");
	bk_escape(tcomm, sizeof(tcomm), e->trigger_comm, sizeof(e->trigger_comm));
	if (e->total_vm_pages)
		snprintf(pages, sizeof(pages), "%llu", (unsigned long long)e->total_vm_pages);
	else
		snprintf(pages, sizeof(pages), "-");
	bk_time_hms(t, sizeof(t), e->ts_ns);
	printf("%-*s %-*u %-*s %-*u %-*s %*s %s\n", BK_W_TIME, t, BK_W_PID, e->killed_tid, W_COMM,
	       kcomm, BK_W_PID, e->trigger_tgid, W_COMM, tcomm, W_PAGES, pages, load);
	return 0;
}

/*
 * Before Linux 6.8 oom:mark_victim carries only the victim's PID; there the
 * function hooks, which see the whole victim, are preferred.
 */
static bool tracepoint_names_victim(void)
{
	char line[256];
	bool found = false;
	FILE *f;

	if (bk_tracefs())
		return false;
	f = fopen("/sys/kernel/tracing/events/oom/mark_victim/format", "r");
	while (f && !found && fgets(line, sizeof(line), f))
		found = strstr(line, " comm;") != NULL;
	if (f)
		fclose(f);
	return found;
}

int main(int argc, char **argv)
{
	struct bk_loop loop = {};
	struct oomkill_bpf *skel = NULL;
	int err, shift = 0;

	/* Arguments; the shared letters land in bk_env. */
	bk_parse_args(argc, argv, NULL, parse_arg, argp_program_doc,
		      BK_OPT_DURATION | BK_OPT_JSON | BK_OPT_FORCE_PATH);

	/* Logging, privileges, BTF. */
	err = bk_init("oomkill");
	if (err)
		goto cleanup;

	/* Open the BPF object. */
	skel = oomkill_bpf__open_opts(bk_open_opts());
	err = bk_opened(skel);
	if (err)
		goto cleanup;

	/* Settings go to .rodata before load; OOM kills are rare, the buffer small. */
	while ((1L << (shift + 10)) < sysconf(_SC_PAGESIZE))
		shift++;
	skel->rodata->targ_kb_page_shift = shift;
	err = bk_events_size(skel->maps.events, &skel->rodata->bk_wakeup, 1 << 16);
	if (err)
		goto cleanup;

	/* The attach path: mark_victim if it names the victim, else fentry, else kprobe. */
	struct bk_variant tp = { "tracepoint", { skel->progs.handle_mark_victim } };
	struct bk_variant variants[] = {
		tp,
		{ "fentry", { skel->progs.handle_oom_kill_fentry } },
		{ "kprobe", { skel->progs.handle_oom_kill_kprobe } },
	};
	if (!tracepoint_names_victim()) {
		variants[0] = variants[1];
		variants[1] = variants[2];
		variants[2] = tp;
	}
	err = bk_choose(variants, 3, bk_env.force_path);
	if (err < 0)
		goto cleanup;

	/* Load (the verifier runs here) and attach. */
	err = bk_start(skel->skeleton);
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
	oomkill_bpf__destroy(skel);
	return bk_exit(err);
}
