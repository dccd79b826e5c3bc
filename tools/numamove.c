// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * numamove: NUMA-misplaced page migrations (or those of another reason)
 * per interval, with the time they took.
 */
#include <argp.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "core/attach.h"
#include "core/json.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/maps.h"
#include "core/opts.h"
#include "core/output.h"
#include "core/setup.h"
#include "kernel/btfenum.h"
#include "numamove.h"
#include "numamove.skel.h"

static struct {
	const char *reason;
} opt = { .reason = "numa_misplaced" };

const char argp_program_doc[] =
	"Count the pages NUMA balancing migrates to the node that uses them (or the\n"
	"migrations of another reason) every interval (1 s by default), with the time\n"
	"spent migrating. The header says when NUMA balancing is off.\n"
	"\n"
	"USAGE: numamove [-p PID] [-t TID] [-u UID] [-n COMM] [--cgroup PATH] [-T]\n"
	"                [--reason REASON] [-j] [-d SECONDS] [interval [count]]\n"
	"\n"
	"EXAMPLES:\n"
	"    numamove                    # every second\n"
	"    numamove -p 181 5           # process 181's, every 5 s\n"
	"    numamove --reason compaction  # migrations by memory compaction";

enum { OPT_REASON = 2000 };

static const struct argp_option options[] = {
	{ "reason", OPT_REASON, "REASON", 0,
	  "Count migrations of this reason (the kernel's MR_* names in lower case: "
	  "numa_misplaced, compaction, syscall, ...; default numa_misplaced)", 0 },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case OPT_REASON:
		if (!*arg || strlen(arg) > 64)
			bk_usage(state, "--reason wants a migrate reason such as numa_misplaced");
		opt.reason = arg;
		break;
	case ARGP_KEY_ARG:
		bk_parse_interval_arg(state, arg);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

struct state {
	struct bk_counters counts;
};

/* The value of MR_<REASON> in the running kernel, or -errno (sentence set). */
static long reason_value(const char *reason)
{
	struct bk_enum_names e = {};
	char up[80];
	size_t i;
	long v;
	int err;

	for (i = 0; reason[i] && i < sizeof(up) - 1; i++)
		up[i] = (char)toupper((unsigned char)reason[i]);
	up[i] = 0;
	err = bk_enum_names_load(&e, "migrate_reason", "MR_", 64);
	if (err) {
		if (err == -ENOENT)
			bk_set_unsupported("enum migrate_reason in its BTF");
		return err;
	}
	v = bk_enum_value(&e, up, "MR_");
	if (v < 0) {
		char names[512] = "";

		for (i = 0; i < e.n; i++) {
			const char *n = bk_enum_name(&e, (long)i);

			if (!n || !strcmp(n, "TYPES"))
				continue;
			size_t len = strlen(names);

			snprintf(names + len, sizeof(names) - len, "%s%s", len ? ", " : "", n);
			for (char *c = names + len; *c; c++)
				*c = (char)tolower((unsigned char)*c);
		}
		bk_set_usage_error("unknown --reason '%s': this kernel has %s", reason, names);
		v = -EINVAL;
	}
	bk_enum_names_free(&e);
	return v;
}

/* NUMA nodes online, and /proc/sys/kernel/numa_balancing (-1 if unreadable). */
static void numa_state(int *nodes, int *balancing)
{
	DIR *d = opendir("/sys/devices/system/node");
	struct dirent *de;
	FILE *f;

	*nodes = 0;
	while (d && (de = readdir(d)))
		if (!strncmp(de->d_name, "node", 4) && isdigit((unsigned char)de->d_name[4]))
			(*nodes)++;
	if (d)
		closedir(d);
	*balancing = -1;
	f = fopen("/proc/sys/kernel/numa_balancing", "re");
	if (f) {
		if (fscanf(f, "%d", balancing) != 1)
			*balancing = -1;
		fclose(f);
	}
}

static void print_header(void)
{
	int nodes, balancing;

	if (bk_env.json)
		return;
	numa_state(&nodes, &balancing);
	if (!strcmp(opt.reason, "numa_misplaced")) {
		if (balancing == 0)
			printf("# NUMA balancing is off (/proc/sys/kernel/numa_balancing is 0): "
			       "no misplaced pages will be migrated\n");
		else if (balancing < 0)
			printf("# this kernel has no NUMA balancing "
			       "(no /proc/sys/kernel/numa_balancing)\n");
		if (nodes < 2)
			printf("# %d NUMA node: no page can be misplaced\n", nodes);
	}
	bk_print_prefix_header();
	printf("%10s %10s %10s %12s\n", "CALLS", "PAGES", "FAILED", "TIME(ms)");
}

static int print_interval(void *ctx)
{
	struct state *s = ctx;
	__u64 v[NUMAMOVE_COUNTERS], now = bk_now_ns();
	struct bk_json j;
	char t[40];
	int err = bk_counters_read(&s->counts, NUMAMOVE_COUNTERS);

	if (err)
		return err;
	for (__u32 i = 0; i < NUMAMOVE_COUNTERS; i++)
		v[i] = *(const __u64 *)bk_counters_delta(&s->counts, i);
	if (bk_env.json) {
		bk_time_iso(t, sizeof(t), now);
		bk_json_begin(&j, stdout);
		bk_json_str(&j, "time", t, sizeof(t));
		bk_json_str(&j, "reason", opt.reason, (size_t)-1);
		bk_json_uint(&j, "calls", v[NUMAMOVE_CALLS]);
		bk_json_uint(&j, "pages", v[NUMAMOVE_PAGES]);
		bk_json_uint(&j, "failed", v[NUMAMOVE_FAILED]);
		bk_json_uint(&j, "time_ns", v[NUMAMOVE_NS]);
		bk_json_end(&j);
		return 0;
	}
	bk_print_prefix(now, 0);
	printf("%10llu %10llu %10llu %12.3f\n", (unsigned long long)v[NUMAMOVE_CALLS],
	       (unsigned long long)v[NUMAMOVE_PAGES], (unsigned long long)v[NUMAMOVE_FAILED],
	       v[NUMAMOVE_NS] / 1e6);
	return 0;
}

int main(int argc, char **argv)
{
	struct numamove_bpf *skel = NULL;
	struct bk_loop loop = {};
	struct state st = {};
	long reason;
	int err;

	/* Arguments; the shared letters land in bk_env. One second by default. */
	bk_env.interval_s = 1;
	bk_parse_args_doc(argc, argv, options, parse_arg, "[interval [count]]", argp_program_doc,
			  BK_OPT_FILTERS | BK_OPT_TIMESTAMP | BK_OPT_DURATION | BK_OPT_JSON);

	/* Logging, privileges, BTF; the reason's value; then open the BPF object. */
	err = bk_init("numamove");
	if (err)
		goto cleanup;
	reason = reason_value(opt.reason);
	if (reason < 0) {
		err = (int)reason;
		goto cleanup;
	}
	skel = numamove_bpf__open_opts(bk_open_opts());
	err = bk_opened(skel);
	if (err)
		goto cleanup;

	/* Filters and the reason go to .rodata before load. */
	bk_filter_fill(&skel->rodata->bk_filter);
	skel->rodata->targ_reason = (__s32)reason;

	/* The migrate tracepoints (every kernel since 5.x has both). */
	struct bk_variant variants[] = {
		{ "tracepoint", { skel->progs.handle_start, skel->progs.handle_end } },
	};
	err = bk_choose(variants, 1, NULL);
	if (err < 0)
		goto cleanup;

	/* Load (the verifier runs here) and attach. */
	err = bk_start(skel->skeleton);
	if (err)
		goto cleanup;

	/* The counters, read every interval. */
	err = bk_counters_init(&st.counts, bpf_map__fd(skel->maps.counts), 1);
	if (err)
		goto cleanup;
	loop.lost_starts = &skel->bss->bk_lost_starts;
	loop.lost_what = "migrations were not counted";

	/* Signals, then the header. */
	bk_signals();
	print_header();

	/* Until Ctrl-C, SIGTERM, -d or the count; what is left is printed too. */
	bk_summary(&loop, print_interval, &st);
	err = bk_run(&loop);

cleanup:
	bk_counters_free(&st.counts);
	numamove_bpf__destroy(skel);
	return bk_exit(err);
}
