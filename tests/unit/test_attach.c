// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The attach-path probes, on the running kernel (needs root; the fentry
 * checks need a kernel whose fentry programs load, which tests/vm has).
 * Also run inside the VMs by tests/integration/attach.sh.
 */
#include <errno.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include "core/attach.h"
#include "unit.h"

/* Whether an fentry program loads and attaches to `func`, tried directly. */
static int fentry_loads(struct btf *btf, const char *func)
{
	struct bpf_insn insns[2] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	__s32 id = btf__find_by_name_kind(btf, func, BTF_KIND_FUNC);
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = BPF_TRACE_FENTRY,
		    .attach_btf_id = id);
	int fd, link;

	if (id <= 0)
		return -1;
	fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "bk_test", "GPL", insns, 2, &opts);
	if (fd < 0)
		return 0;
	link = bpf_raw_tracepoint_open(NULL, fd);
	if (link >= 0)
		close(link);
	close(fd);
	return link >= 0;
}

/* In BTF but refused to tracing programs (the verifier's deny list). */
static const char *refused_function(void)
{
	static const char *const refused[] = { "migrate_disable", "migrate_enable",
					       "rcu_read_unlock_strict", "preempt_count_add",
					       "preempt_count_sub", "__rcu_read_lock" };
	struct btf *btf = btf__load_vmlinux_btf();
	const char *bad = NULL;

	if (!btf)
		return NULL;
	if (fentry_loads(btf, "vfs_read") != 1) {
		btf__free(btf);
		return NULL;
	}
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]) && !bad; i++)
		if (fentry_loads(btf, refused[i]) == 0)
			bad = refused[i];
	btf__free(btf);
	return bad;
}

static const char *bad;

/*
 * A function fentry cannot take must not be reported available because
 * another one could: availability is per function, not per kernel.
 */
static void test_fentry_per_function(void)
{
	char why[256], sec[128];

	CHECK_INT(bk_hook_available("fentry/vfs_read", why, sizeof(why)), 1);
	snprintf(sec, sizeof(sec), "fentry/%s", bad);
	CHECK_INT(bk_hook_available(sec, why, sizeof(why)), 0);
	CHECK(strstr(why, bad) != NULL);
	/* And the other way round: a refusal is not remembered for the next one. */
	CHECK_INT(bk_hook_available("fentry/vfs_write", why, sizeof(why)), 1);
}

int main(void)
{
	if (geteuid()) {
		printf("SKIP attach: needs root\n");
		return 0;
	}
	bad = refused_function();
	if (!bad) {
		printf("SKIP test_fentry_per_function: fentry programs do not load here, "
		       "or no function refuses them\n");
		return 0;
	}
	RUN(test_fentry_per_function);
	UNIT_EXIT();
}
